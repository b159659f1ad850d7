import ArgumentParser
import Crypto
import Foundation
import RosterApp
import RosterCore
import RosterService

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bulk imports.", subcommands: [ImportParties.self, ImportRelationships.self])
}

struct ImportParties: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parties",
        abstract: "Import parties from CSV (header row) or JSON Lines, through the rules of POST .../parties.",
        discussion: """
            Columns: kind (default person), firstName, lastName, name, email, phone, website, note, customerType, roles and \
            tags (';'-separated in CSV, arrays in JSONL), properties.KEY (a properties object in JSONL), partnerId or \
            partnerEmail (the partnership edge). A row that matches a live party of its kind by email or phone is skipped, \
            merged into it (--on-duplicate update) or refused (fail). Rows go in batched transactions; run the same command \
            again after an interruption and it goes on after the last committed row (--restart: from the first). \
            Exits 1 when a row was refused.
            """)

    @OptionGroup var options: ImportOptions

    @Option(help: "What a duplicate row does: skip, update or fail.")
    var onDuplicate = "skip"

    /// A value outside an option's choices is a command line that does not parse (exit 64, with the usage).
    func validate() throws {
        guard DuplicatePolicy(rawValue: onDuplicate) != nil else { throw ValidationError("--on-duplicate must be skip, update or fail") }
    }

    func run() async throws {
        let (tenant, file, restart, batchSize) = (options.tenant, options.file, options.restart, options.batchSize)
        try await ImportCommand.run(options, onDuplicate: onDuplicate) { runtime, format, policy, digest, errorLog, bar in
            let reader = try PartyImportReader(path: file, format: format)
            return try await runtime.services.imports.run(
                tenant: tenant, digest: format.rawValue + ":" + digest, fromStart: restart, onDuplicate: policy, batchSize: batchSize, context: .cli,
                next: { try reader.next() }, onRefused: errorLog.map { log in { try log.write($0) } },
                progress: { bar.update($0.processed + $0.resumedAfter) })
        }
    }
}

struct ImportRelationships: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relationships",
        abstract: "Import edges from CSV (header row) or JSON Lines, through the checks of POST .../relationships.",
        discussion: """
            Columns: the child by childId, childEmail, childPhone or childName, the parent by parentId, parentEmail or parentName \
            (childName and parentName: an organization's exact name; a name two organizations share is refused); type, role, validFrom, validTo (RFC 3339). \
            Self-loops, cycles and partnerships below a party without the role partner are refused with the reason. An edge \
            that exists is skipped (--on-duplicate fail: refused). Batched, resumable and reported as parties are.
            """)

    @OptionGroup var options: ImportOptions

    @Option(help: "What a row naming an existing edge does: skip or fail.")
    var onDuplicate = "skip"

    func validate() throws {
        guard ["skip", "fail"].contains(onDuplicate) else { throw ValidationError("--on-duplicate must be skip or fail for relationships") }
    }

    func run() async throws {
        let (tenant, file, restart, batchSize) = (options.tenant, options.file, options.restart, options.batchSize)
        try await ImportCommand.run(options, onDuplicate: onDuplicate) { runtime, format, policy, digest, errorLog, bar in
            let reader = try RelationshipImportReader(path: file, format: format)
            return try await runtime.services.relationshipImports.run(
                tenant: tenant, digest: format.rawValue + ":" + digest, fromStart: restart, onDuplicate: policy, batchSize: batchSize, context: .cli,
                next: { try reader.next() }, onRefused: errorLog.map { log in { try log.write($0) } },
                progress: { bar.update($0.processed + $0.resumedAfter) })
        }
    }
}

/// The options both import commands take (each adds its own --on-duplicate).
struct ImportOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(help: "Tenant slug.")
    var tenant: String

    @Option(help: "csv or jsonl; by the file's extension when omitted.")
    var format: String?

    @Option(help: "Write one CSV line per refused field (row, field, message) to this new file.")
    var errors: String?

    @Flag(help: "Start from the first row, whatever an earlier run of this file committed.")
    var restart = false

    @Option(help: "Rows per transaction (a larger batch writes faster, and holds the database's writer longer).")
    var batchSize = 2000

    @Argument(help: "The file.")
    var file: String

    /// Option values outside their choices are usage errors (exit 64), checked before anything runs.
    func validate() throws {
        if let format, ImportFile.Format(rawValue: format) == nil { throw ValidationError("--format must be csv or jsonl") }
        // A file that is not there is said so (exit 1, as for any file), not taken for one without an extension.
        if format == nil, Files.unreadable(file) == nil, ImportFile.Format.of(path: file) == nil {
            throw ValidationError("give --format csv or jsonl: the file's extension says neither")
        }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 10000") }
    }
}

