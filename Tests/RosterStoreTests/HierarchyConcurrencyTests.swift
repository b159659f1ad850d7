import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import RosterStore
import Testing

/// No interleaving of edge inserts and deletes may close a cycle within a type or leave the closure table
/// different from a recomputation from the edges (issue 9, item 8), on either store.
@Suite("Store contract: hierarchies under concurrent writers")
struct HierarchyConcurrencyTests {
    /// a→c exists; c→d and d→a are sent at once. Together they close a cycle, so at most one may be accepted.
    @Test(arguments: StoreKind.allCases)
    func racingInsertsNeverCloseACycle(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await HierarchyContractTests.fixture(rt)
            var accepted = 0
            for round in 0..<20 {
                let a = try await f.org("A\(round)"), c = try await f.org("C\(round)"), d = try await f.org("D\(round)")
                _ = try await f.edge(a, c)
                async let first = Self.attempt(f, c, d)
                async let second = Self.attempt(f, d, a)
                let (one, two) = try await (first, second)
                #expect(!(one && two), "round \(round): both edges were accepted, closing a cycle")
                accepted += (one ? 1 : 0) + (two ? 1 : 0)
            }
            #expect(accepted == 20, "exactly one edge of each race is accepted")
            try await Self.expectClosureMatchesEdges(rt, f)
        }
    }

    /// Four writers, each 40 random inserts and deletes of one type over 12 organizations, at once; then the closure
    /// table equals a recomputation from the edges, and no cycle exists.
    @Test(arguments: StoreKind.allCases)
    func concurrentRandomChangesKeepTheClosureExact(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await HierarchyContractTests.fixture(rt)
            var nodes: [Party.ID] = []
            for i in 0..<12 { nodes.append(try await f.org("N\(i)")) }
            let all = nodes
            let done = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var rng = SeededRandom(seed: UInt64(100 + writer))
                        var mine: [Relationship.ID] = []
                        var done = 0
                        for _ in 0..<40 {
                            if !mine.isEmpty, Int.random(in: 0..<10, using: &rng) < 4 {
                                let victim = mine.remove(at: Int.random(in: 0..<mine.count, using: &rng))
                                do {
                                    try await rt.services.relationships.delete(tenant: f.slug, id: victim, context: .test)
                                    done += 1
                                } catch let error as RosterError where error.isNotFound {}
                            } else {
                                let parent = all.randomElement(using: &rng)!, child = all.randomElement(using: &rng)!
                                do {
                                    mine.append(try await rt.services.relationships.create(
                                        tenant: f.slug, RelationshipInput(parentID: parent, childID: child, type: "ownership"), context: .test).id)
                                    done += 1
                                } catch let error as RosterError where error.isConflict || !error.invalidFields.isEmpty {}
                            }
                        }
                        return done
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(done > 40, "\(done) changes went through")
            try await Self.expectClosureMatchesEdges(rt, f)
        }
    }

    static func attempt(_ f: HierarchyContractTests.Fixture, _ parent: Party.ID, _ child: Party.ID) async throws -> Bool {
        do {
            _ = try await f.edge(parent, child)
            return true
        } catch let error as RosterError where error.isConflict {
            return false
        }
    }

    /// The closure rows of `ownership` equal those recomputed from the stored edges, and no party is its own descendant.
    static func expectClosureMatchesEdges(_ rt: RosterRuntime, _ f: HierarchyContractTests.Fixture) async throws {
        var edges: [Relationship] = []
        var cursor: String?
        repeat {
            let page = try await rt.services.relationships.list(tenant: f.slug, partyID: nil, type: "ownership", role: nil, cursor: cursor,
                                                                limit: 500, context: .test)
            edges += page.items
            cursor = page.nextCursor
        } while cursor != nil
        let stored = try await rt.database.store.read { tx in try await tx.closureRows(tenant: f.tenant.id, type: "ownership") }
        #expect(Set(stored.map { HierarchyContractTests.Key($0) }) == Set(HierarchyContractTests.recompute(edges)))
        #expect(!stored.contains { $0.ancestor == $0.descendant }, "a cycle exists")
    }
}
