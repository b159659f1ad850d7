public import Logging
public import RosterService
public import ServiceLifecycle
import Synchronization

/// Runs in `roster serve`: resumes provisioning workflows left unfinished (by a crash, or by another
/// process that stopped) and retries customer tracking when its time comes. Several processes on one
/// PostgreSQL database share the work through the workflows' leases.
public struct ProvisioningWorker: Service {
    let provisioning: ProvisioningService
    let interval: Duration
    let logger: Logger
    let started: StartGate

    public init(provisioning: ProvisioningService, interval: Duration, logger: Logger, started: StartGate = .open) {
        self.provisioning = provisioning
        self.interval = interval
        self.logger = logger
        self.started = started
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Not before the start has migrated the database (a first pass on a new file found no tables).
            await started.wait()
            while !Task.isCancelled {
                do {
                    // A full batch means more may be due: go on at once.
                    while try await provisioning.runDue() == ProvisioningService.batch, !Task.isCancelled {}
                } catch {
                    logger.warning("provisioning worker pass failed", metadata: ["error": "\(LoggedError.describe(error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Opened once `serve`'s start-up (migrations, the management tenant) is done; the workers wait for it. Polls, so that
/// a start that fails (and cancels the workers) leaves no waiter behind.
public final class StartGate: Sendable {
    private let isOpen: Atomic<Bool>

    public init(open: Bool = false) {
        isOpen = Atomic(open)
    }

    /// A gate open from the start (workers run outside `serve`, in tests).
    public static var open: StartGate { StartGate(open: true) }

    public func openGate() { isOpen.store(true, ordering: .releasing) }

    func wait() async {
        while !isOpen.load(ordering: .acquiring), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
