import ArgumentParser
import Foundation
import RosterApp
import RosterCore
import RosterService

struct Retention: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase the parties deleted for longer than their tenant's retention (GDPR).", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One retention pass, as the worker of roster serve runs it once a minute.",
            discussion: "A tenant's settings.retentionDays decides, else ROSTER_RETENTION_DAYS (or --days); with neither, "
                + "deleted parties are kept. A party is erased with the login linked to it; each erasure is audited as party.erase by the system.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only this tenant (slug).")
        var tenant: String?

        @Option(help: "The default retention in days, instead of ROSTER_RETENTION_DAYS.")
        var days: Int?

        @Flag(help: "Count and name the parties due (a line `due: TENANT ID` each); erase nothing.")
        var dryRun = false

        func run() async throws {
            var overrides: [String: String] = [:]
            if let days { overrides["ROSTER_RETENTION_DAYS"] = String(days) }
            let config = global.configuration(overrides: overrides)
            let (tenant, dryRun) = (self.tenant, self.dryRun)
            let bar = ProgressBar(total: 0, label: "erasing")
            let report = try await global.withRuntime(config) { runtime in
                try await runtime.services.compliance.runRetention(tenant: tenant, defaultDays: config.retentionDays, dryRun: dryRun,
                                                                   progress: { done, due in bar.update(done, total: due) })
            }
            if !dryRun, report.due > 0 { bar.finish() }
            var lines = ["tenants with a retention: \(report.tenants)", "parties due: \(report.due)"]
            // A dry run names them, for review before the pass that erases them (it counted them only; found by a probe).
            if dryRun {
                for slug in report.dueParties.keys.sorted() {
                    lines += report.dueParties[slug, default: []].map { "due: \(slug) \($0)" }
                }
            }
            if !dryRun {
                lines += ["erased: \(report.erased)"] + (report.gone > 0 ? ["already gone: \(report.gone)"] : [])
                    + (report.restored > 0 ? ["restored meanwhile, kept: \(report.restored)"] : [])
                    + (report.failed.isEmpty ? [] : ["refused: \(report.failed.map(\.description).joined(separator: ", "))"])
            }
            if !report.skippedTenants.isEmpty {
                lines.append("not active, skipped: \(report.skippedTenants.joined(separator: ", "))")
            }
            print(lines.joined(separator: "\n"))
            if !report.failed.isEmpty { throw ExitCode(1) }
        }
    }
}
