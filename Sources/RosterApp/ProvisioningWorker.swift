public import Logging
public import RosterService
public import ServiceLifecycle

/// Runs in `roster serve`: resumes provisioning workflows left unfinished (by a crash, or by another
/// process that stopped) and retries customer tracking when its time comes. Several processes on one
/// PostgreSQL database share the work through the workflows' leases.
public struct ProvisioningWorker: Service {
    let provisioning: ProvisioningService
    let interval: Duration
    let logger: Logger

    public init(provisioning: ProvisioningService, interval: Duration, logger: Logger) {
        self.provisioning = provisioning
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    // A full batch means more may be due: go on at once.
                    while try await provisioning.runDue() == ProvisioningService.batch, !Task.isCancelled {}
                } catch {
                    logger.warning("provisioning worker pass failed", metadata: ["error": "\(String(describing: type(of: error)))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
