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

    private let entries = Mutex<[Tenant.ID: Entry]>([:])
    let idleLifetime: Duration

    /// Counters for tests and the benchmark: whole loads and replayed catch-ups.
    private let counters = Mutex((loads: 0, catchUps: 0))

    public init(idleLifetime: Duration = .seconds(600)) {
        self.idleLifetime = idleLifetime
    }

    public var loads: Int { counters.withLock { $0.loads } }
    public var catchUps: Int { counters.withLock { $0.catchUps } }
    public var tenantCount: Int { entries.withLock { $0.count } }

    /// The graph of `tenant` at least as new as `tenant.accessVersion` (the version the caller's transaction read).
    /// `changes(after)` reads the recorded changes after a version, nil when they are no longer all kept;
    /// `snapshot()` reads the whole graph. Both run in the caller's transaction.
    public func graph(for tenant: Tenant,
                      changes: (Int64) async throws -> [(version: Int64, change: AccessChange)]?,
                      snapshot: () async throws -> AccessGraph) async throws -> TenantGraph {
        let now = ContinuousClock.now
        let cached = entries.withLock { entries -> TenantGraph? in
            entries[tenant.id]?.lastUsed = now
            return entries[tenant.id]?.graph
        }
        if let cached {
            let held = cached.version
            if held >= tenant.accessVersion { return cached }
            if let missing = try await changes(held), (missing.last?.version ?? held) >= tenant.accessVersion, cached.apply(missing) {
                counters.withLock { $0.catchUps += 1 }
                return cached
            }
            cached.replace(with: try await snapshot())
            counters.withLock { $0.loads += 1 }
            return cached
        }
        let loaded = TenantGraph(try await snapshot())
        counters.withLock { $0.loads += 1 }
        return entries.withLock { entries in
            evictIdle(&entries, now: now)
            if let raced = entries[tenant.id] {
                if loaded.version > raced.graph.version { raced.graph.replace(with: loaded.value) }
                return raced.graph
            }
            entries[tenant.id] = Entry(graph: loaded, lastUsed: now)
            return loaded
        }
    }

    /// Forgets every graph (tests; a restore of the database).
    public func clear() {
        entries.withLock { $0.removeAll() }
    }

    private func evictIdle(_ entries: inout [Tenant.ID: Entry], now: ContinuousClock.Instant) {
        let idle = entries.filter { now - $0.value.lastUsed > idleLifetime }.map(\.key)
        for key in idle { entries.removeValue(forKey: key) }
    }
}
