import CSV
public import Foundation
public import RosterCore

/// The rows of an import file, one at a time (memory stays flat whatever the file's size): CSV with a header row
/// (CSV.swift) or JSON Lines, each row as the values of its columns. A CSV column no import of this kind knows stops the
/// file before its first row; a JSONL key it does not know refuses that row.
public final class ImportFile {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl

        /// By the file's extension: `.csv`, `.jsonl` or `.ndjson`.
        public static func of(path: String) -> Format? {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": .csv
            case "jsonl", "ndjson": .jsonl
            default: nil
            }
        }
    }

    public struct UnknownColumns: Error, CustomStringConvertible {
        public var columns: [String]
        /// Where they are in the header, from 1.
        public var positions: [Int] = []
        public var known: [String]
        public var description: String {
            // A column with no name said as such, with its place (the message listed an empty name: "know:  (known").
            let named = zip(columns, positions + Array(repeating: 0, count: max(0, columns.count - positions.count))).map { name, position in
                name.isEmpty ? "a column with no name (column \(position))" : name
            }
            return "the file has columns this import does not know: \(named.joined(separator: ", ")) (known: \(known.joined(separator: ", ")))"
        }
    }

    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    /// A row as the file gives it.
    public struct Row {
        public var number: Int
        public var values: [String: Value]
        public var problems: [FieldError]
    }

    /// A value of a row: CSV gives text only. JSON Lines may give anything; what no field takes is refused by the
    /// field's name (`unsupported`, and an object's members that are not scalars, by `properties.KEY`), not as a line
    /// that is not JSON.
    public enum Value: Decodable, Equatable {
        case null
        case scalar(JSONScalar)
        case list([String])
        case object([String: JSONScalar], notScalar: [String])
        case unsupported

        private struct Member: Decodable {
            var scalar: JSONScalar?
            init(from decoder: any Decoder) throws { scalar = try? decoder.singleValueContainer().decode(JSONScalar.self) }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let texts = try? container.decode([String].self) {
                self = .list(texts)
            } else if let map = try? container.decode([String: Member].self) {
                self = .object(map.compactMapValues(\.scalar), notScalar: map.filter { $0.value.scalar == nil }.keys.sorted())
            } else if let scalar = try? container.decode(JSONScalar.self) {
                self = .scalar(scalar)
            } else {
                self = .unsupported
            }
        }

        public var text: String? {
            if case .scalar(.string(let text)) = self { return text }
            return nil
        }
    }

    private static let decoder = JSONDecoder()
    private let format: Format
    private let known: (String) -> Bool
    private var csv: CSVReader?
    private var bound: RecordBoundStream?
    private var header: [String] = []
    private var lines: LineReader?
    private var number = 0

    /// `known` says which columns this kind of import reads; `describeKnown` lists them for a message.
    public init(path: String, format: Format, known: @escaping (String) -> Bool, describeKnown: [String]) throws {
        self.format = format
        self.known = known
        switch format {
        case .csv:
            guard let stream = RecordBoundStream(fileAtPath: path, limit: LineReader.maxLine) else {
                throw Unreadable(description: "can't read \(path)")
            }
            bound = stream
            let reader: CSVReader
            do {
                reader = try CSVReader(stream: stream, hasHeaderRow: true, trimFields: true, delimiter: Self.delimiter(path))
            } catch {
                throw Unreadable(description: "\(path) is not CSV with a header row: \(Self.describe(error))")
            }
            // Column names as spreadsheets write them (`FirstName`, ` EMAIL `) are the columns they name.
            header = (reader.headerRow ?? []).enumerated().map { index, name in
                Self.canonical(index == 0 && name.hasPrefix("\u{FEFF}") ? String(name.dropFirst()) : name, known: known, listed: describeKnown)
            }
            // A blank first line is no header: the columns' names are on a line after it (the message named a column
            // with no name).
            guard header.contains(where: { !$0.isEmpty }) else {
                throw Unreadable(description: "the first line is blank: a CSV import starts with its header row, the columns' names")
            }
            let unknown = header.indices.filter { !known(header[$0]) }
            guard unknown.isEmpty else {
                throw UnknownColumns(columns: unknown.map { header[$0] }, positions: unknown.map { $0 + 1 }, known: describeKnown)
            }
            // A column named twice would leave one of its values unread (which one wins is nowhere written).
            var seen = Set<String>()
            let repeated = header.filter { !seen.insert($0).inserted }
            guard repeated.isEmpty else {
                throw Unreadable(description: "the header names \(Array(Set(repeated)).sorted().joined(separator: ", ")) more than once")
            }
            csv = reader
        case .jsonl:
            lines = try LineReader(path: path)
        }
    }

    /// The separator of a CSV file: `;` (as spreadsheets write CSV where the comma is the decimal sign) or a tab when the
    /// header line holds one of them and no comma, else `,`.
    static func delimiter(_ path: String) -> Unicode.Scalar {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "," }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        let line = start.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        if line.contains(UInt8(ascii: ",")) { return "," }
        if line.contains(UInt8(ascii: ";")) { return ";" }
        if line.contains(UInt8(ascii: "\t")) { return "\t" }
        return ","
    }

    /// A header's name as the column it names: trimmed, and matched without regard to case when it is no column as
    /// written (`properties.` and the key's own case kept).
    static func canonical(_ raw: String, known: (String) -> Bool, listed: [String]) -> String {
        let name = raw.trimmingWhitespace()
        if known(name) { return name }
        let lower = name.lowercased()
        if lower.hasPrefix("properties."), case let property = "properties." + name.dropFirst(11), known(property) { return property }
        return listed.first { $0.lowercased() == lower && known($0) } ?? name
    }

    /// A JSON member's name as a refused row's field: as given when it reads as a field name, else not at all (a name
    /// can be anything, a person's email too, and refused rows are kept).
    static func shown(_ name: String) -> String? {
        let ascii = name.utf8
        guard (1...64).contains(ascii.count), let first = ascii.first, first == UInt8(ascii: "_") || (first | 0x20) >= 97 && (first | 0x20) <= 122,
              ascii.allSatisfy({ $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                  || ($0 >= 48 && $0 <= 57) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122) }) else { return nil }
        return name
    }

    /// CSV.swift's errors in words (its case names are no message).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? CSVError else { return "\(error)" }
        switch error {
        case .cannotReadHeaderRow: return "there is no header row"
        case .unicodeDecoding: return "the bytes are not UTF-8 text"
        case .cannotOpenFile, .cannotReadFile, .streamErrorHasOccurred: return "the file could not be read"
        case .cannotWriteStream, .stringEncodingMismatch, .stringEndianMismatch: return "the text encoding is not supported"
        }
    }

    /// The next row, or nil at the end of the file.
    public func next() throws -> Row? {
        switch format {
        case .csv:
            guard let csv else { return nil }
            var next = csv.next()
            // A blank line (one empty field, or only separators) is not a row; it keeps its number, so that every run numbers
            // rows alike.
            while let values = next, values.allSatisfy(\.isEmpty), header.count > 1 {
                number += 1
                next = csv.next()
            }
            // One record past the bound: the reader held it whole, and a quote never closed made the rest of the file one
            // field (a 54 MB upload took 370 MB; found by a probe). Where the next record would begin is not known: the file
            // stops here.
            if bound?.exceeded == true {
                throw Unreadable(description: "the CSV can't be read at row \(number + 1): it runs past \(LineReader.maxLine / (1 << 20)) MiB "
                                 + "(a quote out of place makes the reader run on to the next one)")
            }
            // CSV.swift reports the end of the stream as `cannotReadFile`; anything else (bytes that are not UTF-8) is a
            // real failure, and the row it cut short is not imported.
            if let error = csv.error, "\(error)" != "cannotReadFile" {
                throw Unreadable(description: "the CSV can't be read at row \(number + 1): \(Self.describe(error))")
            }
            guard let values = next else { return nil }
            number += 1
            var row = Row(number: number, values: [:], problems: [])
            // A quote out of place makes the reader run on to the next one (or to the end of the file): lines become one
            // row. A line break in a column that holds none (all but notes and properties) says so, so that the lines it
            // took are looked for; they were lost without a word (found by a probe).
            let runsOn = zip(header, values).first { name, value in
                (value.contains("\n") || value.contains("\r")) && name != "note" && !name.hasPrefix("properties.")
            }?.0
            let cause = " (a quoted field runs over several lines: a quote out of place makes lines one row)"
            if values.count != header.count {
                row.problems.append(FieldError("", "has \(values.count) fields where the header has \(header.count)" + (runsOn != nil ? cause : "")))
            } else if let runsOn {
                row.problems.append(FieldError(runsOn, "holds a line break" + cause))
            }
            for (name, value) in zip(header, values) where !value.isEmpty {
                row.values[name] = .scalar(.string(SpreadsheetGuard.unguarded(value)))
            }
            return row
        case .jsonl:
            while let read = try lines?.next() {
                number += 1
                var row = Row(number: number, values: [:], problems: [])
                guard case .text(let line) = read else {
                    row.problems.append(FieldError("", "is a line longer than 1 MiB, which no row is"))
                    return row
                }
                if line.allSatisfy(\.isWhitespace) { continue }
                let bytes = Array(line.utf8)
                // Looked at before any decoder reads it: a line nested too deep or too wide is refused as the API refuses
                // such a body (it cost a decoder more than its size).
                let finding = JSONDuplicates.check(bytes)
                switch finding {
                case .tooDeep?: row.problems.append(FieldError("", "is nested deeper than \(JSONDuplicates.maxDepth) levels")); return row
                case .tooWide?: row.problems.append(FieldError("", "has an object of more than \(JSONDuplicates.maxMembers) members")); return row
                case .trailingComma?: row.problems.append(FieldError("", "is not valid JSON (a comma before a closing bracket)")); return row
                case .duplicate?, nil: break
                }
                guard let object = try? Self.decoder.decode([String: Value].self, from: Data(bytes)) else {
                    row.problems.append(FieldError("", "is not a JSON object"))
                    return row
                }
                // A member named twice: which value the decoder kept is nowhere written (as the API refuses it).
                if case .duplicate(let twice)? = finding {
                    row.problems.append(Self.shown(twice).map { FieldError($0, "is given twice in this row") }
                                        ?? FieldError("", "names a member twice"))
                    return row
                }
                for (key, value) in object where value != .null {
                    if known(key) {
                        row.values[key] = value
                    } else {
                        row.problems.append(Self.shown(key).map { FieldError($0, "is not a field of this import") }
                                            ?? FieldError("", "has a member whose name is no field of this import (not repeated here: a name can be data)"))
                    }
                }
                row.problems.sort { $0.field < $1.field }
                return row
            }
            return nil
        }
    }
}

