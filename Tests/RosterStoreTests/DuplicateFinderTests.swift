import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// The duplicate finder (issue 12, item 5): groups by email, phone and name, paged, scoped and audited.
@Suite("Duplicate finder")
struct DuplicateFinderTests {
    @Test(arguments: StoreKind.allCases)
    func groupsByEmailPhoneAndName(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            func make(_ input: PartyInput) async throws -> Party { try await s.parties.create(tenant: t, input, context: .test) }
            let ann = try await make(PartyInput(kind: .person, firstName: "Ann", email: "ann@farm.example"))
            let annFarm = try await make(PartyInput(kind: .organization, name: "Ann's Farm", email: "ANN@farm.example"))
            let bob = try await make(PartyInput(kind: .person, firstName: "Bob", phone: "020 7946 0958"))
            let bobCo = try await make(PartyInput(kind: .organization, name: "Bob Co", phone: "+44 20 7946 0958"))
            let acme = try await make(PartyInput(kind: .organization, name: "Acme"))
            let acme2 = try await make(PartyInput(kind: .organization, name: "ACME"))
            // Names alike but for accents and the letters read as a plain one with a mark.
            let muller = try await make(PartyInput(kind: .organization, name: "Müller Straße"))
            let muller2 = try await make(PartyInput(kind: .organization, name: "Muller  Strasse."))
            let north = try await make(PartyInput(kind: .organization, name: "North"))
            let joe1 = try await make(PartyInput(kind: .person, firstName: "Joe", lastName: "Bloggs"))
            let joe2 = try await make(PartyInput(kind: .person, firstName: "joe", lastName: "BLOGGS"))
            let joe3 = try await make(PartyInput(kind: .person, firstName: "Joe", lastName: "Bloggs"))
            // Joe 1 and 2 below North, Joe 1 and 3 below South: two groups with the same first party and reason, both
            // paged; the Joes below North twice (two types) are still one group.
            let south = try await make(PartyInput(kind: .organization, name: "South"))
            for (org, joe, type) in [(north, joe1, "staff"), (north, joe2, "staff"), (north, joe1, "sales"), (north, joe2, "sales"),
                                     (south, joe1, "staff"), (south, joe3, "staff")] {
                _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: org.id, childID: joe.id, type: type), context: .test)
            }
            // Deleted parties are not candidates.
            let gone = try await make(PartyInput(kind: .organization, name: "Acme"))
            _ = try await s.parties.delete(tenant: t, id: gone.id, context: .test)
            // Nor is a deleted person sharing a live organization's email (or a live person a deleted one's).
            _ = try await make(PartyInput(kind: .organization, name: "Desk", email: "desk@north.example"))
            let gonePerson = try await make(PartyInput(kind: .person, firstName: "Dee", email: "desk@north.example"))
            _ = try await s.parties.delete(tenant: t, id: gonePerson.id, context: .test)
            let goneDesk = try await make(PartyInput(kind: .organization, name: "Gone Desk", phone: "+44 20 7946 0999"))
            _ = try await s.parties.delete(tenant: t, id: goneDesk.id, context: .test)
            _ = try await make(PartyInput(kind: .person, firstName: "Phil", phone: "+44 20 7946 0999"))

            var groups: [DuplicateGroup] = []
            var cursor: String?
            repeat {
                let page = try await s.parties.duplicates(tenant: t, cursor: cursor, limit: 1, context: .test)
                groups += page.items
                cursor = page.nextCursor
            } while cursor != nil
            let found = Set(groups.map { "\($0.reason.rawValue):" + $0.parties.map(\.id.description).joined(separator: ",") })
            let expected: Set<String> = [
                "email:" + [ann.id, annFarm.id].sorted().map(\.description).joined(separator: ","),
                "phone:" + [bob.id, bobCo.id].sorted().map(\.description).joined(separator: ","),
                "name:" + [acme.id, acme2.id].sorted().map(\.description).joined(separator: ","),
                "name:" + [muller.id, muller2.id].sorted().map(\.description).joined(separator: ","),
                "name:" + [joe1.id, joe2.id].sorted().map(\.description).joined(separator: ","),
                "name:" + [joe1.id, joe3.id].sorted().map(\.description).joined(separator: ","),
            ]
            #expect(found == expected && groups.count == 6, "\(found) \(groups.count)")
            #expect(!groups.flatMap(\.parties).contains { $0.id == gone.id })
            let audited = try await s.audit.list(tenant: t, filter: AuditFilter(targetID: ann.id.description), cursor: nil, limit: 5, context: .test).items
            #expect(audited.first?.action == "party.duplicates")
            await expectRosterError({ try await s.parties.duplicates(tenant: t, cursor: "nope", limit: 5, context: .test) }) {
                $0.invalidFields == ["cursor"]
            }

            // A caller who reads below North sees the Joes only (the other groups have no two readable parties).
            let role = try await s.access.createRole(tenant: t, name: "North", policies: ["parties.read"], organizationID: north.id,
                                                     relationshipType: nil, context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: [role.id]), requestID: "t")
            let theirs = try await s.parties.duplicates(tenant: t, cursor: nil, limit: 50, context: scoped).items
            #expect(theirs.map { Set($0.parties.map(\.id)) } == [[joe1.id, joe2.id]])
        }
    }
}
