import ArgumentParser
import Foundation
import RosterApp
import RosterAPI
import RosterCore
import RosterService
import Synchronization

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "User tools.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import dealers from a CSV (email, displayName, dealerCode): upsert by email, idempotent.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug.")
        var tenant: String

        @Argument(help: "The CSV file; a header row names the columns.")
        var file: String

        func run() async throws {
            try Files.requireReadable(file)
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIRefusal("can't read \(file)") }
            guard let text = String(validating: data, as: UTF8.self) else { throw ValidationError("\(file) is not UTF-8 text") }
            // An empty file has no header row, which the command needs (as `import parties` does).
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("\(file) is not CSV with a header row: it is empty")
            }
            let rows = try DealerImport.parseCSV(text)
            let tenant = self.tenant
            let bar = ProgressBar(total: rows.count, label: "importing")
            let report = try await global.withRuntime { runtime in
                try await runtime.services.dealers.run(tenant: tenant, rows: rows, batchSize: 100,
                                                       context: .cli,
                                                       progress: { bar.update($0) })
            }
            bar.finish()
            print("created \(report.created), updated \(report.updated), unchanged \(report.unchanged), refused \(report.errors.count)")
            // Refused rows on standard error, as `roster import parties` writes them.
            var refused = ""
            for error in report.errors.prefix(50) { refused += "row \(error.row): \(error.field.isEmpty ? "" : error.field + ": ")\(error.message)\n" }
            if report.errors.count > 50 { refused += "... and \(report.errors.count - 50) more\n" }
            FileHandle.standardError.write(Data(refused.utf8))
            if !report.errors.isEmpty { throw ExitCode(1) }
        }
    }
}

/// A one-line progress bar on standard error, redrawn in place when it is a terminal.
final class ProgressBar: Sendable {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) != 0
    /// Adds rows a second and the time left.
    let showsRate: Bool
    private let started = Date()
    private let last = Mutex<Int>(-1)
    private let knownTotal: Mutex<Int>

    init(total: Int, label: String, showsRate: Bool = false) {
        self.knownTotal = Mutex(total)
        self.label = label
        self.showsRate = showsRate
    }

    /// `total` when it becomes known only as the work goes.
    func update(_ done: Int, total newTotal: Int? = nil) {
        let total = knownTotal.withLock { total in
            if let newTotal { total = newTotal }
            return total
        }
        let percent = total == 0 ? 100 : min(100, max(0, done * 100 / total))
        // Not on a terminal (a log, cron's mail): a line at each quarter, not one per percent (found by a probe). The line
        // says the real figure (it said 25% at 1/3).
        let step = isTerminal ? percent : percent - percent % 25
        let changed = last.withLock { last -> Bool in
            defer { last = step }
            return last != step
        }
        guard changed else { return }
        let width = 30
        let filled = width * percent / 100
        var line = "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(percent)% \(done)/\(total)"
        let elapsed = Date().timeIntervalSince(started)
        if showsRate, elapsed > 0, done > 0 {
            let rate = Double(done) / elapsed
            line += String(format: ", %.0f rows/s, ETA %.0fs", rate, Double(max(0, total - done)) / rate)
        }
        FileHandle.standardError.write(Data(((isTerminal ? "\r" : "") + line + (isTerminal ? "" : "\n")).utf8))
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
