import ArgumentParser
import Foundation
import RosterApp
import RosterCore
import RosterService

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bulk exports.", subcommands: [ExportParties.self])
}

struct ExportParties: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parties",
        abstract: "Export a tenant's parties (not deleted) as CSV or JSON Lines, in the columns of `roster import parties`.",
        discussion: """
            The same rows as GET /v1/tenants/{tenant}/parties/export. --mask replaces names, emails, phones, notes, a \
            person's website and text properties (not an organization's website, its public address) with pseudonyms \
            that are valid and consistent (the same value gives the same pseudonym within one \
            export, or across exports with the same --mask-key), so that the file imports into a test tenant with its \
            duplicates intact. Audited: one parties.export entry, and unmasked a party.export entry per party. With \
            --output the file is created with mode 0600 and an existing file is never overwritten.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Tenant slug.")
    var tenant: String

    @Option(help: "csv or jsonl; by --output's extension when omitted, else csv.")
    var format: String?

    @Option(help: "Write to this new file instead of standard output.")
    var output: String?

    @Flag(help: "Replace personal values with consistent, valid pseudonyms.")
    var mask = false

    @Option(help: "With --mask: a passphrase that keys the pseudonyms, so that several exports agree (random when omitted).")
    var maskKey: String?

    @Flag(help: "CSV: start each field a spreadsheet would run as a formula (=, +, -, @) with an apostrophe; the import takes it off.")
    var spreadsheetSafe = false

    func validate() throws {
        if maskKey != nil, !mask { throw ValidationError("--mask-key goes with --mask") }
        if let maskKey, maskKey.isEmpty { throw ValidationError("--mask-key must not be empty (omit it for a random key)") }
        if let format, BulkFormat(rawValue: format) == nil { throw ValidationError("--format must be csv or jsonl") }
    }

    func run() async throws {
        let format = format.flatMap(BulkFormat.init(rawValue:))
            ?? output.flatMap { ImportFile.Format.of(path: $0) }.flatMap { BulkFormat(rawValue: $0.rawValue) } ?? .csv
        let handle: FileHandle
        if let output {
            // O_EXCL: an existing file (or one that appears meanwhile) is never overwritten.
            let descriptor = try Files.create(output)
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        } else {
            handle = FileHandle.standardOutput
        }
        if spreadsheetSafe, format != .csv { throw ValidationError("--spreadsheet-safe goes with CSV") }
        let options = PartiesExportOptions(format: format, mask: mask, maskPassphrase: maskKey, spreadsheetSafe: spreadsheetSafe)
        let (tenant, output) = (self.tenant, self.output)
        do {
            let count = try await global.withRuntime { runtime in
                let export = try await runtime.services.exports.exportParties(tenant: tenant, options, context: .cli)
                // Progress only when the rows go to a file: on standard output the bar would mix with them on a terminal.
                let bar = output == nil ? nil : ProgressBar(total: export.total, label: "exporting", showsRate: true)
                var iterator = export.makeAsyncIterator()
                while let chunk = try await iterator.next() {
                    do {
                        try handle.write(contentsOf: chunk)
                    } catch {
                        // One line, not Foundation's error dump (a full disk, a closed pipe).
                        var failure = StandardOutput.failure(error)
                        if let output { failure = .init(message: failure.message.replacingOccurrences(of: "standard output", with: output)) }
                        throw failure
                    }
                    bar?.update(iterator.count, total: max(export.total, iterator.count))
                }
                bar?.finish()
                return iterator.count
            }
            if let output {
                try handle.close()
                FileHandle.standardError.write(Data("exported \(count) parties to \(output)\n".utf8))
            }
        } catch {
            // A partial file would pass for a whole export.
            if let output { try? FileManager.default.removeItem(atPath: output) }
            throw error
        }
    }
}
