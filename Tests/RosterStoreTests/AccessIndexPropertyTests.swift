import Foundation
import RosterApp
import RosterCore
@testable import RosterService
import RosterSQL
import RosterStore
import Testing

/// The in-memory access graph answers as the tables do (DESIGN.md §2 Access: "proven equal to the SQL answer").
/// Random edge inserts and deletes (with windows that have ended, hold now, or begin later), grants, revokes and role
/// deletions; after every step each user's decision on each party through the services (the graph) is compared with a recomputation
/// from the rows of the tables, and with the stores' SQL scope condition. The second test writes through two runtimes
/// on one database (each with its own graphs, as two processes have) and asks both after every step.
@Suite("Access index equals the tables")
struct AccessIndexPropertyTests {
    static let steps = 50
    /// Two runtimes ask twice as many questions a step; fewer steps keep the suite's load (it runs beside timing tests).
    static let twoRuntimeSteps = 30

    @Test(arguments: StoreKind.allCases)
    func graphDecisionsEqualTheTables(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            var world = try await World.make(rt)
            var rng = SeededRandom(seed: 20261202)
            var history: [World.Snapshot] = []
            for step in 0..<Self.steps {
                let change = try await world.randomChange(through: rt, &rng)
                let snapshot = try await world.expectAgreement(asking: [rt], after: "step \(step): \(change)")
                if step.isMultiple(of: 5) { history.append(snapshot) }
            }
            #expect(world.changesMade > Self.steps / 2, "most random steps changed something")
            // Afterwards, "as of" each remembered instant answers what was true then.
            for snapshot in history { try await world.expectAsOf(snapshot, asking: rt) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func twoRuntimesOnOneDatabaseStayCoherent(_ kind: StoreKind) async throws {
        try await TestDatabase.withTwo(kind) { first, second in
            var world = try await World.make(first)
            var rng = SeededRandom(seed: 7_2026)
            // Both have loaded the graph before the changes begin, so each must catch up with the other's writes.
            try await world.expectAgreement(asking: [first, second], after: "start")
            for step in 0..<Self.twoRuntimeSteps {
                let writer = step.isMultiple(of: 2) ? first : second
                let change = try await world.randomChange(through: writer, &rng)
                try await world.expectAgreement(asking: [first, second], after: "step \(step) by runtime \(step % 2 + 1): \(change)")
            }
            #expect(first.database.store.accessIndex.catchUps > 0 && second.database.store.accessIndex.catchUps > 0,
                    "the graphs caught up by replaying changes")
        }
    }
}

/// Twelve organizations, two types, four scoped roles (two typed, one untyped, one on another branch) and three users.
private struct World {
    let tenant: Tenant
    let organizations: [Party.ID]
    var roles: [AccessRole]
    let users: [User.ID]
    var changesMade = 0
    static let types = ["a", "b"]
    static let policy = "approve"

    static func make(_ rt: RosterRuntime) async throws -> World {
        let tenant = try await rt.makeTenant()
        var organizations: [Party.ID] = []
        for index in 0..<12 {
            organizations.append(try await rt.services.parties.create(
                tenant: tenant.slug, PartyInput(kind: .organization, name: "Org \(index)"), context: .test).id)
        }
        var roles: [AccessRole] = []
        for (index, (organization, type)) in [(0, "a"), (1, nil), (2, "b"), (3, "a")].enumerated() {
            roles.append(try await rt.services.access.createRole(
                tenant: tenant.slug, name: "role \(index)", policies: [policy], organizationID: organizations[organization],
                relationshipType: type, context: .test))
        }
        var users: [User.ID] = []
        for index in 0..<3 {
            users.append(try await rt.services.users.create(tenant: tenant.slug, UserInput(email: "u\(index)@example.com"),
                                                            context: .test).id)
        }
        return World(tenant: tenant, organizations: organizations, roles: roles, users: users)
    }

