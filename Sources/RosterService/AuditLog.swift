public import RosterCore
public import RosterStore

/// Appends audit entries for reads with group commit: concurrent callers' entries go to the
/// store in one transaction, and each caller returns only once its entries are durable.
/// Writes append their entries inside their own transaction instead (see `PartyService`).
public final class AuditLog: Sendable {
    private struct Pending: Sendable {
        var events: [AuditEvent]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let queue: BatchQueue<Pending>

    public init(store: any Store, maxBatch: Int = 2000) {
        // A batch takes callers until their entries reach `maxBatch` (at least one caller).
        queue = BatchQueue(maxWeight: maxBatch, weight: { $0.events.count }) { batch in
            do {
                let events = batch.flatMap(\.events)
                try await store.write { tx in try await tx.appendAudit(events) }
                for pending in batch { pending.continuation.resume() }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }

    /// Throws when the batch being committed has waited longer than `limit` (readiness: every audited read waits behind
    /// it, while a `SELECT 1` still answers; a probe saw a process partitioned from PostgreSQL hold its appender, ready
    /// all the while).
    public func requireFlowing(within limit: Duration) throws {
        guard let busy = queue.busyFor, busy > limit else { return }
        throw RosterError.unavailable("the audit log's commit has waited \(busy.components.seconds) s for the database")
    }

    /// Records `events`; returns once they are committed.
    public func record(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.submit(Pending(events: events, continuation: continuation))
        }
    }
}
