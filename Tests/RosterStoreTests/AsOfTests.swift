import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// "As of" answers (DESIGN.md §2 Access, `at=`): decisions, `access/parties` and hierarchies as the edges and grants
/// stood at a past instant, from the history of edges and grants, on both stores. The story: a role is made and granted,
/// the tree North → Farm → Field is built, then Farm → Field is removed, then the grant is revoked; each question is
/// asked afterwards about each of the instants in between.
@Suite("As of a past instant")
struct AsOfTests {
    @Test(arguments: StoreKind.allCases)
    func answersAreThoseOfTheInstantAskedAbout(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let parties = rt.services.parties, relationships = rt.services.relationships, access = rt.services.access
            func org(_ name: String) async throws -> Party.ID {
                try await parties.create(tenant: t, PartyInput(kind: .organization, name: name), context: .test).id
            }
            func instant() async throws -> Date {
                try await Task.sleep(for: .milliseconds(5))
                let now = Date()
                try await Task.sleep(for: .milliseconds(5))
                return now
            }
            let north = try await org("North"), farm = try await org("Farm"), field = try await org("Field")
            let user = try await rt.services.users.create(tenant: t, UserInput(email: "a@example.com"), context: .test).id
            let beforeRole = try await instant()
            let role = try await access.createRole(tenant: t, name: "North approvers", policies: ["approve_tree"], organizationID: north,
                                                   relationshipType: "structure", context: .test)
            _ = try await access.grant(tenant: t, user: user, role: role.id, context: .test)
            _ = try await relationships.create(tenant: t, RelationshipInput(parentID: north, childID: farm, type: "structure"), context: .test)
            let toField = try await relationships.create(tenant: t, RelationshipInput(parentID: farm, childID: field, type: "structure"),
                                                         context: .test)
            let whole = try await instant()
            try await relationships.delete(tenant: t, id: toField.id, context: .test)
            let cut = try await instant()
            try await access.revoke(tenant: t, user: user, role: role.id, context: .test)
            let revoked = try await instant()

            func check(_ party: Party.ID, at: Date?) async throws -> AccessDecision {
                try await access.check(tenant: t, user: user, policy: "approve_tree", party: party, at: at, context: .test)
            }
            // Now: nothing is granted any more.
            #expect(try await check(farm, at: nil).allowed == false)
            // Before the role existed.
            let early = try await check(north, at: beforeRole)
            #expect(early.allowed == false && early.reason.contains("no role"), "\(early.reason)")
            // The whole tree, granted: the path of then.
            let then = try await check(field, at: whole)
            #expect(then.allowed && then.path == [north, farm, field] && then.roleID == role.id && then.at == whole, "\(then.reason)")
            // After the cut, Field was no longer below; Farm still was.
            #expect(try await check(field, at: cut).allowed == false)
            #expect(try await check(farm, at: cut).allowed)
            // After the revoke, nothing.
            let gone = try await check(farm, at: revoked)
            #expect(gone.allowed == false && gone.reason.contains("no role"), "\(gone.reason)")

            func listed(at: Date) async throws -> Set<Party.ID> {
                Set(try await access.decidedParties(tenant: t, user: user, policy: "approve_tree", at: at, cursor: nil, limit: nil,
                                                    context: .test).page.items.map(\.id))
            }
            #expect(try await listed(at: beforeRole).isEmpty)
            #expect(try await listed(at: whole) == [north, farm, field])
            #expect(try await listed(at: cut) == [north, farm])
            #expect(try await listed(at: revoked).isEmpty)

            func tree(_ party: Party.ID, _ direction: RelationshipService.Direction, at: Date?) async throws -> Set<Party.ID> {
                Set(try await relationships.hierarchy(tenant: t, of: party, direction, type: "structure", at: at, cursor: nil, limit: 100,
                                                      context: .test).items.map(\.party.id))
            }
            #expect(try await tree(north, .descendants, at: whole) == [farm, field])
            #expect(try await tree(north, .descendants, at: cut) == [farm])
            #expect(try await tree(north, .descendants, at: nil) == [farm])
            #expect(try await tree(north, .descendants, at: beforeRole).isEmpty)
            #expect(try await tree(farm, .children, at: whole) == [field])
            #expect(try await tree(farm, .children, at: cut).isEmpty)
            #expect(try await tree(field, .ancestors, at: whole) == [north, farm])
            #expect(try await tree(field, .ancestors, at: revoked).isEmpty)
        }
    }

    /// Windows and history together: an edge whose window begins later answers "as of" an instant inside its window
    /// (the future as planned now), and not before it.
    @Test(arguments: StoreKind.allCases)
    func windowsCountAtTheInstantAskedAbout(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let parties = rt.services.parties, relationships = rt.services.relationships
            let north = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test).id
            let season = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Season"), context: .test).id
            let start = Date().addingTimeInterval(86_400), end = Date().addingTimeInterval(2 * 86_400)
            let beforeRecorded = Date.rosterNow.addingTimeInterval(-0.001)
            _ = try await relationships.create(tenant: t, RelationshipInput(parentID: north, childID: season, type: "structure",
                                                                            validFrom: start, validTo: end), context: .test)
            func children(at: Date?, includeInactive: Bool = false) async throws -> [Party.ID] {
                try await relationships.hierarchy(tenant: t, of: north, .children, type: nil, includeInactive: includeInactive, at: at,
                                                  cursor: nil, limit: 10, context: .test).items.map(\.party.id)
            }
            #expect(try await children(at: nil).isEmpty)
            #expect(try await children(at: start.addingTimeInterval(3600)) == [season])
            #expect(try await children(at: end).isEmpty)
            // Before it was recorded, it did not exist, in force or not.
            // (An instant taken before the edge was made: a minute back from the check was after it on a loaded machine.)
            #expect(try await children(at: beforeRecorded, includeInactive: true).isEmpty)
            #expect(try await children(at: end, includeInactive: true) == [season])
        }
    }
}