    /// One random change through `rt`: an edge inserted (refused when it duplicates one or closes a cycle) or deleted,
    /// a grant, or a revoke. Returns what it tried.
    mutating func randomChange(through rt: RosterRuntime, _ rng: inout SeededRandom) async throws -> String {
        let t = tenant.slug
        switch Int.random(in: 0..<11, using: &rng) {
        case 0..<5:
            let parent = organizations.randomElement(using: &rng)!, child = organizations.randomElement(using: &rng)!
            guard parent != child else { return "nothing (a self-loop)" }
            let type = Self.types.randomElement(using: &rng)!
            let now = Date()
            let window: (Date?, Date?, String) = switch Int.random(in: 0..<5, using: &rng) {
            case 0: (now.addingTimeInterval(-7200), now.addingTimeInterval(-3600), "ended")
            case 1: (now.addingTimeInterval(3600), nil, "begins later")
            case 2: (now.addingTimeInterval(-3600), now.addingTimeInterval(3600), "holds now")
            default: (nil, nil, "no window")
            }
            do {
                _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(
                    parentID: parent, childID: child, type: type, validFrom: window.0, validTo: window.1), context: .test)
                changesMade += 1
                return "insert \(name(parent)) → \(name(child)) in \(type), \(window.2)"
            } catch let error as RosterError {
                guard case .conflict = error else { throw error }
                return "refused \(name(parent)) → \(name(child)) in \(type) (duplicate or cycle)"
            }
        case 5..<7:
            let edges = try await rt.services.relationships.list(tenant: t, partyID: nil, type: nil, role: nil, cursor: nil, limit: 200,
                                                                 context: .test).items
            guard let edge = edges.randomElement(using: &rng) else { return "nothing (no edge to delete)" }
            try await rt.services.relationships.delete(tenant: t, id: edge.id, context: .test)
            changesMade += 1
            return "delete \(name(edge.parentID)) → \(name(edge.childID)) in \(edge.type)"
        case 7..<9:
            let user = users.randomElement(using: &rng)!, role = roles.randomElement(using: &rng)!
            // Grants with windows too: ended, holding now, beginning later, or open.
            let now = Date()
            let windows = [ValidityWindow(), ValidityWindow(validTo: now - 3600), ValidityWindow(validFrom: now - 3600, validTo: now + 3600),
                           ValidityWindow(validFrom: now + 3600)]
            let choice = Int.random(in: 0..<windows.count, using: &rng)
            _ = try await rt.services.access.grant(tenant: t, user: user, role: role.id, window: windows[choice], context: .test)
            changesMade += 1
            return "grant \(role.name) to user \(users.firstIndex(of: user)!) (\(["open", "ended", "holding", "later"][choice]))"
        case 10:
            // A role deleted (its grants end with it), and one like it made again under its name, holding no grant yet.
            let index = Int.random(in: 0..<roles.count, using: &rng)
            let old = roles[index]
            try await rt.services.access.deleteRole(tenant: t, id: old.id, context: .test)
            roles[index] = try await rt.services.access.createRole(tenant: t, name: old.name, policies: old.policies,
                                                                   organizationID: old.organizationID, relationshipType: old.relationshipType,
                                                                   context: .test)
            changesMade += 1
            return "delete \(old.name) and make it again"
        default:
            let user = users.randomElement(using: &rng)!, role = roles.randomElement(using: &rng)!
            do {
                try await rt.services.access.revoke(tenant: t, user: user, role: role.id, context: .test)
                changesMade += 1
                return "revoke \(role.name) from user \(users.firstIndex(of: user)!)"
            } catch let error as RosterError {
                guard case .notFound = error else { throw error }
                return "nothing (user \(users.firstIndex(of: user)!) lacks \(role.name))"
            }
        }
    }

    func name(_ id: Party.ID) -> String { "org\(organizations.firstIndex(of: id) ?? -1)" }

