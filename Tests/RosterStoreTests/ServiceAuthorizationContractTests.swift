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

    /// A new party below `parent` (a structure edge), made by the platform.
    static func party(_ input: PartyInput, below parent: Party.ID, _ rt: RosterRuntime, _ t: String) async throws -> Party.ID {
        let id = try await rt.services.parties.create(tenant: t, input, context: .test).id
        _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: parent, childID: id, type: "structure"), context: .test)
        return id
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

    /// A role scoped to one relationship type writes edges of that type only: a `structure` role made a `sales` edge
    /// between two parties it reached, which brought a `sales` subtree none of its roles reached within the reach of
    /// every `sales` role above (its own too; found by a probe).
    @Test(arguments: StoreKind.allCases)
    func typedWritersWriteEdgesOfTheirTypeOnly(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let (parties, edges, access) = (rt.services.parties, rt.services.relationships, rt.services.access)
            let farm = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Farm"), context: .test).id
            _ = try await edges.create(tenant: t, RelationshipInput(parentID: w.north, childID: farm, type: "structure"), context: .test)
            let secret = try await parties.create(tenant: t, PartyInput(kind: .person, firstName: "Secret", email: "secret@example.com"),
                                                  context: .test).id
            _ = try await edges.create(tenant: t, RelationshipInput(parentID: farm, childID: secret, type: "sales"), context: .test)
            let inner = try await edges.create(tenant: t, RelationshipInput(parentID: farm, childID: w.northPerson, type: "sales"), context: .test)
            let structure = try await access.createRole(tenant: t, name: "north structure", policies: AccessRole.rosterPolicies,
                                                        organizationID: w.north, relationshipType: "structure", context: .test)
            let sales = try await access.createRole(tenant: t, name: "north sales", policies: ["parties.read"], organizationID: w.north,
                                                    relationshipType: "sales", context: .test)
            let caller = OperationContext(caller: Caller(principal: .apiKey(UUID().uuidString), tenantSlug: t, role: .user,
                                                         roleIDs: [structure.id, sales.id]), requestID: "typed")
            await expectRosterError({ try await parties.get(tenant: t, id: secret, context: caller) }) { $0.isNotFound }
            await expectRosterError({
                try await edges.create(tenant: t, RelationshipInput(parentID: w.north, childID: farm, type: "Sales"), context: caller)
            }) { error in
                if case .forbidden(let message) = error { message.contains("only for edges of type structure, not sales") } else { false }
            }
            await expectRosterError({
                try await edges.createBatch(tenant: t, [RelationshipInput(parentID: w.north, childID: farm, type: "sales")], context: caller)
            }) { if case .forbidden = $0 { true } else { false } }
            await expectRosterError({ try await edges.delete(tenant: t, id: inner.id, context: caller) }) {
                if case .forbidden = $0 { true } else { false }
            }
            await expectRosterError({ try await parties.get(tenant: t, id: secret, context: caller) }) { $0.isNotFound }
            // Edges of its own type it makes and removes.
            let own = try await edges.create(tenant: t, RelationshipInput(parentID: farm, childID: w.northPerson, type: "structure"),
                                             context: caller)
            try await edges.delete(tenant: t, id: own.id, context: caller)
        }
    }

    /// A scoped caller's refusals name no user or role it may not know exists: a 409 over a unique key leaves the other
    /// user out (a scoped caller changing its own email read other users' ids), a role outside its reach is 404 to grant
    /// or delete (a 403 named it and one of its policies), and a taken role name is not echoed (found by a probe).
    @Test(arguments: StoreKind.allCases)
    func refusalsNameOnlyUsersAndRolesTheCallerMayKnow(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let (users, access) = (rt.services.users, rt.services.access)
            let southRole = try #require(try await access.roles(tenant: t, context: .test).first { $0.name == "south" })
            let northRole = try #require(try await access.roles(tenant: t, context: .test).first { $0.name == "north" })
            let southUser = try await users.create(tenant: t, UserInput(email: "south.user@example.com"), context: .test)
            _ = try await access.grant(tenant: t, user: southUser.id, role: southRole.id, context: .test)
            let northUser = try await users.create(tenant: t, UserInput(email: "north.user@example.com"), context: .test)
            _ = try await access.grant(tenant: t, user: northUser.id, role: northRole.id, context: .test)

            // The north user, signed in, changing its own email to the south user's.
            let itself = OperationContext(caller: Caller(principal: .user(northUser.id.description), tenantSlug: t, role: .user),
                                          requestID: "self")
            var taken = UserInput()
            taken.email = "SOUTH.user@example.com"
            await expectRosterError({ try await users.update(tenant: t, id: northUser.id, taken, context: itself) }) {
                $0.isConflict && $0.existingID == nil
            }
            await expectRosterError({ try await users.update(tenant: t, id: northUser.id, taken, context: .test) }) {
                $0.existingID == southUser.id.description
            }
            await expectRosterError({
                try await access.createRole(tenant: t, name: "SOUTH", policies: ["parties.read"], organizationID: w.north, relationshipType: nil,
                                            context: w.inside)
            }) { error in
                guard case .conflict(let message, let existing) = error else { return false }
                return existing == nil && !message.contains("SOUTH") && !message.contains("south")
            }
            await expectRosterError({ try await access.deleteRole(tenant: t, id: southRole.id, context: w.inside) }) { $0.isNotFound }
            await expectRosterError({ try await access.grant(tenant: t, user: northUser.id, role: southRole.id, context: w.inside) }) {
                $0.isNotFound
            }
            // Its own subtree's role it knows: named, and a 409 with its id.
            await expectRosterError({
                try await access.createRole(tenant: t, name: "NORTH", policies: ["parties.read"], organizationID: w.north, relationshipType: nil,
                                            context: w.inside)
            }) { $0.existingID == northRole.id.description }
        }
    }

    /// A delete reaches as far as the erasure the tenant's retention later makes of it: a scoped writer needs
    /// parties.write on the other ends of the party's edges and partner accounts, and must hold everything its login
    /// holds (a scoped writer's delete had the retention worker erase a tenant ADMIN's login and an edge outside its
    /// scope; found by a probe). Refusals name nothing outside the caller's reach.
    @Test(arguments: StoreKind.allCases)
    func aScopedDeleteReachesNoFurtherThanItsErasure(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let s = rt.services
            func refused(_ words: String) async throws {
                await expectRosterError({ try await s.parties.delete(tenant: t, id: w.northPerson, context: w.inside) }) { error in
                    guard case .forbidden(let message) = error else { return false }
                    return message.contains(words) && !message.contains(w.south.description)
                }
                #expect(try await s.parties.get(tenant: t, id: w.northPerson, context: .test).state == .active)
            }
            let southEdge = try await s.relationships.create(tenant: t, RelationshipInput(parentID: w.south, childID: w.northPerson, type: "sales"),
                                                             context: .test)
            try await refused("relationships with parties outside this caller's scope")
            try await s.relationships.delete(tenant: t, id: southEdge.id, context: .test)
            let southPartner = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "South Partner", roles: ["partner"]),
                                                          context: .test).id
            let account = try await s.partnerAccounts.create(tenant: t, PartnerAccountInput(partnerID: southPartner, customerID: w.northPerson,
                                                                                            username: "n", secret: "s"), context: .test)
            try await refused("partner accounts with parties outside this caller's scope")
            try await s.partnerAccounts.delete(tenant: t, id: account.id, context: .test)
            let login = try await s.users.create(tenant: t, UserInput(email: "login@example.com", role: .admin, partyID: w.northPerson),
                                                 context: .test)
            try await refused("linked to a login that holds more than this caller")
            var plain = UserInput()
            plain.role = .user
            _ = try await s.users.update(tenant: t, id: login.id, plain, context: .test)
            let deleted = try await s.parties.delete(tenant: t, id: w.northPerson, context: w.inside)
            #expect(deleted.state == .deleted)
        }
    }

    /// A deleted party's login is erased with it by the tenant's retention, so it gains nothing meanwhile: no role, no
    /// new coarse role, no reactivation (a login made ADMIN after its person's delete was erased by the retention
    /// worker; found by a probe). Unlinked, or with its party restored, it may be given them again.
    @Test(arguments: StoreKind.allCases)
    func aDeletedPartysLoginGainsNothingBeforeItsErasure(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let s = rt.services
            let login = try await s.users.create(tenant: t, UserInput(email: "login@example.com", role: .user, partyID: w.northPerson),
                                                 context: .test)
            let role = try await s.access.createRole(tenant: t, name: "readers", policies: ["parties.read"], organizationID: nil,
                                                     relationshipType: nil, context: .test)
            var inactive = UserInput()
            inactive.isActive = false
            _ = try await s.users.update(tenant: t, id: login.id, inactive, context: .test)
            _ = try await s.parties.delete(tenant: t, id: w.northPerson, context: .test)
            func refusedAsDeleted(_ body: () async throws -> Void) async {
                await expectRosterError(body) { error in
                    guard case .conflict(let message, _) = error else { return false }
                    return message.contains("is deleted") && message.contains("Restore the party, or unlink the login")
                }
            }
            await refusedAsDeleted { _ = try await s.access.grant(tenant: t, user: login.id, role: role.id, context: .test) }
            var admin = UserInput()
            admin.role = .admin
            await refusedAsDeleted { _ = try await s.users.update(tenant: t, id: login.id, admin, context: .test) }
            var active = UserInput()
            active.isActive = true
            await refusedAsDeleted { _ = try await s.users.update(tenant: t, id: login.id, active, context: .test) }
            let unchanged = try await s.users.get(tenant: t, id: login.id, context: .test)
            #expect(unchanged.role == .user && !unchanged.isActive)
            #expect(try await s.access.roles(tenant: t, user: login.id, context: .test).isEmpty)

            // Restored, the party's login may be given a role again; unlinked, a login is no longer the party's.
            _ = try await s.parties.restore(tenant: t, id: w.northPerson, context: .test)
            #expect(try await s.access.grant(tenant: t, user: login.id, role: role.id, context: .test).count == 1)
            _ = try await s.parties.delete(tenant: t, id: w.northPerson, context: .test)
            await refusedAsDeleted { _ = try await s.users.update(tenant: t, id: login.id, admin, context: .test) }
            let unlinked = try await s.users.update(tenant: t, id: login.id, UserInput(), clearing: ["partyId"], context: .test)
            #expect(unlinked.partyID == nil)
            #expect(try await s.users.update(tenant: t, id: login.id, admin, context: .test).role == .admin)
        }
    }

    /// The login of a party merged into a deleted one goes with it too: it gains nothing meanwhile, and an erasure of the
    /// survivor erases it (it was made ADMIN after the delete, and kept the erased person's email; found by a probe).
    /// With eraseUsers=false it stays, unlinked.
    @Test(arguments: StoreKind.allCases)
    func aMergedPartysLoginGoesWithTheSurvivor(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            var logins: [User.ID] = []
            for keep in [false, true] {
                let survivor = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Sam", email: "sam\(keep)@example.com"),
                                                          context: .test).id
                let merged = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Max", email: "max\(keep)@example.com"),
                                                        context: .test).id
                _ = try await s.users.create(tenant: t, UserInput(email: "sam.login\(keep)@example.com", partyID: survivor), context: .test)
                let login = try await s.users.create(tenant: t, UserInput(email: "max.login\(keep)@example.com", partyID: merged), context: .test)
                logins.append(login.id)
                let merge = try await s.parties.merge(tenant: t, into: survivor, from: [merged], dryRun: false, context: .test)
                #expect(merge.conflicts.contains { $0.kind == .user })
                #expect(try await s.users.get(tenant: t, id: login.id, context: .test).partyID == merged)
                _ = try await s.parties.delete(tenant: t, id: survivor, context: .test)
                var admin = UserInput()
                admin.role = .admin
                await expectRosterError({ _ = try await s.users.update(tenant: t, id: login.id, admin, context: .test) }) { error in
                    if case .conflict(let message, _) = error { message.contains("the party it was merged into is") } else { false }
                }
                try await s.compliance.erase(tenant: t, id: survivor, eraseUsers: !keep, context: .test)
                if keep {
                    #expect(try await s.users.get(tenant: t, id: login.id, context: .test).partyID == nil)
                } else {
                    await expectRosterError({ _ = try await s.users.get(tenant: t, id: login.id, context: .test) }) { $0.isNotFound }
                }
            }
        }
    }

    /// A user the caller may read, linked to a party it may not: the party's id is left out of the list as of the read
    /// (the list named it; found by a probe).
    @Test(arguments: StoreKind.allCases)
    func aUsersPartyOutsideTheScopeIsNotNamed(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let s = rt.services
            let southPerson = try await Self.party(PartyInput(kind: .person, firstName: "S", email: "s@example.com"), below: w.south, rt, t)
            let northRole = try #require(try await s.access.roles(tenant: t, context: .test).first { $0.name == "north" })
            let user = try await s.users.create(tenant: t, UserInput(email: "linked@example.com", partyID: southPerson), context: .test)
            _ = try await s.access.grant(tenant: t, user: user.id, role: northRole.id, context: .test)
            let read = try await s.users.get(tenant: t, id: user.id, context: w.inside)
            #expect(read.partyID == nil)
            let listed = try await s.users.list(tenant: t, role: nil, isActive: nil, q: nil, segment: nil, cursor: nil, limit: 50, context: w.inside)
            let entry = try #require(listed.items.first { $0.id == user.id })
            #expect(entry.partyID == nil)
            // Its own party a caller that reads everything is shown.
            #expect(try await s.users.list(tenant: t, role: nil, isActive: nil, q: nil, segment: nil, cursor: nil, limit: 50, context: .test)
                .items.first { $0.id == user.id }?.partyID == southPerson)
        }
    }

    /// A party merged into one outside the caller's reach, and the merge undone: the party is back in the caller's
    /// subtree, and its history does not name the survivor (its id confirmed a party the caller gets 404 for; found by a
    /// probe). A caller that reads both sees the id.
    @Test(arguments: StoreKind.allCases)
    func aMergeIntoAPartyOutsideTheScopeNamesNoSurvivor(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let s = rt.services
            let survivor = try await Self.party(PartyInput(kind: .person, firstName: "South", lastName: "Survivor"), below: w.south, rt, t)
            let merge = try await s.parties.merge(tenant: t, into: survivor, from: [w.northPerson], dryRun: false, context: .test)
            _ = try await s.parties.undoMerge(tenant: t, id: try #require(merge.id), context: .test)
            let read = try await s.parties.get(tenant: t, id: w.northPerson, context: w.inside)
            #expect(read.state == .active && read.mergedInto == nil)
            let history = try await s.parties.history(tenant: t, id: w.northPerson, context: w.inside)
            #expect(history.contains { $0.reason == "merged into a party this caller may not read" }, "\(history.map(\.reason))")
            #expect(!history.contains { $0.reason?.contains(survivor.description) == true })
            // The party's GDPR export alike (it named the survivor; found by a re-test).
            let exported = try await s.compliance.export(tenant: t, id: w.northPerson, context: w.inside)
            #expect(exported.history.contains { $0.reason == "merged into a party this caller may not read" }
                    && !exported.history.contains { $0.reason?.contains(survivor.description) == true }, "\(exported.history.map(\.reason))")
            #expect(try await s.parties.history(tenant: t, id: w.northPerson, context: .test).contains { $0.reason == "merged into \(survivor)" })
        }
    }

    /// What a merge leaves on the merged parties (a login it can't move, an account with a party outside the caller's
    /// reach) is erased with the survivor: a scoped caller's erasure or delete of the survivor is refused as the merged
    /// party's own would be (a merge then an erasure unlinked a tenant ADMIN's login, erased its person record and an
    /// account of another region; found by a probe). The merge names neither the login nor the account to it.
    @Test(arguments: StoreKind.allCases)
    func aMergeOpensNoWayAroundDeleteAndErasure(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let s = rt.services
            func person(_ name: String) async throws -> Party.ID {
                try await Self.party(PartyInput(kind: .person, firstName: name), below: w.north, rt, t)
            }
            let survivor = try await person("Sam"), adminsOwn = try await person("Ann"), customer = try await person("Pat")
            let admin = try await s.users.create(tenant: t, UserInput(email: "ann.admin@example.com", role: .admin, partyID: adminsOwn),
                                                 context: .test)
            let partner = try await Self.party(PartyInput(kind: .organization, name: "South Partner", roles: ["partner"]), below: w.south, rt, t)
            let account = try await s.partnerAccounts.create(tenant: t, PartnerAccountInput(partnerID: partner, customerID: customer,
                                                                                            username: "pat", secret: "s"), context: .test)
            let merge = try await s.parties.merge(tenant: t, into: survivor, from: [adminsOwn, customer], dryRun: false, context: w.inside)
            #expect(merge.conflicts.contains { $0.kind == .user && $0.userID == nil } && !merge.conflicts.contains { $0.userID == admin.id })
            #expect(merge.conflicts.contains { $0.kind == .partnerAccount && $0.partnerAccountID == nil })
            await expectRosterError({ try await s.compliance.erase(tenant: t, id: survivor, eraseUsers: false, context: w.inside) }) { error in
                if case .forbidden(let message) = error { !message.contains(admin.id.description) } else { false }
            }
            await expectRosterError({ try await s.parties.delete(tenant: t, id: survivor, context: w.inside) }) { error in
                if case .forbidden = error { true } else { false }
            }
            #expect(try await s.users.get(tenant: t, id: admin.id, context: .test).partyID == adminsOwn)
            #expect(try await s.partnerAccounts.get(tenant: t, id: account.id, context: .test).customerID == customer)
            // Undone, the survivor is the caller's to delete.
            _ = try await s.parties.undoMerge(tenant: t, id: merge.id!, context: .test)
            #expect(try await s.parties.delete(tenant: t, id: survivor, context: w.inside).state == .deleted)
        }
    }

    /// A delete and a concurrent write that adds an edge or links a login to the party: the write never commits after
    /// the delete (on PostgreSQL both succeeded, the link after the delete, and the retention that followed erased a tenant
    /// ADMIN's login; found by a probe, then again for the platform's deletes by a re-test). Whichever commits second sees
    /// the other: a scoped deleter that comes second is refused (it may not delete a party linked so); the platform may,
    /// so both may succeed then, in that order only.
    @Test(arguments: StoreKind.allCases)
    func aDeleteAndAConcurrentLinkNeverBothSucceed(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let s = rt.services
            var scopedBoth = 0, linkedAfterDelete = 0
            for round in 0..<16 {
                let id = try await Self.party(PartyInput(kind: .person, firstName: "R\(round)"), below: w.north, rt, t)
                let platform = round % 4 >= 2
                let deleter = platform ? OperationContext.test : w.inside
                async let deleted: Bool = { (try? await s.parties.delete(tenant: t, id: id, context: deleter)) != nil }()
                async let linked: String? = {
                    if round % 2 == 0 {
                        return (try? await s.relationships.create(tenant: t, RelationshipInput(parentID: w.south, childID: id, type: "supply"),
                                                                  context: .test))?.id.description
                    }
                    return (try? await s.users.create(tenant: t, UserInput(email: "r\(round)@example.com", role: .admin, partyID: id),
                                                      context: .test))?.id.description
                }()
                let (d, l) = await (deleted, linked)
                guard d, let l else { continue }
                if !platform { scopedBoth += 1; continue }
                // Both: the link's entry comes before the delete's in the tenant's chain (entries are chained as they commit).
                let entries = try await s.audit.list(tenant: t, cursor: nil, limit: 500, context: .test).items
                let linkSeq = entries.first { $0.targetID == l && ($0.action == "relationship.create" || $0.action == "user.create") }?.seq
                let deleteSeq = entries.first { $0.targetID == id.description && $0.action == "party.delete" }?.seq
                if let linkSeq, let deleteSeq, linkSeq > deleteSeq { linkedAfterDelete += 1 }
                #expect(linkSeq != nil && deleteSeq != nil, "round \(round): the entries")
            }
            #expect(scopedBoth == 0, "\(scopedBoth) rounds had a scoped delete and the link both succeed")
            #expect(linkedAfterDelete == 0, "\(linkedAfterDelete) rounds had the link commit after the platform's delete")
        }
    }

    /// A user whose coarse role is ADMIN or MANAGEMENT reaches the whole tenant: it lies in no subtree, whatever its
    /// grants, so a caller that reads users only in a subtree does not read it (one grant inside the subtree showed a
    /// tenant ADMIN to a scoped reader; found by a probe).
    @Test(arguments: StoreKind.allCases)
    func tenantWideUsersLieInNoSubtree(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let w = try await Self.world(rt)
            let t = w.tenant.slug
            let (users, access) = (rt.services.users, rt.services.access)
            let narrow = try await access.createRole(tenant: t, name: "north narrow", policies: ["parties.read"], organizationID: w.north,
                                                     relationshipType: nil, context: .test)
            var seen: [User.Role: Bool] = [:]
            for role in User.Role.allCases {
                let user = try await users.create(tenant: t, UserInput(email: "\(role.rawValue.lowercased())@example.com", role: role), context: .test)
                _ = try await access.grant(tenant: t, user: user.id, role: narrow.id, context: .test)
                seen[role] = (try? await users.get(tenant: t, id: user.id, context: w.inside)) != nil
                let listed = try await users.list(tenant: t, role: role, isActive: nil, q: nil, segment: nil, cursor: nil, limit: 50,
                                                  context: w.inside).items.map(\.id)
                #expect(listed.contains(user.id) == (role == .user), "\(role) listed")
            }
            #expect(seen == [.user: true, .management: false, .admin: false])
        }
    }

    /// A tenant read by a caller that may not read its admin user leaves the admin's id out (a scoped caller read the id
    /// of a user it is told does not exist; found by a probe).
    @Test(arguments: StoreKind.allCases)
    func aTenantReadNamesItsAdminOnlyToThoseWhoMayReadIt(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let slug = "adm-" + UUID().uuidString.lowercased().prefix(8)
            let request = ProvisioningRequest(slug: String(slug), name: "Admin read",
                                              admin: Provisioning.Admin(firstName: "Ada", lastName: "Admin", email: "ada@\(slug).example"))
            let (provisioned, _) = try await rt.services.provisioning.provision(request, context: .test)
            let admin = try #require(provisioned.provisioning?.adminUserID)
            let t = provisioned.tenant.slug
            let north = try await rt.services.parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test).id
            let role = try await rt.services.access.createRole(tenant: t, name: "north", policies: AccessRole.rosterPolicies, organizationID: north,
                                                               relationshipType: nil, context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey(UUID().uuidString), tenantSlug: t, role: .user, roleIDs: [role.id]),
                                          requestID: "scoped")
            #expect(try await rt.services.provisioning.tenant(slug: t, context: scoped).provisioning?.adminUserID == nil)
            #expect(try await rt.services.provisioning.tenant(slug: t, context: .test).provisioning?.adminUserID == admin)
            await expectRosterError({ try await rt.services.users.get(tenant: t, id: admin, context: scoped) }) { $0.isNotFound }
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
