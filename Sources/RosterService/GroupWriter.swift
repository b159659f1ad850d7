import RosterStore
import Synchronization

/// Runs concurrent callers' write transactions as one (group commit): each caller's body runs in a savepoint of its
/// own inside a shared transaction, and each caller returns once that transaction has committed. A body that throws
/// undoes only its own writes and hands its error to its own caller. When the shared transaction itself fails (its
/// commit, or a savepoint's own statement), nothing of it was kept, and each body of the batch runs again alone, so
/// that each caller gets its own outcome rather than a neighbour's failure.
///
/// A caller's cancellation does not reach a body once it is queued: a batch runs to its end (at most `maxBatch`
/// bodies), as a transaction of the caller's own would once begun.
///
/// Known limit: when SQLite itself rolls the whole transaction back inside a body (a full disk, an I/O error), the
/// bodies after it run outside any transaction (each `SAVEPOINT`/`RELEASE` pair then commits on its own, atomically),
/// and the shared commit fails; running again alone, those bodies find their own writes already kept. A body must
/// therefore read the state it acts on, as the provisioning steps do, rather than assume it.
///
/// Pays where many small transactions write the same pages: provisioning's tracking steps all write the management
/// tenant's newest parties, indexes and audit chain, and one commit of several trackings writes those pages once.
final class GroupWriter: Sendable {
    private let queue: BatchQueue<any GroupJob>

    /// Callers waiting for the next transaction, and transactions begun so far (tests).
    var queued: Int { queue.queued }
    var transactions: Int { queue.batches }

    init(store: any Store, maxBatch: Int = 32) {
        queue = BatchQueue(maxWeight: maxBatch) { batch in await Self.write(batch, to: store) }
    }

    /// Runs `body` in the next shared transaction; returns its result once that transaction committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            queue.submit(Job(body: body, continuation: continuation))
        }
    }

    private static func write(_ batch: [any GroupJob], to store: any Store) async {
        do {
            try await store.write { tx in
                for job in batch { try await job.run(tx) }
            }
            for job in batch { job.finish(committed: nil) }
        } catch {
            guard batch.count > 1 else {
                batch[0].finish(committed: error)
                return
            }
            for job in batch {
                do {
                    try await store.write { tx in try await job.run(tx) }
                    job.finish(committed: nil)
                } catch {
                    job.finish(committed: error)
                }
            }
        }
    }
}

private protocol GroupJob: Sendable {
    /// Runs the caller's body in a savepoint of the shared transaction, keeping its outcome; throws only when the
    /// transaction can't go on (a savepoint's own statement failed).
    func run(_ tx: any StoreTransaction) async throws
    /// Answers the caller: its own outcome once the transaction committed (`nil`), else the commit's error.
    func finish(committed error: (any Error)?)
}

private final class Job<T: Sendable>: GroupJob {
    let body: @Sendable (any StoreTransaction) async throws -> T
    let continuation: CheckedContinuation<T, any Error>
    let outcome = Mutex<Result<T, any Error>?>(nil)

    init(body: @escaping @Sendable (any StoreTransaction) async throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ tx: any StoreTransaction) async throws {
        let bodyThrew = Mutex(false)
        let result: Result<T, any Error>
        do {
            result = .success(try await tx.savepoint {
                do {
                    return try await body(tx)
                } catch {
                    bodyThrew.withLock { $0 = true }
                    throw error
                }
            })
        } catch {
            // Not the body's error: SAVEPOINT or RELEASE failed, and the transaction with it.
            guard bodyThrew.withLock({ $0 }) else { throw error }
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
    }

    func finish(committed error: (any Error)?) {
        if let error {
            continuation.resume(throwing: error)
        } else {
            continuation.resume(with: outcome.withLock { $0 } ?? .failure(CancellationError()))
        }
    }
}