    /// Every user × organization: each runtime's decision (the graph), the SQL scope condition and a recomputation from
    /// the rows agree.
    @discardableResult
    func expectAgreement(asking runtimes: [RosterRuntime], after what: String) async throws -> Snapshot {
        let store = runtimes[0].database.store
        let now = Date()
        let (edges, held) = try await store.read { tx in
            let tenantID = tenant.id
            let edges = try await tx.relationships(tenant: tenantID, query: RelationshipQuery(limit: 10_000))
            var held: [User.ID: [AccessRole]] = [:]
            for user in users { held[user] = try await tx.grants(tenant: tenantID, user: user).filter { $0.isInForce(at: now) }.map(\.role) }
            return (edges, held)
        }
        var snapshot = Snapshot(at: now, what: what, edges: edges)
        for user in users {
            let granting = (held[user] ?? []).filter { $0.policies.contains(Self.policy) }
            let subtrees = granting.compactMap { role in role.organizationID.map { Subtree(organizationID: $0, relationshipType: role.relationshipType) } }
            let expected = Self.recompute(subtrees, edges: edges, at: now)
            snapshot.allowed[user] = expected.intersection(organizations)
            let bySQL = try await store.read { tx in
                try await tx.visibleParties(tenant: tenant.id, among: organizations, within: subtrees, at: now)
            }
            #expect(bySQL == expected.intersection(organizations), "SQL scope, user \(users.firstIndex(of: user)!), after \(what)")
            // A scoped search, a page of two at a time, each way: the subtrees' members from the graph as a list, or the
            // parties read a few at a time and kept by the graph (and typed-only scopes in SQL).
            for (inline, batch) in [(1_000, nil), (0, 3)] as [(Int, Int?)] {
                var listed: [Party.ID] = []
                var query = PartyQuery(kind: .organization, limit: 2)
                query.within = subtrees
                repeat {
                    let page = try await store.read { tx in
                        try await TenantAccess.open(tx, tenant.slug, .test, write: false).searchParties(query, inlineMembers: inline, batch: batch)
                    }
                    listed += page.map(\.id)
                    query.after = page.count == 2 ? page.last?.id : nil
                } while query.after != nil
                #expect(listed == listed.sorted() && Set(listed).count == listed.count, "in id order, once each")
                #expect(Set(listed).intersection(organizations) == expected.intersection(organizations),
                        "scoped search (members inline up to \(inline)), user \(users.firstIndex(of: user)!), after \(what)")
            }
            for (index, rt) in runtimes.enumerated() {
                for organization in organizations {
                    let decision = try await rt.services.access.check(tenant: tenant.slug, user: user, policy: Self.policy,
                                                                      party: organization, context: .test)
                    #expect(decision.allowed == expected.contains(organization),
                            "runtime \(index + 1), user \(users.firstIndex(of: user)!), \(name(organization)) after \(what): \(decision.reason)")
                    if decision.allowed {
                        #expect(Self.isRealPath(decision.path, to: organization, edges: edges, at: now),
                                "the path \(decision.path.map(name)) is made of edges in force")
                    }
                }
            }
        }
        return snapshot
    }

    /// What was true at one instant: each user's parties, and the edges.
    struct Snapshot {
        var at: Date
        var what: String
        var edges: [Relationship]
        var allowed: [User.ID: Set<Party.ID>] = [:]
    }

    /// Asked later "as of" the snapshot's instant, decisions, `access/parties` and hierarchies answer what was true then.
    func expectAsOf(_ snapshot: Snapshot, asking rt: RosterRuntime) async throws {
        let t = tenant.slug
        for user in users {
            let expected = snapshot.allowed[user] ?? []
            for organization in organizations {
                let decision = try await rt.services.access.check(tenant: t, user: user, policy: Self.policy, party: organization,
                                                                  at: snapshot.at, context: .test)
                #expect(decision.allowed == expected.contains(organization) && decision.at == snapshot.at,
                        "as of \(snapshot.what): user \(users.firstIndex(of: user)!), \(name(organization)): \(decision.reason)")
                if decision.allowed {
                    #expect(Self.isRealPath(decision.path, to: organization, edges: snapshot.edges, at: snapshot.at),
                            "as of \(snapshot.what): the path \(decision.path.map(name)) is made of edges in force then")
                }
            }
            let (listed, decisions) = try await rt.services.access.decidedParties(tenant: t, user: user, policy: Self.policy, at: snapshot.at,
                                                                                 cursor: nil, limit: 200, context: .test)
            #expect(Set(listed.items.map(\.id)).intersection(organizations) == expected,
                    "access/parties as of \(snapshot.what), user \(users.firstIndex(of: user)!)")
            // Each listed party comes with the decision check gives: allowed, over a path of edges in force then.
            for party in listed.items where organizations.contains(party.id) {
                let decision = try #require(decisions[party.id])
                #expect(decision.allowed && Self.isRealPath(decision.path, to: party.id, edges: snapshot.edges, at: snapshot.at),
                        "access/parties as of \(snapshot.what): \(name(party.id)): \(decision.reason)")
            }
        }
        for type in Self.types {
            let root = organizations[0]
            let below = try await rt.services.relationships.hierarchy(tenant: t, of: root, .descendants, type: type, at: snapshot.at,
                                                                      cursor: nil, limit: 200, context: .test)
            var expected = Self.recompute([Subtree(organizationID: root, relationshipType: type)], edges: snapshot.edges, at: snapshot.at)
            expected.remove(root)
            #expect(Set(below.items.map(\.party.id)) == expected, "descendants of org0 in \(type) as of \(snapshot.what)")
        }
    }

    /// Everything in the subtrees over edges in force at `at`: a fixpoint over the rows, independent of both the graph
    /// and the SQL walk.
    static func recompute(_ subtrees: [Subtree], edges: [Relationship], at: Date) -> Set<Party.ID> {
        var inside = Set<Party.ID>()
        for subtree in subtrees {
            var reached: Set<Party.ID> = [subtree.organizationID]
            var grew = true
            while grew {
                grew = false
                for edge in edges where reached.contains(edge.parentID) && !reached.contains(edge.childID)
                    && (subtree.relationshipType == nil || edge.type == subtree.relationshipType)
                    && (edge.validFrom.map { $0 <= at } ?? true) && (edge.validTo.map { $0 > at } ?? true) {
                    reached.insert(edge.childID)
                    grew = true
                }
            }
            inside.formUnion(reached)
        }
        return inside
    }

    static func isRealPath(_ path: [Party.ID], to party: Party.ID, edges: [Relationship], at: Date) -> Bool {
        guard path.last == party else { return false }
        return zip(path, path.dropFirst()).allSatisfy { parent, child in
            edges.contains { $0.parentID == parent && $0.childID == child
                && ($0.validFrom.map { $0 <= at } ?? true) && ($0.validTo.map { $0 > at } ?? true) }
        }
    }
}

