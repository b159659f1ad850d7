import Foundation
import RosterCore
import RosterStore
import Synchronization
import Testing

/// The cache around the graphs, on its own: one load per tenant however many requests arrive on a cold process, and
/// catching up by replaying the recorded changes, or loading whole when some are missing.
@Suite("Access index")
struct AccessIndexTests {
    static func tenant(version: Int64) -> Tenant {
        var tenant = Tenant(id: Tenant.ID(UUID()), slug: "t", name: "T", status: .active, settings: TenantSettings(),
                            createdAt: Date(), updatedAt: Date(), version: 1)
        tenant.accessVersion = version
        return tenant
    }

    @Test func concurrentRequestsOnAColdProcessShareOneLoad() async throws {
        let index = AccessIndex()
        let tenant = Self.tenant(version: 3)
        let snapshots = Counter()
        try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await index.graph(for: tenant, changes: { _ in [] }, snapshot: {
                        snapshots.add()
                        try await Task.sleep(for: .milliseconds(100))
                        return AccessGraph(version: 3, edges: [], roles: [], grants: [])
                    }).read { $0.version }
                }
            }
            for try await version in group { #expect(version == 3) }
        }
        #expect(snapshots.value == 1)
        #expect(index.loads == 1)
    }

    @Test func aFailedLoadLetsTheNextRequestLoad() async throws {
        let index = AccessIndex()
        let tenant = Self.tenant(version: 1)
        struct Gone: Error {}
        await #expect(throws: Gone.self) {
            _ = try await index.graph(for: tenant, changes: { _ in [] }, snapshot: { throw Gone() })
        }
        let graph = try await index.graph(for: tenant, changes: { _ in [] }, snapshot: {
            AccessGraph(version: 1, edges: [], roles: [], grants: [])
        })
        #expect(graph.read { $0.version } == 1)
    }

    @Test func aGraphBehindCatchesUpByChangesOrLoadsWhole() async throws {
        let index = AccessIndex()
        let user = User.ID(UUID())
        let role = AccessRole(id: .init(UUID()), tenantID: .init(UUID()), name: "r", policies: ["p"], createdAt: Date())
        var tenant = Self.tenant(version: 1)
        let empty = { AccessGraph(version: 1, edges: [], roles: [role], grants: []) }
        _ = try await index.graph(for: tenant, changes: { _ in [] }, snapshot: empty)
        tenant.accessVersion = 2
        let caughtUp = try await index.graph(for: tenant, changes: { after in
            #expect(after == 1)
            return [(2, .granted(user: user, role: role.id))]
        }, snapshot: { Issue.record("no whole load needed"); return empty() })
        #expect(caughtUp.read { $0.roles(of: user).map(\.id) } == [role.id])
        #expect(index.catchUps == 1)
        // Version 3 is no longer recorded: the graph loads whole.
        tenant.accessVersion = 4
        let reloaded = try await index.graph(for: tenant, changes: { _ in nil }, snapshot: {
            AccessGraph(version: 4, edges: [], roles: [role], grants: [])
        })
        #expect(reloaded.read { $0.version } == 4)
        #expect(reloaded.read { $0.roles(of: user) }.isEmpty)
        #expect(index.loads == 2)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
