public import Logging
public import RosterService
public import ServiceLifecycle

/// Runs in `roster serve`: once a minute, erases the parties deleted for longer than their tenant's retention
/// (`settings.retentionDays`, or `ROSTER_RETENTION_DAYS`), as the system, each audited as `party.erase`. Several
/// processes may run it at once: a party another one erased first is counted as gone, not as a failure.
public struct RetentionWorker: Service {
    let compliance: ComplianceService
    let defaultDays: Int?
    let interval: Duration
    let logger: Logger
    let started: StartGate

    public init(compliance: ComplianceService, defaultDays: Int?, interval: Duration = .seconds(60), logger: Logger,
                started: StartGate = .open) {
        self.compliance = compliance
        self.defaultDays = defaultDays
        self.interval = interval
        self.logger = logger
        self.started = started
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // The first pass once start-up (migrations) is done.
            await started.wait()
            while !Task.isCancelled {
                do {
                    let report = try await compliance.runRetention(defaultDays: defaultDays)
                    if report.erased > 0 || !report.skippedTenants.isEmpty {
                        logger.info("retention pass", metadata: ["erased": "\(report.erased)", "due": "\(report.due)",
                                                                 "skippedTenants": "\(report.skippedTenants.count)"])
                    }
                    if !report.failed.isEmpty {
                        // Ids only: what blocks them (a role scoped to an organization, ...) is for an operator to look at.
                        logger.warning("retention could not erase some parties", metadata: [
                            "parties": "\(report.failed.prefix(20).map(\.description).joined(separator: ","))", "count": "\(report.failed.count)"])
                    }
                } catch {
                    logger.warning("retention pass failed", metadata: ["error": "\(LoggedError.describe(error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Ends the import jobs running in this process when the server stops, before the database closes (services stop in
/// the reverse of the order they were added): each is recorded as interrupted and its file removed.
struct ImportJobsShutdown: Service {
    let jobs: ImportJobService

    func run() async throws {
        try? await gracefulShutdown()
        await jobs.stopAll()
    }
}
