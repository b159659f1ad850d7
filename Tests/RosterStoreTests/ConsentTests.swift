import Foundation
import RosterApp
import RosterCore
@testable import RosterService
import RosterSQL
import RosterStore
import Testing

/// The consent ledger (issue 11, item 3): append-only; the current consent per purpose is the latest entry by `at`
/// (then by recording); "who consents to P now" lists exactly the parties whose current entry matches, scoped.
@Suite("Consent ledger")
struct ConsentTests {
    @Test(arguments: StoreKind.allCases)
    func theCurrentConsentIsTheLatestEntry(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let consents = rt.services.consents
            let person = try await rt.services.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Ann", lastName: "Lee"),
                                                              context: .test).id
            let now = Date.rosterNow
            func record(_ purpose: String, _ status: Consent.Status, hoursAgo: Double? = nil) async throws -> Consent {
                try await consents.record(tenant: t, party: person, ConsentInput(
                    purpose: purpose, status: status, source: "web-form", at: hoursAgo.map { now.addingTimeInterval(-$0 * 3600) }),
                    context: .test)
            }
            func current() async throws -> [String: Consent.Status] {
                let page = try await consents.list(tenant: t, party: person, purpose: nil, current: true, cursor: nil, limit: nil,
                                                   context: .test)
                return Dictionary(uniqueKeysWithValues: page.items.map { ($0.purpose, $0.status) })
            }
            _ = try await record("newsletter", .granted, hoursAgo: 10)
            _ = try await record("newsletter", .withdrawn, hoursAgo: 5)
            #expect(try await current() == ["newsletter": .withdrawn])
            // A paper form from before the withdrawal, recorded later, does not undo it.
            _ = try await record("newsletter", .granted, hoursAgo: 7)
            #expect(try await current() == ["newsletter": .withdrawn])
            // One given after it does; purposes are independent.
            _ = try await record("newsletter", .granted, hoursAgo: 1)
            _ = try await record("marketing.sms", .withdrawn)
            #expect(try await current() == ["newsletter": .granted, "marketing.sms": .withdrawn])
            // Equal instants: the one recorded last counts.
            let instant = now.addingTimeInterval(-60)
            for status in [Consent.Status.withdrawn, .granted, .withdrawn] {
                _ = try await consents.record(tenant: t, party: person, ConsentInput(purpose: "profiling", status: status, source: "call",
                                                                                     at: instant), context: .test)
            }
            #expect(try await current()["profiling"] == .withdrawn)
            // Dated ahead (within the minute a caller's clock may be off), a grant is dated when recorded: a withdrawal
            // recorded after it counts at once.
            let ahead = try await consents.record(tenant: t, party: person, ConsentInput(purpose: "calls", status: .granted, source: "sync",
                                                                                         at: Date.rosterNow.addingTimeInterval(50)), context: .test)
            #expect(ahead.at <= Date.rosterNow)
            _ = try await consents.record(tenant: t, party: person, ConsentInput(purpose: "calls", status: .withdrawn, source: "user"),
                                          context: .test)
            #expect(try await current()["calls"] == .withdrawn)

