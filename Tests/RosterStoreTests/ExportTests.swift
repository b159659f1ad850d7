import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// The export of a party (issue 11, item 1): everything held about it, against a party with every kind of record.
@Suite("Party export")
struct ExportTests {
    @Test(arguments: StoreKind.allCases)
    func holdsEveryKindOfRecord(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            let north = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test)
            let south = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "South"), context: .test)
            let partner = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "Partner Co", roles: ["partner"]),
                                                     context: .test)
            let ann = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Ann", lastName: "Archer",
                                                                        email: "ann@example.com", phone: "07700 900123"), context: .test)
            let kid = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Kid", lastName: "Archer"), context: .test)
            let up = try await s.relationships.create(tenant: t, RelationshipInput(parentID: north.id, childID: ann.id, type: "structure",
                                                                                   role: "member"), context: .test)
            _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: south.id, childID: ann.id, type: "supply"), context: .test)
            let down = try await s.relationships.create(tenant: t, RelationshipInput(parentID: ann.id, childID: kid.id, type: "family"),
                                                        context: .test)
            _ = try await s.parties.changeState(tenant: t, id: ann.id, to: .suspended, reason: "checking", context: .test)
            _ = try await s.parties.changeState(tenant: t, id: ann.id, to: .active, reason: nil, context: .test)
            _ = try await s.tags.attach(tenant: t, party: ann.id, text: "Gold", context: .test)
            let user = try await s.users.create(tenant: t, UserInput(email: "ann.login@example.com", partyID: ann.id), context: .test)
            let account = try await s.partnerAccounts.create(tenant: t, PartnerAccountInput(partnerID: partner.id, customerID: ann.id,
                                                                                            username: "ann-p", secret: "s3cret"), context: .test)
            let consent = try await s.consents.record(tenant: t, party: ann.id, ConsentInput(purpose: "newsletter", status: .granted,
                                                                                            source: "web"), context: .test)
            _ = try await s.parties.get(tenant: t, id: ann.id, context: .test)
            _ = try await s.partnerAccounts.revealSecret(tenant: t, id: account.id, context: .test)
            // An older record of Ann, merged into her: its data is hers too.
            let older = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Ann", lastName: "Archer-Old",
                                                                          email: "ann.old@example.com"), context: .test)
            _ = try await s.parties.merge(tenant: t, into: ann.id, from: [older.id], dryRun: false, context: .test)
            // Listing the partner's accounts reads Ann's login there: audited on her.
            let listed = try await s.partnerAccounts.list(tenant: t, partnerID: partner.id, customerID: nil, active: nil, cursor: nil,
                                                          limit: nil, context: .test)
            #expect(listed.items.map(\.id) == [account.id])

            let export = try await s.compliance.export(tenant: t, id: ann.id, context: .test)
            #expect(export.complete)
            #expect(export.party.id == ann.id && export.party.email?.value == "ann@example.com")
            #expect(export.history.map(\.to) == [.active, .suspended, .active])
            #expect(export.history.map(\.reason) == ["created", "checking", nil])
            let edges = Dictionary(uniqueKeysWithValues: export.relationships.map { ($0.relationship.type, $0) })
            #expect(edges.count == 3)
            #expect(edges["structure"]?.direction == .parent && edges["structure"]?.otherPartyName == "North")
            #expect(edges["structure"]?.relationship.id == up.id && edges["structure"]?.relationship.role == "member")
            #expect(edges["supply"]?.otherPartyID == south.id)
            #expect(edges["family"]?.direction == .child && edges["family"]?.otherPartyName == "Kid Archer")
            #expect(edges["family"]?.relationship.id == down.id)
            #expect(export.party.tags.map(\.text) == ["Gold"])
            #expect(export.users.map(\.id) == [user.id])
            #expect(export.partnerAccounts.map(\.id) == [account.id])
            #expect(export.consents.map(\.id) == [consent.id])
            let actions = export.audit.map(\.action)
            for action in ["party.create", "party.state", "party.read", "consent.record", "partner_account.read"] {
                #expect(actions.contains(action), "\(action) missing from \(actions)")
            }
            #expect(export.audit.map(\.seq) == export.audit.map(\.seq).sorted())
            // The entries about her own records are hers too: her edges, her partner account (its secret's reveal), her
            // login, her merged record (only her own id was looked for).
            let own = Set([ann.id.description, up.id.description, down.id.description, account.id.description, user.id.description,
                           older.id.description] + export.relationships.map(\.relationship.id.description))
            #expect(export.audit.allSatisfy { own.contains($0.targetID ?? "") }, "\(export.audit.map(\.targetID))")
            for action in ["relationship.create", "partner_account.reveal", "user.create", "party.merged"] {
                #expect(actions.contains(action), "\(action) missing from \(actions)")
            }
            #expect(export.mergedParties.map(\.party.id) == [older.id] && export.mergedParties.first?.party.email?.value == "ann.old@example.com")
            #expect(export.mergedParties.first?.history.last?.to == .merged)

            // The export is itself audited.
            let after = try await s.audit.list(tenant: t, filter: AuditFilter(targetID: ann.id.description), cursor: nil, limit: 5, context: .test).items
            #expect(after.first?.action == "party.export")
            // So is the naming of the parties at the other ends of its edges, in their own trails.
            for other in [north.id, south.id] {
                let named = try await s.audit.list(tenant: t, filter: AuditFilter(targetID: other.description, action: "party.list"), cursor: nil,
                                                   limit: 5, context: .test).items
                #expect(named.first?.fields == ["displayName"], "\(other)")
            }
            // The partner's export shows Ann's login at it: a read of her data, in her trail (it went unrecorded; a probe).
            let reads = { try await s.audit.list(tenant: t, filter: AuditFilter(targetID: ann.id.description, action: "partner_account.read"),
                                                 cursor: nil, limit: 50, context: .test).items.count }
            let before = try await reads()
            let partnerExport = try await s.compliance.export(tenant: t, id: partner.id, context: .test)
            #expect(partnerExport.partnerAccounts.map(\.id) == [account.id])
            #expect(try await reads() == before + 1)

            // A caller who reads below North only: the edge to South and the account with the partner are left out.
            let role = try await s.access.createRole(tenant: t, name: "North", policies: ["parties.read"], organizationID: north.id,
                                                     relationshipType: "structure", context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: [role.id]),
                                          requestID: "t")
            let partial = try await s.compliance.export(tenant: t, id: ann.id, context: scoped)
            #expect(!partial.complete)
            #expect(Set(partial.relationships.map(\.relationship.type)) == ["structure"])
            #expect(partial.partnerAccounts.isEmpty)
            // The user row and the audit entries need users.read and audit.read on the whole tenant, as elsewhere.
            #expect(partial.users.isEmpty && partial.audit.isEmpty)
            await expectRosterError({ try await s.compliance.export(tenant: t, id: south.id, context: scoped) }) { $0.isNotFound }

            // audit.read scoped below North reads the entries about a party there: in its export, and one party at a time.
            let auditor = try await s.access.createRole(tenant: t, name: "North auditor", policies: ["parties.read", "audit.read"],
                                                        organizationID: north.id, relationshipType: "structure", context: .test)
            let auditing = OperationContext(caller: Caller(principal: .apiKey("a"), tenantSlug: t, role: .user, roleIDs: [auditor.id]),
                                            requestID: "t")
            let audited = try await s.compliance.export(tenant: t, id: ann.id, context: auditing)
            #expect(!audited.audit.isEmpty && audited.audit.allSatisfy { own.contains($0.targetID ?? "") })
            // Not the entries about the edge to South, which this caller's export leaves out.
            #expect(!audited.audit.contains { $0.targetID == edges["supply"]?.relationship.id.description })
            let trail = try await s.audit.list(tenant: t, filter: AuditFilter(targetID: ann.id.description), cursor: nil, limit: nil, context: auditing)
            #expect(trail.items.contains { $0.action == "party.create" } && trail.items.allSatisfy { $0.targetID == ann.id.description })
            await expectRosterError({ try await s.audit.list(tenant: t, cursor: nil, limit: nil, context: auditing) }) { error in
                if case .forbidden = error { true } else { false }
            }
            await expectRosterError({ try await s.audit.list(tenant: t, filter: AuditFilter(targetID: south.id.description), cursor: nil, limit: nil, context: auditing) }) {
                $0.isNotFound
            }
            await expectRosterError({ try await s.audit.verify(tenant: t, context: auditing) }) { error in
                if case .forbidden = error { true } else { false }
            }
        }
    }

    /// What an export gathers beyond the records that are there now (found by a probe): the entries of an edge removed
    /// since; those of a merged record's edge, which the merge deletes and makes again on the survivor under a new id
    /// (each with its own entry now); and the linked user, for a caller whose `users.read` reaches the subtree that
    /// user's roles lie in (only a tenant-wide `users.read` got it).
    @Test(arguments: StoreKind.allCases)
    func removedAndMovedEdgesAndAScopedReaderOfUsers(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            let north = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test)
            let elsewhere = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "Elsewhere"), context: .test)
            let ann = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Ann", email: "ann.r@example.com"), context: .test)
            _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: north.id, childID: ann.id, type: "structure"), context: .test)
            let gone = try await s.relationships.create(tenant: t, RelationshipInput(parentID: elsewhere.id, childID: ann.id, type: "supply"),
                                                        context: .test)
            try await s.relationships.delete(tenant: t, id: gone.id, context: .test)
            // A partner account whose secret was revealed, then deleted: who saw her credential stays in her export.
            let partner = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "Partner R", roles: ["partner"]),
                                                     context: .test)
            let account = try await s.partnerAccounts.create(tenant: t, PartnerAccountInput(partnerID: partner.id, customerID: ann.id,
                                                                                            username: "ann-r", secret: "pw-r"), context: .test)
            _ = try await s.partnerAccounts.revealSecret(tenant: t, id: account.id, context: .test)
            try await s.partnerAccounts.delete(tenant: t, id: account.id, context: .test)
            let older = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Ann", email: "ann.r.old@example.com"),
                                                   context: .test)
            let olderEdge = try await s.relationships.create(tenant: t, RelationshipInput(parentID: north.id, childID: older.id, type: "membership"),
                                                             context: .test)
            let merge = try await s.parties.merge(tenant: t, into: ann.id, from: [older.id], dryRun: false, context: .test)

            func actions(_ export: PartyExport, _ target: Relationship.ID) -> [String] {
                export.audit.filter { $0.targetID == target.description }.map(\.action)
            }
            let export = try await s.compliance.export(tenant: t, id: ann.id, context: .test)
            #expect(export.complete)
            #expect(actions(export, gone.id) == ["relationship.create", "relationship.delete"])
            #expect(export.audit.filter { $0.targetID == account.id.description }.map(\.action)
                    == ["partner_account.create", "partner_account.reveal", "partner_account.delete"])
            #expect(actions(export, olderEdge.id) == ["relationship.create", "relationship.delete"])
            let moved = try #require(export.relationships.first { $0.relationship.type == "membership" }).relationship
            #expect(moved.id != olderEdge.id && actions(export, moved.id) == ["relationship.create"])

            // The undo deletes the edge made in the merged record's place and makes that record's edge again.
            _ = try await s.parties.undoMerge(tenant: t, id: try #require(merge.id), context: .test)
            let afterUndo = try await s.audit.list(tenant: t, filter: AuditFilter(targetID: moved.id.description), cursor: nil, limit: 5,
                                                   context: .test).items
            #expect(afterUndo.first?.action == "relationship.delete")
            let again = try await s.compliance.export(tenant: t, id: older.id, context: .test)
            let remade = try #require(again.relationships.first { $0.relationship.type == "membership" }).relationship
            #expect(actions(again, remade.id) == ["relationship.create"])
            _ = try await s.parties.merge(tenant: t, into: ann.id, from: [older.id], dryRun: false, context: .test)

            // A reader of parties, users and audit below North: Ann's login, whose role lies below North, is in; the
            // removed edge to a party outside North is not, and the export says something was left out.
            let user = try await s.users.create(tenant: t, UserInput(email: "ann.login.r@example.com", partyID: ann.id), context: .test)
            let inside = try await s.access.createRole(tenant: t, name: "North member", policies: ["parties.read"], organizationID: north.id,
                                                       relationshipType: "structure", context: .test)
            _ = try await s.access.grant(tenant: t, user: user.id, role: inside.id, context: .test)
            let reader = try await s.access.createRole(tenant: t, name: "North reader", policies: ["parties.read", "users.read", "audit.read"],
                                                       organizationID: north.id, relationshipType: "structure", context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: [reader.id]),
                                          requestID: "t")
            #expect(try await s.users.get(tenant: t, id: user.id, context: scoped).id == user.id)
            let partial = try await s.compliance.export(tenant: t, id: ann.id, context: scoped)
            #expect(partial.users.map(\.id) == [user.id])
            #expect(partial.audit.contains { $0.targetID == user.id.description && $0.action == "user.create" })
            #expect(actions(partial, gone.id).isEmpty && actions(partial, olderEdge.id) == ["relationship.create", "relationship.delete"])
            #expect(!partial.audit.contains { $0.targetID == account.id.description })
            #expect(!partial.complete)
            // The audit log answers it the login's entries the export showed (they were 404 there), and still nothing of
            // a user it may not read.
            let loginEntries = try await s.audit.list(tenant: t, filter: AuditFilter(targetID: user.id.description), cursor: nil, limit: 50,
                                                      context: scoped).items
            #expect(Set(loginEntries.map(\.action)).isSuperset(of: ["user.create"]), "\(loginEntries.map(\.action))")
            let bob = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Bob", email: "bob.r@example.com"), context: .test)
            let outsider = try await s.users.create(tenant: t, UserInput(email: "outsider.r@example.com", partyID: bob.id), context: .test)
            await expectRosterError({
                _ = try await s.audit.list(tenant: t, filter: AuditFilter(targetID: outsider.id.description), cursor: nil, limit: 5, context: scoped)
            }) { if case .notFound = $0 { true } else { false } }

            // Her erasure takes what is kept of her removed edges and deleted accounts with it (ids only, but hers).
            let keptBefore = try await ErasureTests.stored([ann.id.description], rt.database.sql,
                                                           tables: ["relationship_history", "partner_account_history"])
            #expect(keptBefore[ann.id.description] != nil, "nothing kept of her: the check proves nothing")
            try await s.compliance.erase(tenant: t, id: ann.id, context: .test)
            let kept = try await ErasureTests.stored([ann.id.description], rt.database.sql,
                                                     tables: ["relationship_history", "partner_account_history"])
            #expect(kept.isEmpty, "\(kept)")
        }
    }
}