/// The rows of a party import file (`roster import parties`). The columns are those of `POST .../parties`; `roles` and
/// `tags` are `;`-separated in CSV and arrays in JSONL, `properties.KEY` columns (CSV) or a `properties` object (JSONL)
/// give properties, `partnerId` or `partnerEmail` the partner.
public final class PartyImportReader {
    public typealias Format = ImportFile.Format
    private let file: ImportFile

    public init(path: String, format: Format) throws {
        let csv = format == .csv
        file = try ImportFile(path: path, format: format, known: { column in
            (PartyImportRow.columns.contains(column) && !(csv && column == "properties"))
                || (csv && column.hasPrefix("properties.") && PartyRules.isPropertyKey(String(column.dropFirst(11))))
        }, describeKnown: PartyImportRow.columns.subtracting(csv ? ["properties"] : []).sorted() + (csv ? ["properties.KEY"] : []))
    }

    public func next() throws -> PartyImportRow? {
        guard let raw = try file.next() else { return nil }
        var row = PartyImportRow(number: raw.number)
        row.problems = raw.problems
        for (key, value) in raw.values.sorted(by: { $0.key < $1.key }) {
            switch (key, value) {
            case ("roles", .list(let texts)): row.roles = texts
            case ("tags", .list(let texts)): row.tags = texts
            case ("roles", .scalar(.string(let text))) where file.isCSV: row.roles = Self.split(text)
            case ("tags", .scalar(.string(let text))) where file.isCSV: row.tags = Self.split(text)
            case ("properties", .object(let map, let notScalar)):
                // A null is a value, as POST .../parties keeps it (dropped here, a JSON Lines copy lost it; found by a
                // probe); an update never writes one over a value (`patch`).
                row.properties = map
                // The key named only when it is one (a key can be anything, an email too; refused rows are kept).
                for key in notScalar {
                    row.problems.append(PartyRules.isPropertyKey(key) ? FieldError("properties.\(key)", "must be a string, number, boolean or null")
                                        : FieldError("properties", "has a value that is no string, number, boolean or null, under a key that is no property key"))
                }
            case (_, .scalar(.string(let text))) where key.hasPrefix("properties."): row.properties[String(key.dropFirst(11))] = .string(text)
            case (_, .scalar(.string(let text))) where !["roles", "tags", "properties"].contains(key):
                switch key {
                case "kind": row.kind = text
                case "firstName": row.firstName = text
                case "lastName": row.lastName = text
                case "name": row.name = text
                case "email": row.email = text
                case "phone": row.phone = text
                case "website": row.website = text
                case "note": row.note = text
                case "customerType": row.customerType = text
                case "partnerId": row.partnerID = text
                case "partnerEmail": row.partnerEmail = text
                default: break
                }
            default:
                row.problems.append(FieldError(key, key == "properties" ? "must be an object of scalars"
                                               : key == "roles" || key == "tags" ? "must be an array of strings" : "must be a string"))
            }
        }
        return row
    }