            // The ledger keeps every entry, in recording order, and pages.
            let first = try await consents.list(tenant: t, party: person, purpose: "newsletter", current: false, cursor: nil, limit: 3,
                                                context: .test)
            #expect(first.items.map(\.status) == [.granted, .withdrawn, .granted])
            let rest = try await consents.list(tenant: t, party: person, purpose: "newsletter", current: false, cursor: first.nextCursor,
                                               limit: 3, context: .test)
            #expect(rest.items.map(\.status) == [.granted])
            #expect(rest.nextCursor == nil)
            #expect(first.items.allSatisfy { $0.recordedBy == OperationContext.test.principal.description })
        }
    }

    /// A random interleaving of grants and withdrawals with random instants: the current entry of every party equals
    /// the latest entry recomputed from the ledger, and the list of parties that consent equals that recomputation.
    @Test(arguments: StoreKind.allCases)
    func randomInterleavingsMatchARecomputation(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let consents = rt.services.consents
            var people: [Party.ID] = []
            for i in 0..<6 {
                people.append(try await rt.services.parties.create(tenant: t, PartyInput(kind: .person, firstName: "P\(i)", lastName: "Q"),
                                                                   context: .test).id)
            }
            var generator = SystemRandomNumberGenerator()
            let base = Date.rosterNow.addingTimeInterval(-86_400)
            var ledger: [Consent] = []
            // Concurrently, so that appends for one (party, purpose) race on PostgreSQL; twelve at a time, as a tenant's
            // writes queue on its audit chain holding their connections (sixty at once waited past the pool's 15 s for a
            // connection on a loaded machine).
            try await withThrowingTaskGroup(of: Consent.self) { group in
                for n in 0..<60 {
                    if n >= 12, let consent = try await group.next() { ledger.append(consent) }
                    let party = people.randomElement(using: &generator)!
                    let purpose = ["newsletter", "sms"].randomElement(using: &generator)!
                    let status: Consent.Status = Bool.random(using: &generator) ? .granted : .withdrawn
                    // Few distinct instants, so that ties are frequent.
                    let at = base.addingTimeInterval(Double(Int.random(in: 0..<8, using: &generator)) * 60)
                    group.addTask {
                        try await consents.record(tenant: t, party: party, ConsentInput(purpose: purpose, status: status, source: "test", at: at),
                                                  context: .test)
                    }
                }
                for try await consent in group { ledger.append(consent) }
            }
            var expected: [Party.ID: [String: Consent]] = [:]
            for entry in ledger {
                if let current = expected[entry.partyID]?[entry.purpose], !entry.supersedes(current) { continue }
                expected[entry.partyID, default: [:]][entry.purpose] = entry
            }
            for party in people {
                let page = try await consents.list(tenant: t, party: party, purpose: nil, current: true, cursor: nil, limit: nil, context: .test)
                #expect(Dictionary(uniqueKeysWithValues: page.items.map { ($0.purpose, $0.id) })
                        == (expected[party] ?? [:]).mapValues(\.id))
            }
            for purpose in ["newsletter", "sms"] {
                var listed: [Party.ID] = [], cursor: String?
                repeat {
                    let page = try await consents.matching(tenant: t, purpose: purpose, status: .granted, cursor: cursor, limit: 2, context: .test)
                    listed += page.items.map(\.party.id)
                    #expect(page.items.allSatisfy { $0.consent.purpose == purpose && $0.consent.status == .granted })
                    cursor = page.nextCursor
                } while cursor != nil
                let granted = people.filter { expected[$0]?[purpose]?.status == .granted }
                #expect(listed == granted.sorted())
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func matchesAreScopedLiveAndAudited(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let parties = rt.services.parties, consents = rt.services.consents
            func org(_ name: String) async throws -> Party.ID {
                try await parties.create(tenant: t, PartyInput(kind: .organization, name: name), context: .test).id
            }
            func person(_ name: String, under parent: Party.ID) async throws -> Party.ID {
                let id = try await parties.create(tenant: t, PartyInput(kind: .person, firstName: name, lastName: "X"), context: .test).id
                _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: parent, childID: id, type: "structure"),
                                                               context: .test)
                return id
            }
            let north = try await org("North"), south = try await org("South")
            let ann = try await person("Ann", under: north), bob = try await person("Bob", under: south)
            let gone = try await person("Gone", under: north)
            for id in [ann, bob, gone] {
                _ = try await consents.record(tenant: t, party: id, ConsentInput(purpose: "newsletter", status: .granted, source: "web"),
                                              context: .test)
            }
            _ = try await parties.delete(tenant: t, id: gone, reason: nil, context: .test)
            // A deleted party is not listed; a grant for it is refused, a withdrawal is recorded.
            let all = try await consents.matching(tenant: t, purpose: "newsletter", status: .granted, cursor: nil, limit: nil, context: .test)
            #expect(Set(all.items.map(\.party.id)) == [ann, bob])
            await expectRosterError({
                try await consents.record(tenant: t, party: gone, ConsentInput(purpose: "sms", status: .granted, source: "web"), context: .test)
            }) { $0.isConflict }
            _ = try await consents.record(tenant: t, party: gone, ConsentInput(purpose: "newsletter", status: .withdrawn, source: "web"),
                                          context: .test)

            // A caller who reads below North sees North's parties only; it may not record outside (404, as if absent).
            let role = try await rt.services.access.createRole(tenant: t, name: "North", policies: ["parties.read", "parties.write"],
                                                               organizationID: north, relationshipType: "structure", context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: [role.id]),
                                          requestID: "t")
            let seen = try await consents.matching(tenant: t, purpose: "newsletter", status: .granted, cursor: nil, limit: nil, context: scoped)
            #expect(seen.items.map(\.party.id) == [ann])
            // A role over every type reads its members from the access graph: as a list, or row by row for a large scope.
            let any = try await rt.services.access.createRole(tenant: t, name: "North any", policies: ["parties.read"],
                                                              organizationID: north, relationshipType: nil, context: .test)
            let scopedAny = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: [any.id]),
                                             requestID: "t")
            #expect(try await consents.matching(tenant: t, purpose: "newsletter", status: .granted, cursor: nil, limit: nil,
                                                context: scopedAny).items.map(\.party.id) == [ann])
            for (inline, batch) in [(1_000, nil), (0, 1)] as [(Int, Int?)] {
                let rows = try await rt.database.store.read { tx in
                    try await TenantAccess.open(tx, t, .test, write: false).consentMatches(
                        ConsentMatchQuery(purpose: "newsletter", status: .granted, within: [Subtree(organizationID: north, relationshipType: nil)],
                                          limit: 5), inlineMembers: inline, batch: batch)
                }
                #expect(rows.map(\.party.id) == [ann], "members inline up to \(inline)")
            }
            await expectRosterError({
                try await consents.record(tenant: t, party: bob, ConsentInput(purpose: "sms", status: .granted, source: "web"), context: scoped)
            }) { $0.isNotFound }
            await expectRosterError({
                try await consents.list(tenant: t, party: bob, purpose: nil, current: false, cursor: nil, limit: nil, context: scoped)
            }) { $0.isNotFound }
            _ = try await consents.record(tenant: t, party: ann, ConsentInput(purpose: "sms", status: .granted, source: "web"), context: scoped)

            // Bad input names its fields.
            await expectRosterError({
                try await consents.record(tenant: t, party: ann, ConsentInput(purpose: "News Letter", status: .granted, source: " ",
                                                                              at: Date().addingTimeInterval(3600)), context: .test)
            }) { Set($0.invalidFields) == ["purpose", "source", "at"] }

            // Recording and listing are audited against the party, with field names only.
            let entries = try await rt.services.audit.list(tenant: t, filter: AuditFilter(targetID: ann.description), cursor: nil, limit: 100, context: .test).items
            let actions = entries.map(\.action)
            #expect(actions.contains("consent.record") && actions.contains("consent.list"))
            #expect(entries.first { $0.action == "consent.record" }?.fields == ["purpose", "status", "source", "at"])
        }
    }
}
