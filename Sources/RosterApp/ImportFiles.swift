import CSV
public import Foundation
public import RosterCore
public import RosterService

/// Reads the rows of a party import file, one at a time (memory stays flat whatever the file's size): CSV with a header
/// row (CSV.swift) or JSON Lines. The columns are those of `POST .../parties`; `roles` and `tags` are `;`-separated in
/// CSV and arrays in JSONL, `properties.KEY` columns (CSV) or a `properties` object (JSONL) give properties.
public final class PartyImportReader {
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
        public var description: String {
            "the file has columns an import does not know: \(columns.joined(separator: ", ")) (known: "
                + PartyImportRow.columns.subtracting(["properties"]).sorted().joined(separator: ", ") + ", properties.KEY)"
        }
    }

    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    private let format: Format
    private var csv: CSVReader?
    private var header: [String] = []
    private var lines: LineReader?
    private var number = 0

    public init(path: String, format: Format) throws {
        self.format = format
        guard let stream = InputStream(fileAtPath: path) else { throw Unreadable(description: "can't read \(path)") }
        switch format {
        case .csv:
            let reader: CSVReader
            do {
                reader = try CSVReader(stream: stream, hasHeaderRow: true, trimFields: true)
            } catch {
                throw Unreadable(description: "\(path) is not CSV with a header row: \(error)")
            }
            header = (reader.headerRow ?? []).enumerated().map { index, name in
                index == 0 && name.hasPrefix("\u{FEFF}") ? String(name.dropFirst()) : name
            }
            let unknown = header.filter { !PartyImportRow.columns.contains($0) && !($0.hasPrefix("properties.") && $0.count > 11) }
                + (header.contains("properties") ? ["properties"] : [])
            guard unknown.isEmpty else { throw UnknownColumns(columns: unknown) }
            csv = reader
        case .jsonl:
            lines = try LineReader(path: path)
        }
    }

    /// The next row, or nil at the end of the file.
    public func next() throws -> PartyImportRow? {
        switch format {
        case .csv:
            guard let csv, let values = csv.next() else {
                // CSV.swift reports the end of the stream as `cannotReadFile`; anything else is a real failure.
                if let error = csv?.error, !("\(error)" == "cannotReadFile") {
                    throw Unreadable(description: "the CSV can't be read past row \(number): \(error)")
                }
                return nil
            }
            number += 1
            var row = PartyImportRow(number: number)
            if values.count != header.count {
                row.problems.append(FieldError("", "has \(values.count) fields where the header has \(header.count)"))
            }
            for (name, value) in zip(header, values) where !value.isEmpty {
                Self.set(name, .string(value), in: &row)
            }
            return row
        case .jsonl:
            while let line = try lines?.next() {
                number += 1
                if line.allSatisfy(\.isWhitespace) { continue }
                var row = PartyImportRow(number: number)
                guard let object = try? Self.decoder.decode([String: Value].self, from: Data(line.utf8)) else {
                    row.problems.append(FieldError("", "is not a JSON object of strings, arrays of strings and a properties object"))
                    return row
                }
                for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                    guard PartyImportRow.columns.contains(key) else {
                        row.problems.append(FieldError(key, "is not a field of a party import"))
                        continue
                    }
                    switch value {
                    case .null: continue
                    case .scalar(.string(let text)) where key != "roles" && key != "tags" && key != "properties":
                        Self.set(key, .string(text), in: &row)
                    case .list(let texts) where key == "roles" || key == "tags":
                        if key == "roles" { row.roles = texts } else { row.tags = texts }
                    case .object(let map) where key == "properties":
                        row.properties = map.filter { $0.value != .null }
                    default:
                        row.problems.append(FieldError(key, key == "properties" ? "must be an object of scalars"
                                                       : key == "roles" || key == "tags" ? "must be an array of strings" : "must be a string"))
                    }
                }
                return row
            }
            return nil
        }
    }

    private static func set(_ name: String, _ value: JSONScalar, in row: inout PartyImportRow) {
        guard case .string(let text) = value else { return }
        switch name {
        case "kind": row.kind = text
        case "firstName": row.firstName = text
        case "lastName": row.lastName = text
        case "name": row.name = text
        case "email": row.email = text
        case "phone": row.phone = text
        case "website": row.website = text
        case "note": row.note = text
        case "customerType": row.customerType = text
        case "roles": row.roles = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case "tags": row.tags = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case "partnerId": row.partnerID = text
        case "partnerEmail": row.partnerEmail = text
        default:
            if name.hasPrefix("properties.") { row.properties[String(name.dropFirst(11))] = .string(text) }
        }
    }
}

/// The lines of a file, read in chunks.
final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()
    private var ended = false

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PartyImportReader.Unreadable(description: "can't read \(path)") }
        self.handle = handle
    }

    deinit { try? handle.close() }

    func next() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { ended = true } else { buffer.append(chunk) }
        }
    }
}

extension PartyImportReader {
    static let decoder = JSONDecoder()

    /// A value of a JSON Lines row.
    enum Value: Decodable {
        case null
        case scalar(JSONScalar)
        case list([String])
        case object([String: JSONScalar])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let texts = try? container.decode([String].self) {
                self = .list(texts)
            } else if let map = try? container.decode([String: JSONScalar].self) {
                self = .object(map)
            } else {
                self = .scalar(try container.decode(JSONScalar.self))
            }
        }
    }
}