/// The case a user of access checks fears most, spelled out: a revoke acknowledged to its caller is denied by the very
/// next check, in the process that revoked and in another one on the same database, on both stores.
@Suite("Access index: revokes")
struct RevokeTests {
    @Test(arguments: StoreKind.allCases)
    func aRevokeIsDeniedAtOnceHereAndElsewhere(_ kind: StoreKind) async throws {
        try await TestDatabase.withTwo(kind) { here, elsewhere in
            let t = try await here.makeTenant().slug
            let north = try await here.services.parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test).id
            let farm = try await here.services.parties.create(tenant: t, PartyInput(kind: .organization, name: "Farm"), context: .test).id
            _ = try await here.services.relationships.create(tenant: t, RelationshipInput(parentID: north, childID: farm, type: "structure"),
                                                             context: .test)
            let role = try await here.services.access.createRole(tenant: t, name: "North", policies: ["approve"], organizationID: north,
                                                                 relationshipType: "structure", context: .test)
            let user = try await here.services.users.create(tenant: t, UserInput(email: "r@example.com"), context: .test).id
            func allowed(_ rt: RosterRuntime) async throws -> Bool {
                try await rt.services.access.check(tenant: t, user: user, policy: "approve", party: farm, context: .test).allowed
            }
            // Both processes hold the graph before the grant.
            #expect(try await allowed(here) == false)
            #expect(try await allowed(elsewhere) == false)
            _ = try await here.services.access.grant(tenant: t, user: user, role: role.id, context: .test)
            #expect(try await allowed(elsewhere))
            #expect(try await allowed(here))
            try await here.services.access.revoke(tenant: t, user: user, role: role.id, context: .test)
            #expect(try await allowed(elsewhere) == false, "another process denies at once")
            #expect(try await allowed(here) == false, "the revoking process denies at once")
            // And the other way round: a grant and revoke made elsewhere.
            _ = try await elsewhere.services.access.grant(tenant: t, user: user, role: role.id, context: .test)
            #expect(try await allowed(here))
            try await elsewhere.services.access.revoke(tenant: t, user: user, role: role.id, context: .test)
            #expect(try await allowed(here) == false)
            // A deleted edge, likewise.
            _ = try await here.services.access.grant(tenant: t, user: user, role: role.id, context: .test)
            #expect(try await allowed(elsewhere))
            let edge = try #require(try await here.services.relationships.list(tenant: t, partyID: farm, type: nil, role: nil, cursor: nil,
                                                                               limit: 10, context: .test).items.first)
            try await here.services.relationships.delete(tenant: t, id: edge.id, context: .test)
            #expect(try await allowed(elsewhere) == false)
        }
    }
}
