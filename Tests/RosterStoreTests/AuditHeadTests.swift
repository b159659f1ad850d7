import Foundation
import Logging
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import RosterStore
import Testing

/// Each store remembers its tenants' audit heads and chains new entries onto them with a compare-and-set of the head
/// (`SQLTransaction.writeAudit`). Two runtimes on one database (two processes) move one tenant's head under each
/// other's feet: every append whose remembered head went stale must find that out, chain onto the stored head, and
/// leave one linear chain that verifies, with no entry lost.
@Suite struct AuditHeadTests {
    static let person = PartyInput(kind: .person, firstName: "Ada", lastName: "Head", email: "ada.head@example.com")

    /// `GET .../audit?action=&actor=&targetId=`: every condition given holds, newest first, paged by seq.
    @Test(arguments: StoreKind.allCases)
    func entriesAreFilteredByActionActorAndTarget(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let other = OperationContext(principal: .platform("other"), requestID: "other")
            let ada = try await rt.services.parties.create(tenant: tenant.slug, Self.person, context: .test)
            let bob = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .person, firstName: "Bob", lastName: "Head"),
                                                           context: other)
            for _ in 0..<3 { _ = try await rt.services.parties.get(tenant: tenant.slug, id: ada.id, context: .test) }
            _ = try await rt.services.parties.get(tenant: tenant.slug, id: bob.id, context: other)
            let audit = rt.services.audit
            func list(_ filter: AuditFilter, limit: Int? = nil, cursor: String? = nil) async throws -> Page<AuditEntry> {
                try await audit.list(tenant: tenant.slug, filter: filter, cursor: cursor, limit: limit, context: .test)
            }
            let reads = try await list(AuditFilter(action: "party.read"))
            #expect(reads.items.count == 4 && reads.items.allSatisfy { $0.action == "party.read" })
            #expect(reads.items.map(\.seq) == reads.items.map(\.seq).sorted(by: >))
            let byOther = try await list(AuditFilter(actor: "platform:other"))
            #expect(Set(byOther.items.map(\.action)) == ["party.create", "party.read"] && byOther.items.allSatisfy { $0.targetID == bob.id.description })
            let adaReads = try await list(AuditFilter(targetID: ada.id.description, action: "party.read", actor: "platform:test"), limit: 2)
            #expect(adaReads.items.count == 2 && adaReads.nextCursor != nil)
            let rest = try await list(AuditFilter(targetID: ada.id.description, action: "party.read", actor: "platform:test"), limit: 2,
                                      cursor: adaReads.nextCursor)
            #expect(rest.items.count == 1 && rest.nextCursor == nil && rest.items[0].seq < adaReads.items[1].seq)
            #expect(try await list(AuditFilter(action: "party.read", actor: "platform:nobody")).items.isEmpty)
            // Changes only (the console's party page): the reads are left out, the creation stays.
            let changes = try await list(AuditFilter(targetID: ada.id.description, changesOnly: true))
            #expect(changes.items.map(\.action) == ["party.create"], "\(changes.items.map(\.action))")
            await expectRosterError({ _ = try await list(AuditFilter(action: "")) }) { $0.invalidFields == ["action"] }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func twoProcessesKeepOneChain(_ kind: StoreKind) async throws {
        try await TestDatabase.withTwo(kind) { first, second in
            let tenant = try await first.makeTenant()
            let party = try await first.services.parties.create(tenant: tenant.slug, Self.person, context: .test)
            // Turn by turn: each write of one finds the head the other moved since its own last write.
            var expected = 2  // tenant.create, party.create
            for round in 0..<6 {
                let (writer, reader) = round.isMultiple(of: 2) ? (first, second) : (second, first)
                var patch = PartyPatch()
                patch.note = .set("round \(round)")
                _ = try await writer.services.parties.update(tenant: tenant.slug, id: party.id, patch, ifMatch: nil, context: .test)
                _ = try await reader.services.parties.get(tenant: tenant.slug, id: party.id, context: .test)
                _ = try await writer.services.parties.get(tenant: tenant.slug, id: party.id, context: .test)
                expected += 3
            }
            // At once: reads through both group commits, writes through both stores' transactions.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    let runtime = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        if index.isMultiple(of: 5) {
                            let input = PartyInput(kind: .person, firstName: "Concurrent", lastName: "Writer \(index)",
                                                   email: "writer\(index)@example.com")
                            _ = try await runtime.services.parties.create(tenant: tenant.slug, input, context: .test)
                        } else {
                            _ = try await runtime.services.parties.get(tenant: tenant.slug, id: party.id, context: .test)
                        }
                    }
                }
                try await group.waitForAll()
            }
            expected += 40
            var others = 8  // entries that name other parties: the creates above
            // More entries in one transaction than one insert takes (100 rows): 150 creates by one, then two pages of
            // reads of them by the other (the first after a stale head, the second on its own remembered head).
            let inputs = (0..<150).map { PartyInput(kind: .person, firstName: "Batch", lastName: "Person \($0)", email: "batch\($0)@example.com") }
            _ = try await first.services.parties.createBatch(tenant: tenant.slug, inputs, context: .test)
            for _ in 0..<2 {
                let page = try await second.services.parties.search(tenant: tenant.slug, PartySearch(q: "Batch", limit: 150), context: .test)
                #expect(page.items.count == 150)
            }
            expected += 450
            others += 450
            for runtime in [first, second] {
                let verification = try await runtime.services.audit.verify(tenant: tenant.slug, context: .test)
                #expect(verification.valid, "\(verification)")
                #expect(verification.count == Int64(expected))
            }
            let entries = try await first.services.audit.list(tenant: tenant.slug, filter: AuditFilter(targetID: party.id.description), cursor: nil, limit: 200,
                                                              context: .test).items
            #expect(entries.count == expected - 1 - others)
            #expect(Set(entries.map(\.seq)).count == entries.count)
        }
    }
    /// The remembered heads are bounded: past the limit they are dropped, and a tenant whose head was forgotten still
    /// chains onto its stored head (read under its lock) with nothing lost.
    @Test(arguments: StoreKind.allCases)
    func rememberedHeadsAreBounded(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let heads = AuditHeads(limit: 3)
            let store = SQLStore(database: rt.database.sql, logger: Logger(label: "test"), auditHeads: heads)
            var tenants: [Tenant] = []
            for _ in 0..<7 { tenants.append(try await rt.makeTenant()) }
            for round in 0..<3 {
                for tenant in tenants {
                    try await store.write { tx in
                        try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: .test, action: "test.write",
                                                             targetType: "round", targetID: "\(round)")])
                    }
                    #expect(heads.count <= 3)
                }
            }
            for tenant in tenants {
                let result = try await rt.services.audit.verify(tenant: tenant.slug, context: .test)
                #expect(result.valid && result.count == 4, "\(tenant.slug): \(result)")
            }
        }
    }
}