/// What both import commands do around the service: options checked, the file scanned (its digest and lines), the
/// error log, the progress bar, the summary and the exit status.
enum ImportCommand {
    static func run(_ options: ImportOptions, onDuplicate: String,
                    _ body: @escaping @Sendable (RosterRuntime, ImportFile.Format, DuplicatePolicy, String, ErrorLog?, ProgressBar)
                        async throws -> PartyImportReport) async throws {
        let (file, format, errors, batchSize, global) = (options.file, options.format, options.errors, options.batchSize, options.global)
        guard let policy = DuplicatePolicy(rawValue: onDuplicate) else {
            throw ValidationError("--on-duplicate must be skip, update or fail")
        }
        // Before its format: a missing file is what is wrong with it, whatever its name says.
        try Files.requireRegular(file)
        guard let format = try format.map({ raw in
            guard let format = ImportFile.Format(rawValue: raw) else { throw ValidationError("--format must be csv or jsonl") }
            return format
        }) ?? ImportFile.Format.of(path: file) else {
            throw ValidationError("give --format csv or jsonl: the file's extension says neither")
        }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 10000") }
        let (digest, lines) = try scan(file)
        let errorLog = try errors.map { try ErrorLog(path: $0) }
        let total = max(0, format == .csv ? lines - 1 : lines)
        let bar = ProgressBar(total: total, label: "importing", showsRate: true)
        let report: PartyImportReport
        do {
            do {
                report = try await global.withRuntime { runtime in try await body(runtime, format, policy, digest, errorLog, bar) }
            } catch {
                // Stopped with no row refused (no such tenant, a bad header, the database away): no error file is left,
                // which a corrected run could not create again.
                errorLog?.removeIfEmpty()
                throw error
            }
        } catch let error as ImportFile.UnknownColumns {
            throw ValidationError(error.description)
        } catch let error as ImportFile.Unreadable {
            throw ValidationError(error.description)
        }
        // The file read to its end: every row is done, though the total counted lines (a quoted field over two lines,
        // blank lines: the bar stopped at 80%; found by a probe).
        let read = report.processed + report.resumedAfter
        bar.update(read, total: read)
        bar.finish()
        try errorLog?.close()
        var summary = "created \(report.created), updated \(report.updated), unchanged \(report.unchanged), skipped \(report.skipped), "
            + "refused \(report.refused)"
        if report.resumedAfter > 0 {
            summary += " (went on after row \(report.resumedAfter), committed by an earlier run"
                + (report.refusedBefore > 0 ? ", which refused \(report.refusedBefore)" : "") + ")"
        }
        print(summary)
        if report.refused + report.refusedBefore > 0 {
            if errors == nil {
                for line in report.errors.prefix(20) {
                    FileHandle.standardError.write(Data("row \(line.row): \(line.field.isEmpty ? "" : line.field + ": ")\(line.message)\n".utf8))
                }
                if report.refused > 20 {
                    FileHandle.standardError.write(Data("... and \(report.refused - 20) more refused rows: give --errors FILE to keep them all\n".utf8))
                }
            }
            throw ExitCode(1)
        }
    }

    /// The file's SHA-256 (what names it for resuming) and its number of lines, in one pass.
    /// The file's digest and lines; `run` has checked that it can be read.
    static func scan(_ path: String) throws -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIRefusal("can't read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var lines = 0
        var last: UInt8 = 0x0A
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            lines += chunk.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            last = chunk.last ?? last
        }
        if last != 0x0A { lines += 1 }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), lines)
    }
}

/// The refused rows as CSV lines `row,field,message`, written as the import goes, into a new file.
final class ErrorLog: @unchecked Sendable {
    private let handle: FileHandle
    private let output: Output
    private let lock = NSLock()
    private var written = false

    init(path: String) throws {
        output = try Files.create(path)
        handle = FileHandle(fileDescriptor: output.descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data("row,field,message\n".utf8))
        } catch {
            // One line naming the file (a full disk was Foundation's error dump; found by a probe).
            try? handle.close()
            output.removeIfCreated()
            throw output.failure(error)
        }
    }

    func write(_ rows: [PartyImportReport.RefusedRow]) throws {
        let text = rows.map { [String($0.row), $0.field, $0.message].map(Self.quoted).joined(separator: ",") + "\n" }.joined()
        try lock.withLock {
            written = written || !rows.isEmpty
            do {
                try handle.write(contentsOf: Data(text.utf8))
            } catch {
                throw output.failure(error)
            }
        }
    }

    /// Closes and removes the file when no refused row went into it (a file it made only).
    func removeIfEmpty() {
        lock.withLock {
            try? handle.close()
            if !written { output.removeIfCreated() }
        }
    }

    func close() throws { try handle.close() }

    static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
