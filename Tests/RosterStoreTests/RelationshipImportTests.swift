import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// Relationship import (issue 12, item 2): sides named by id, email, phone or an organization's exact name; the checks
/// of POST .../relationships (cycles, the partnership rule) and ambiguous names refuse a row with the reason.
@Suite("Relationship import")
struct RelationshipImportTests {
    static func rows(_ rows: [RelationshipImportRow]) -> () -> RelationshipImportRow? {
        var iterator = rows.makeIterator()
        return { iterator.next() }
    }

    static func row(_ number: Int, _ fill: (inout RelationshipImportRow) -> Void) -> RelationshipImportRow {
        var row = RelationshipImportRow(number: number)
        fill(&row)
        return row
    }

    @Test(arguments: StoreKind.allCases)
    func sidesByEveryNameAndTheChecksOfTheAPI(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let parties = rt.services.parties
            let north = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test).id
            // A name of the same search key (accents dropped): a parent named "North" is still North alone.
            _ = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Nórth"), context: .test)
            let farm = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Hill Farm", email: "farm@example.com"),
                                                context: .test).id
            _ = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Twin"), context: .test)
            _ = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Twin", email: "twin2@example.com"), context: .test)
            let gwen = try await parties.create(tenant: t, PartyInput(kind: .person, firstName: "Gwen", phone: "07700 900123"), context: .test).id
            let table = [
                Self.row(1) { $0.childEmail = "FARM@example.com"; $0.parentName = "North"; $0.type = "structure"; $0.role = "farm" },
                Self.row(2) { $0.childPhone = "+44 7700 900123"; $0.parentID = farm.description; $0.type = "structure"
                              $0.validFrom = "2026-01-01T00:00:00Z" },
                Self.row(3) { $0.childID = north.description; $0.parentEmail = "farm@example.com"; $0.type = "structure" },  // a cycle
                Self.row(4) { $0.childID = gwen.description; $0.parentName = "Twin"; $0.type = "structure" },               // ambiguous
                Self.row(5) { $0.childID = gwen.description; $0.parentName = "North"; $0.type = "partnership" },            // not a partner
                Self.row(6) { $0.childEmail = "farm@example.com"; $0.parentName = "North"; $0.type = "structure" },         // exists
                Self.row(7) { $0.childID = gwen.description; $0.childEmail = "x@example.com"; $0.parentName = "North"; $0.type = "structure" },
                Self.row(8) { $0.childID = gwen.description; $0.parentName = "North"; $0.type = "structure"; $0.validFrom = "yesterday" },
                Self.row(9) { $0.childID = gwen.description; $0.parentName = "Nowhere"; $0.type = "structure" },
                // A party id of no party here (another tenant's): the row names the column.
                Self.row(10) { $0.childID = gwen.description; $0.parentID = UUID().uuidString; $0.type = "structure" },
                // A party as its own parent, named two other ways: the columns used are named (not childId).
                Self.row(11) { $0.childEmail = "farm@example.com"; $0.parentName = "Hill Farm"; $0.type = "structure" },
                // A NUL in the type or the parent's name: refused by the rules, named, on both stores (PostgreSQL refused
                // the lookup's statement: "the database refused its values", no field).
                Self.row(12) { $0.childID = gwen.description; $0.parentName = "North"; $0.type = "struc\u{0}ture" },
                Self.row(13) { $0.childID = gwen.description; $0.parentName = "No\u{0}rth"; $0.type = "structure" },
            ]
            let report = try await rt.services.relationshipImports.run(tenant: t, digest: nil, onDuplicate: .skip, context: .test,
                                                                       next: Self.rows(table))
            #expect(report.created == 2 && report.skipped == 1 && report.refused == 10, "\(report)")
            let refused = Dictionary(grouping: report.errors, by: \.row)
            #expect(refused[3]?.first?.message.contains("cycle") == true)
            #expect(refused[4]?.first?.field == "parentName" && refused[4]?.first?.message.contains("ambiguous") == true)
            #expect(refused[5]?.first?.field == "parentName")
            #expect(refused[11]?.first?.field == "childEmail" && refused[11]?.first?.message.contains("own parent") == true, "\(refused[11] ?? [])")
            // The columns the row filled are named (it named parentId for parentEmail and parentName; found by a probe).
            #expect(refused[7]?.first?.field == "childId, childEmail" && refused[7]?.first?.message == "give the child one way only",
                    "\(refused[7] ?? [])")
            #expect(refused[8]?.first?.field == "validFrom")
            #expect(refused[10]?.first?.field == "parentId" && refused[10]?.first?.message.hasPrefix("no party") == true, "\(refused[10] ?? [])")
            #expect(refused[9]?.first?.message.contains("names no live party") == true)
            #expect(refused[12]?.map(\.field) == ["type"], "\(refused[12] ?? [])")
            #expect(refused[13]?.map(\.field) == ["parentName"] && refused[13]?.first?.message.contains("control") == true,
                    "\(refused[13] ?? [])")
            let below = try await rt.services.relationships.hierarchy(tenant: t, of: north, .descendants, type: "structure", includeInactive: true,
                                                                      cursor: nil, limit: 100, context: .test)
            #expect(Set(below.items.map(\.party.id)) == [farm, gwen])
            let children = try await rt.services.relationships.hierarchy(tenant: t, of: north, .children, type: "structure", cursor: nil,
                                                                         limit: 100, context: .test)
            #expect(children.items.first { $0.party.id == farm }?.role == "farm")
            // The same rows with fail: the existing edges are refused instead of skipped.
            let again = try await rt.services.relationshipImports.run(tenant: t, digest: nil, onDuplicate: .fail, context: .test,
                                                                      next: Self.rows(Array(table.prefix(2))))
            #expect(again.refused == 2 && again.created == 0)
        }
    }
}
