public import RosterCore
public import RosterStore
import Synchronization

/// Appends audit entries for reads with group commit: concurrent callers' entries go to the
/// store in one transaction, and each caller returns only once its entries are durable.
/// Writes append their entries inside their own transaction instead (see `PartyService`).
public final class AuditLog: Sendable {
    private struct Pending {
        var events: [AuditEvent]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var flushing = false
    }

    private let store: any Store
    private let state = Mutex(State())
    private let maxBatch: Int

    public init(store: any Store, maxBatch: Int = 2000) {
        self.store = store
        self.maxBatch = maxBatch
    }

    /// Records `events`; returns once they are committed.
    public func record(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let lead = state.withLock { state -> Bool in
                state.queue.append(Pending(events: events, continuation: continuation))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if lead {
                // The first caller leads: it flushes batches until the queue is empty, others wait for it.
                Task { await self.flushLoop() }
            }
        }
    }

    private func flushLoop() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                var taken: [Pending] = []
                var count = 0
                while !state.queue.isEmpty, count < maxBatch || taken.isEmpty {
                    let next = state.queue.removeFirst()
                    count += next.events.count
                    taken.append(next)
                }
                if taken.isEmpty { state.flushing = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                let events = batch.flatMap(\.events)
                try await store.write { tx in try await tx.appendAudit(events) }
                for pending in batch { pending.continuation.resume() }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }
}