    static func split(_ text: String) -> [String] {
        text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// The rows of a relationship import file (`roster import relationships`): the child by `childId`, `childEmail` or
/// `childPhone` or `childName`, the parent by `parentId`, `parentEmail` or `parentName` (an organization's exact name), and `type`,
/// `role`, `validFrom`, `validTo` (RFC 3339).
public final class RelationshipImportReader {
    public typealias Format = ImportFile.Format
    private let file: ImportFile

    public init(path: String, format: Format) throws {
        file = try ImportFile(path: path, format: format, known: RelationshipImportRow.columns.contains,
                              describeKnown: RelationshipImportRow.columns.sorted())
    }

    public func next() throws -> RelationshipImportRow? {
        guard let raw = try file.next() else { return nil }
        var row = RelationshipImportRow(number: raw.number)
        row.problems = raw.problems
        for (key, value) in raw.values.sorted(by: { $0.key < $1.key }) {
            guard let text = value.text else {
                row.problems.append(FieldError(key, "must be a string"))
                continue
            }
            switch key {
            case "childId": row.childID = text
            case "childEmail": row.childEmail = text
            case "childPhone": row.childPhone = text
            case "childName": row.childName = text
            case "parentId": row.parentID = text
            case "parentEmail": row.parentEmail = text
            case "parentName": row.parentName = text
            case "type": row.type = text
            case "role": row.role = file.isCSV && text.trimmingWhitespace().isEmpty ? nil : text
            case "validFrom": row.validFrom = text
            case "validTo": row.validTo = text
            default: break
            }
        }
        return row
    }
}

extension ImportFile {
    var isCSV: Bool { format == .csv }
}

/// The lines of a file, read in 64 KiB chunks, each byte looked at once (a search from the line's start on every chunk
/// made a long line quadratic: 8 MB took 17 s). A line longer than 1 MiB is no row of any import: it is skipped to
/// its end and reported as `.tooLong`, so that the rows after it still import.
/// A file's bytes for the CSV reader, ended with an error once one record (from a line break outside quotes to the next)
/// runs past `limit` bytes: the reader keeps a record whole, at several times its size, and a quote never closed makes
/// it the rest of the file. Quotes are counted as RFC 4180 writes them (a doubled quote inside a quoted field toggles
/// twice).
final class RecordBoundStream: InputStream {
    private let base: InputStream
    let limit: Int
    private var quoted = false
    private var length = 0
    private(set) var exceeded = false

    init?(fileAtPath path: String, limit: Int) {
        guard let base = InputStream(fileAtPath: path) else { return nil }
        self.base = base
        self.limit = limit
        super.init(data: Data())
    }

    override func open() { base.open() }
    override func close() { base.close() }
    override var streamStatus: Stream.Status { base.streamStatus }
    override var streamError: (any Error)? { exceeded ? ImportFile.Unreadable(description: "a record runs past \(limit) bytes") : base.streamError }
    override var hasBytesAvailable: Bool { !exceeded && base.hasBytesAvailable }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        guard !exceeded else { return -1 }
        let count = base.read(buffer, maxLength: maxLength)
        guard count > 0 else { return count }
        var (quoted, length) = (self.quoted, self.length)
        for index in 0..<count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                length = 0
                continue
            }
            length += 1
            if length > limit {
                exceeded = true
                return -1
            }
        }
        (self.quoted, self.length) = (quoted, length)
        return count
    }
}

final class LineReader {
    static let maxLine = 1 << 20

    enum Line {
        case text(String)
        case tooLong
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Where the line being read starts, and how far it was searched for its end.
    private var start = 0
    private var scanned = 0
    private var ended = false
    private var skipping = false

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportFile.Unreadable(description: "can't read \(path)") }
        self.handle = handle
    }

    deinit { try? handle.close() }

    func next() throws -> Line? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                defer { start = newline + 1; scanned = start }
                if skipping {
                    skipping = false
                    return .tooLong
                }
                let line = buffer[start..<newline]
                return .text(String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self))
            }
            scanned = buffer.count
            if ended {
                defer { start = buffer.count; scanned = start }
                if skipping {
                    skipping = false
                    return .tooLong
                }
                return start < buffer.count ? .text(String(decoding: buffer[start...], as: UTF8.self)) : nil
            }
            if skipping || buffer.count - start > Self.maxLine {
                // Too long to be a row: what was read of it is dropped, and the rest is skipped as it comes.
                skipping = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
                scanned = 0
            } else if start > 0 {
                // Keep what is not read yet (less than a line), then read on.
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { ended = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
