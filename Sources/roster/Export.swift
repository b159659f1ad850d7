import ArgumentParser
import Foundation
import RosterApp
import RosterCore
import RosterService

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bulk exports.", subcommands: [ExportParties.self, ExportRelationships.self])
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
            --output the file is created with mode 0600, an existing file is never overwritten, and a file the export could \
            not finish (it failed, or was interrupted) is removed.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var export: ExportOptions

    func run() async throws {
        let options = try export.options()
        let tenant = export.tenant
        try await Self.write(to: export.output, global: global, what: "parties") { runtime in
            let export = try await runtime.services.exports.exportParties(tenant: tenant, options, context: .cli)
            var iterator = export.makeAsyncIterator()
            return (export.total, { try await iterator.next() }, { iterator.count })
        }
    }

    /// Writes an export's chunks to a new file (mode 0600, never overwriting one; removed again if the export fails) or to
    /// standard output, with a progress bar when writing to a file and the total is known.
    static func write(to output: String?, global: GlobalOptions, what: String,
                      _ start: @escaping @Sendable (RosterRuntime) async throws -> (total: Int?, next: () async throws -> ArraySlice<UInt8>?,
                                                                                    count: () -> Int)) async throws {
        // O_EXCL: an existing file (or one that appears meanwhile) is never overwritten.
        let made = try output.map(Files.create)
        let handle = made.map { FileHandle(fileDescriptor: $0.descriptor, closeOnDealloc: true) } ?? FileHandle.standardOutput
        do {
            let count = try await Interruption.removing(made.flatMap { $0.created ? [$0.path] : nil } ?? []) {
                try await global.withRuntime { runtime in
                    let (total, next, count) = try await start(runtime)
                    // Progress only when the rows go to a file: on standard output the bar would mix with them on a terminal.
                    let bar = output == nil ? nil : total.map { ProgressBar(total: $0, label: "exporting", showsRate: true) }
                    while let chunk = try await next() {
                        do {
                            try handle.write(contentsOf: chunk)
                        } catch {
                            // One line, not Foundation's error dump (a full disk, a closed pipe).
                            throw made?.failure(error) ?? StandardOutput.failure(error)
                        }
                        if let total { bar?.update(count(), total: max(total, count())) }
                    }
                    bar?.finish()
                    return count()
                }
            }
            if let output {
                try handle.close()
                FileHandle.standardError.write(Data("exported \(count) \(what) to \(output)\n".utf8))
            }
        } catch {
            // A partial file would pass for a whole export.
            made?.removeIfCreated()
            throw error
        }
    }
}

struct ExportRelationships: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relationships",
        abstract: "Export a tenant's edges as CSV or JSON Lines, in the columns of `roster import relationships`.",
        discussion: """
            The same rows as GET /v1/tenants/{tenant}/relationships/export: every edge between two live parties, each end \
            named as the import finds it in a tenant of its own (the email only it holds, else a child's phone or a parent \
            organization's name only it holds, else its id, which only this tenant resolves). With --mask and the same \
            --mask-key as `roster export parties --mask`, the emails, phones and names are the pseudonyms of that export, \
            so that both files import into a test tenant: parties first, then edges. Audited: one relationships.export \
            entry, and unmasked a party.export entry per party a row names by its email, phone or name. With --output the \
            file is created with mode 0600, an existing file is never overwritten, and a file the export could not finish \
            (it failed, or was interrupted) is removed.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var export: ExportOptions

    func run() async throws {
        let options = try export.options()
        let tenant = export.tenant
        try await ExportParties.write(to: export.output, global: global, what: "relationships") { runtime in
            let export = try await runtime.services.exports.exportRelationships(tenant: tenant, options, context: .cli)
            var iterator = export.makeAsyncIterator()
            return (nil, { try await iterator.next() }, { iterator.count })
        }
    }
}

/// What every bulk export takes: the tenant, the format, the file, and masking.
struct ExportOptions: ParsableArguments {
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

    @Flag(help: ArgumentHelp("CSV: start each field a spreadsheet would run as a formula (beginning with =, +, -, @, a tab or a "
                             + "carriage return, or with an apostrophe and one of those) with an apostrophe; the import takes it off."))
    var spreadsheetSafe = false

    func validate() throws {
        if maskKey != nil, !mask { throw ValidationError("--mask-key goes with --mask") }
        // The rules of the API's header and the console's field, so that a key works on every path.
        do { _ = try PartiesExportOptions.maskKey(maskKey, mask: mask, field: "--mask-key") } catch let RosterError.validation(errors) {
            throw ValidationError(errors.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
        }
        if let format, BulkFormat(rawValue: format) == nil { throw ValidationError("--format must be csv or jsonl") }
    }

    /// The service's options: `--format`, else by `--output`'s extension, else CSV.
    func options() throws -> PartiesExportOptions {
        let format = format.flatMap(BulkFormat.init(rawValue:))
            ?? output.flatMap { ImportFile.Format.of(path: $0) }.flatMap { BulkFormat(rawValue: $0.rawValue) } ?? .csv
        if spreadsheetSafe, format != .csv { throw ValidationError("--spreadsheet-safe goes with CSV") }
        return PartiesExportOptions(format: format, mask: mask, maskPassphrase: maskKey, spreadsheetSafe: spreadsheetSafe)
    }
}
