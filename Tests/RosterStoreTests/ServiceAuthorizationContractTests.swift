import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// The decisions of the HTTP security suite, taken through the services directly: the path the CLI and the admin
/// UI use. A scoped caller reaches only its subtree, on both stores (issue 9).
@Suite("Store contract: authorization in the services")
struct ServiceAuthorizationContractTests {
    struct World {
        let tenant: Tenant
        let north: Party.ID
        let south: Party.ID
        let northPerson: Party.ID
        let northEdge: Relationship.ID
        let inside: OperationContext
        let outside: OperationContext
    }

    static func note(_ text: String) -> PartyPatch {
        var patch = PartyPatch()
        patch.note = .set(text)
        return patch
    }

    static func world(_ rt: RosterRuntime) async throws -> World {
        let tenant = try await rt.makeTenant()
        let t = tenant.slug
        let parties = rt.services.parties
        let north = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test).id
        let south = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "South"), context: .test).id
        let person = try await parties.create(tenant: t, PartyInput(kind: .person, firstName: "N", email: "n@example.com"), context: .test).id
        let edge = try await rt.services.relationships.create(
            tenant: t, RelationshipInput(parentID: north, childID: person, type: "structure"), context: .test).id
        let every = AccessRole.rosterPolicies
        let northRole = try await rt.services.access.createRole(tenant: t, name: "north", policies: every, organizationID: north,
                                                                relationshipType: nil, context: .test)
        let southRole = try await rt.services.access.createRole(tenant: t, name: "south", policies: every, organizationID: south,
                                                                relationshipType: nil, context: .test)
        func caller(_ role: AccessRole) -> OperationContext {
            OperationContext(caller: Caller(principal: .apiKey(UUID().uuidString), tenantSlug: t, role: .user, roleIDs: [role.id]),
                             requestID: "contract")
        }
        return World(tenant: tenant, north: north, south: south, northPerson: person, northEdge: edge,
                     inside: caller(northRole), outside: caller(southRole))
    }

    @Test(arguments: StoreKind.allCases)
    func scopedCallersReachOnlyTheirSubtree(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let (parties, edges) = (rt.services.parties, rt.services.relationships)
            let before = try await parties.get(tenant: t, id: w.northPerson, context: .test)

            await expectRosterError({ try await parties.get(tenant: t, id: w.northPerson, context: w.outside) }) { $0.isNotFound }
            await expectRosterError({ try await parties.history(tenant: t, id: w.northPerson, context: w.outside) }) { $0.isNotFound }
            await expectRosterError({
                try await parties.update(tenant: t, id: w.northPerson, Self.note("pwned"), ifMatch: nil, context: w.outside)
            }) { $0.isNotFound }
            await expectRosterError({ try await parties.delete(tenant: t, id: w.northPerson, context: w.outside) }) { $0.isNotFound }
            await expectRosterError({
                try await parties.changeState(tenant: t, id: w.northPerson, to: .suspended, reason: nil, context: w.outside)
            }) { $0.isNotFound }
            await expectRosterError({ try await edges.get(tenant: t, id: w.northEdge, context: w.outside) }) { $0.isNotFound }
            await expectRosterError({ try await edges.delete(tenant: t, id: w.northEdge, context: w.outside) }) { $0.isNotFound }
            await expectRosterError({
                try await edges.create(tenant: t, RelationshipInput(parentID: w.south, childID: w.northPerson, type: "x"), context: w.outside)
            }) { $0.isNotFound }
            await expectRosterError({
                try await rt.services.tags.attach(tenant: t, party: w.northPerson, text: "Pwned", context: w.outside)
            }) { $0.isNotFound }
            await expectRosterError({
                try await edges.hierarchy(tenant: t, of: w.north, .descendants, type: nil, cursor: nil, limit: 10, context: w.outside)
            }) { $0.isNotFound }
            let searched = try await parties.search(tenant: t, PartySearch(limit: 100), context: w.outside)
            #expect(searched.items.map(\.id) == [w.south])
            // Tenant-wide operations need the policy tenant-wide.
            await expectRosterError({
                try await parties.create(tenant: t, PartyInput(kind: .organization, name: "X"), context: w.outside)
            }) { if case .forbidden = $0 { true } else { false } }
            await expectRosterError({ try await rt.services.audit.verify(tenant: t, context: w.outside) }) {
                if case .forbidden = $0 { true } else { false }
            }
            // Another tenant's caller: the tenant does not exist for it.
            let foreign = OperationContext(caller: Caller(principal: .apiKey("x"), tenantSlug: "elsewhere", role: .admin), requestID: "c")
            await expectRosterError({ try await parties.get(tenant: t, id: w.northPerson, context: foreign) }) { $0.isNotFound }

            #expect(try await parties.get(tenant: t, id: w.northPerson, context: .test) == before)
            #expect(try await edges.get(tenant: t, id: w.northEdge, context: .test).childID == w.northPerson)

            // The owner of the subtree does all of it.
            let changed = try await parties.update(tenant: t, id: w.northPerson, Self.note("ok"), ifMatch: nil, context: w.inside)
            #expect(changed.note == "ok")
            try await edges.delete(tenant: t, id: w.northEdge, context: w.inside)
            // Without its edge the person lies in no subtree: the inside caller no longer sees it either.
            await expectRosterError({ try await parties.get(tenant: t, id: w.northPerson, context: w.inside) }) { $0.isNotFound }
        }
    }

    /// Concurrent creates of one email: one wins, and every loser gets the 409 naming the winner, as a sequential
    /// duplicate does (on PostgreSQL the unique index, not the pre-check, stops most of them).
    @Test(arguments: StoreKind.allCases)
    func racingDuplicatesAllNameTheWinner(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            for round in 0..<5 {
                let email = "race\(round)@example.com"
                let results = await withTaskGroup(of: Result<Party.ID, any Error>.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            do {
                                return .success(try await rt.services.parties.create(
                                    tenant: t, PartyInput(kind: .person, email: email), context: .test).id)
                            } catch {
                                return .failure(error)
                            }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                let winners = results.compactMap { try? $0.get() }
                #expect(winners.count == 1, "round \(round): \(winners.count) winners")
                for case .failure(let error) in results {
                    #expect((error as? RosterError)?.existingID == winners.first?.description, "round \(round): \(error)")
                }
            }
        }
    }
}
