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
                try await Self.write(batch, to: store)
            } catch let error as StoreError {
                // The database unavailable, or refusing: the same for every caller.
                for pending in batch { pending.continuation.resume(throwing: error) }
            } catch {
                // One tenant's chain refused its entries (a head set back by hand): the other tenants' callers are not
                // failed with it, each tenant's written again in a transaction of its own.
                var tenants: [Tenant.ID] = []
                var byTenant: [Tenant.ID: [Pending]] = [:]
                for pending in batch {
                    let tenant = pending.events[0].tenantID
                    if byTenant[tenant] == nil { tenants.append(tenant) }
                    byTenant[tenant, default: []].append(pending)
                }
                guard tenants.count > 1 else {
                    for pending in batch { pending.continuation.resume(throwing: error) }
                    return
                }
                for tenant in tenants {
                    let group = byTenant[tenant]!
                    do {
                        try await Self.write(group, to: store)
                    } catch {
                        for pending in group { pending.continuation.resume(throwing: error) }
                    }
                }
            }
        }
    }

    /// The callers' entries in one transaction; each caller answered once it committed.
    private static func write(_ batch: [Pending], to store: any Store) async throws {
        let events = batch.flatMap(\.events)
        try await store.write { tx in try await tx.appendAudit(events) }
        for pending in batch { pending.continuation.resume() }
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
