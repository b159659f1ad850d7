public import Foundation
public import RosterCore
import Synchronization

/// The access graphs of the tenants this process serves, loaded lazily and kept coherent with every committed change,
/// whichever process made it (DESIGN.md §2 Access).
///
/// Every change to edges, roles or grants bumps the tenant's access version and records an `AccessChange` in the same
/// transaction. A transaction that reads the tenant (every service call does) sees the version, and asks for the graph
/// at that version: when the graph here is behind, it replays the changes after its version from the transaction
/// (or, when those are no longer kept, loads the whole graph), so a decision never uses a graph older than the
/// transaction's own view; a revoke acknowledged to its caller is seen by the next request in every process.
/// A graph newer than the transaction's view serves as it is.
///
/// Memory: a graph holds the tenant's edges, roles and grants (about 200 bytes per edge); tenants unused for
/// `idleLifetime` are dropped at the next lookup.
public final class AccessIndex: Sendable {
    /// One tenant's graph; decisions run under its lock (`read`), changes are applied in place.
    public final class TenantGraph: Sendable {
        private let graph: Mutex<AccessGraph>

        init(_ graph: AccessGraph) { self.graph = Mutex(graph) }

        public func read<T>(_ body: (AccessGraph) throws -> T) rethrows -> T {
            try graph.withLock { try body($0) }
        }

        var value: AccessGraph { graph.withLock { $0 } }

        var version: Int64 { graph.withLock { $0.version } }

        /// Applies the changes in order; false when one is missing (the caller loads the whole graph).
        func apply(_ changes: [(version: Int64, change: AccessChange)]) -> Bool {
            graph.withLock { graph in
                for (version, change) in changes where version > graph.version {
                    guard graph.apply(change, version: version) else { return false }
                }
                return true
            }
        }

        func replace(with fresh: AccessGraph) {
            graph.withLock { graph in if fresh.version >= graph.version { graph = fresh } }
        }
    }

    private struct Entry {
        var graph: TenantGraph
        var lastUsed: ContinuousClock.Instant
    }

    /// A tenant's graph, or the load under way that others wait for (one load per tenant, however many requests
    /// arrive at once on a cold process).
    private enum Slot {
        case ready(Entry)
        case loading(waiters: [CheckedContinuation<Void, Never>])
    }

    private let entries = Mutex<[Tenant.ID: Slot]>([:])
    let idleLifetime: Duration

    /// Counters for tests and the benchmark: whole loads and replayed catch-ups.
    private let counters = Mutex((loads: 0, catchUps: 0))

    public init(idleLifetime: Duration = .seconds(600)) {
        self.idleLifetime = idleLifetime
    }

    public var loads: Int { counters.withLock { $0.loads } }
    public var catchUps: Int { counters.withLock { $0.catchUps } }
    public var tenantCount: Int {
        entries.withLock { $0.values.count { if case .ready = $0 { true } else { false } } }
    }

    /// The graph of `tenant` at least as new as `tenant.accessVersion` (the version the caller's transaction read).
    /// `changes(after)` reads the recorded changes after a version, nil when they are no longer all kept;
    /// `snapshot()` reads the whole graph. Both run in the caller's transaction.
    public func graph(for tenant: Tenant,
                      changes: (Int64) async throws -> [(version: Int64, change: AccessChange)]?,
                      snapshot: () async throws -> AccessGraph) async throws -> TenantGraph {
        enum Step { case use(TenantGraph), lead, wait }
        while true {
            let now = ContinuousClock.now
            let step = entries.withLock { entries -> Step in
                switch entries[tenant.id] {
                case .ready(var entry)?:
                    entry.lastUsed = now
                    entries[tenant.id] = .ready(entry)
                    return .use(entry.graph)
                case .loading?:
                    return .wait
                case nil:
                    entries[tenant.id] = .loading(waiters: [])
                    return .lead
                }
            }
            switch step {
            case .use(let cached):
                let held = cached.version
                if held >= tenant.accessVersion { return cached }
                if let missing = try await changes(held), (missing.last?.version ?? held) >= tenant.accessVersion, cached.apply(missing) {
                    counters.withLock { $0.catchUps += 1 }
                    return cached
                }
                cached.replace(with: try await snapshot())
                counters.withLock { $0.loads += 1 }
                return cached
            case .wait:
                // The load under way may be older than this transaction's view: the next turn catches up from it.
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let waiting = entries.withLock { entries -> Bool in
                        guard case .loading(var waiters)? = entries[tenant.id] else { return false }
                        waiters.append(continuation)
                        entries[tenant.id] = .loading(waiters: waiters)
                        return true
                    }
                    if !waiting { continuation.resume() }
                }
            case .lead:
                let loaded: TenantGraph
                do {
                    loaded = TenantGraph(try await snapshot())
                } catch {
                    // Another waiting request leads the next attempt.
                    resume(entries.withLock { entries in
                        defer { entries[tenant.id] = nil }
                        return Self.waiters(entries[tenant.id])
                    })
                    throw error
                }
                counters.withLock { $0.loads += 1 }
                resume(entries.withLock { entries in
                    evictIdle(&entries, now: now)
                    defer { entries[tenant.id] = .ready(Entry(graph: loaded, lastUsed: now)) }
                    return Self.waiters(entries[tenant.id])
                })
                return loaded
            }
        }
    }

    /// Forgets every graph (tests; a restore of the database).
    public func clear() {
        resume(entries.withLock { entries in
            defer { entries.removeAll() }
            return entries.values.flatMap(Self.waiters)
        })
    }

    private static func waiters(_ slot: Slot?) -> [CheckedContinuation<Void, Never>] {
        if case .loading(let waiters)? = slot { waiters } else { [] }
    }

    private func resume(_ waiters: [CheckedContinuation<Void, Never>]) {
        for waiter in waiters { waiter.resume() }
    }

    private func evictIdle(_ entries: inout [Tenant.ID: Slot], now: ContinuousClock.Instant) {
        let idle = entries.filter { _, slot in
            if case .ready(let entry) = slot { now - entry.lastUsed > idleLifetime } else { false }
        }.map(\.key)
        for key in idle { entries.removeValue(forKey: key) }
    }
}
