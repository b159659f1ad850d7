import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import RosterStore
import Testing

@Suite("Access contract")
struct AccessContractTests {
    /// Scopes as the stores apply them to what a caller sees: typed subtrees through the closure table,
    /// untyped ones through every type, in the search filter and in the visibility check alike.
    @Test(arguments: StoreKind.allCases)
    func visibilityFollowsSubtrees(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let parties = rt.services.parties
            func org(_ name: String) async throws -> Party.ID {
                try await parties.create(tenant: t, PartyInput(kind: .organization, name: name), context: .test).id
            }
            func link(_ parent: Party.ID, _ child: Party.ID, _ type: String) async throws {
                _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: parent, childID: child, type: type), context: .test)
            }
            let north = try await org("North"), farm = try await org("Farm"), field = try await org("Field")
            let supplier = try await org("Supplier"), south = try await org("South"), elsewhere = try await org("Elsewhere")
            try await link(north, farm, "structure")
            try await link(farm, field, "structure")
            try await link(north, supplier, "supply")
            try await link(south, elsewhere, "structure")
            let all = [north, farm, field, supplier, south, elsewhere]

            let structure = [Subtree(organizationID: north, relationshipType: "structure")]
            let anyType = [Subtree(organizationID: north)]
            let both = [Subtree(organizationID: farm, relationshipType: "structure"), Subtree(organizationID: south)]
            func visible(_ subtrees: [Subtree]) async throws -> Set<Party.ID> {
                try await rt.database.store.read { tx in
                    let tenant = try #require(try await tx.tenant(slug: t))
                    return try await tx.visibleParties(tenant: tenant.id, among: all, within: subtrees, at: Date())
                }
            }
            #expect(try await visible(structure) == [north, farm, field])
            #expect(try await visible(anyType) == [north, farm, field, supplier])
            #expect(try await visible(both) == [farm, field, south, elsewhere])
            #expect(try await visible([]) == [])

            // A caller that reads those two subtrees, through the roles of an API key: the services filter for it.
            var roleIDs: [AccessRole.ID] = []
            for (index, subtree) in both.enumerated() {
                roleIDs.append(try await rt.services.access.createRole(
                    tenant: t, name: "reader \(index)", policies: ["parties.read"], organizationID: subtree.organizationID,
                    relationshipType: subtree.relationshipType, context: .test).id)
            }
            let context = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: roleIDs), requestID: "t")
            let found = try await parties.search(tenant: t, PartySearch(limit: 100), context: context)
            #expect(Set(found.items.map(\.id)) == [farm, field, south, elsewhere])
            let everything = try await parties.search(tenant: t, PartySearch(limit: 100), context: .test)
            #expect(Set(everything.items.map(\.id)).isSuperset(of: all))
            let below = try await rt.services.relationships.hierarchy(tenant: t, of: farm, .descendants, type: nil, cursor: nil, limit: 50,
                                                                      context: context)
            #expect(Set(below.items.map(\.party.id)) == [field])
            // North itself lies outside both subtrees: for this caller it does not exist.
            await expectRosterError({
                try await rt.services.relationships.hierarchy(tenant: t, of: north, .descendants, type: nil, cursor: nil, limit: 50, context: context)
            }) { $0.isNotFound }
        }
    }

    /// A deleted role grants nothing from that moment (in this process at once, through the access index), is listed no
    /// more, frees its name and its organization (which may then be erased), and is still seen by "as of" answers before.
    @Test(arguments: StoreKind.allCases)
    func aDeletedRoleGrantsNothingFromThen(_ kind: StoreKind) async throws {
        try await TestDatabase.withTwo(kind) { rt, process2 in
            let t = try await rt.makeTenant().slug
            let (parties, access) = (rt.services.parties, rt.services.access)
            let north = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test).id
            let farm = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Farm"), context: .test).id
            _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: north, childID: farm, type: "structure"),
                                                           context: .test)
            let user = try await rt.services.users.create(tenant: t, UserInput(email: "reader@example.com"), context: .test)
            let role = try await access.createRole(tenant: t, name: "North readers", policies: ["parties.read"], organizationID: north,
                                                   relationshipType: "structure", context: .test)
            let other = try await access.createRole(tenant: t, name: "Everyone", policies: ["audit.read"], organizationID: nil,
                                                    relationshipType: nil, context: .test)
            _ = try await access.grant(tenant: t, user: user.id, role: role.id, context: .test)
            _ = try await access.grant(tenant: t, user: user.id, role: other.id, context: .test)
            #expect(try await access.check(tenant: t, user: user.id, policy: "parties.read", party: farm, context: .test).allowed)
            // Another process has the tenant's access graph in memory already.
            #expect(try await process2.services.access.check(tenant: t, user: user.id, policy: "parties.read", party: farm, context: .test).allowed)
            // Its organization can't be erased while the role is scoped to it.
            await expectRosterError({ try await rt.services.compliance.erase(tenant: t, id: north, context: .test) }) { $0.isConflict }
            let before = Date.rosterNow
            try await Task.sleep(for: .milliseconds(2))

            try await access.deleteRole(tenant: t, id: role.id, context: .test)
            let after = try await access.check(tenant: t, user: user.id, policy: "parties.read", party: farm, context: .test)
            #expect(!after.allowed && after.reason == "no role of the user grants parties.read", "\(after.reason)")
            #expect(try await access.roles(tenant: t, context: .test).map(\.id) == [other.id])
            #expect(try await access.roles(tenant: t, user: user.id, context: .test).map(\.role.id) == [other.id])
            await expectRosterError({ try await access.deleteRole(tenant: t, id: role.id, context: .test) }) { $0.isNotFound }
            await expectRosterError({ try await access.grant(tenant: t, user: user.id, role: role.id, context: .test) }) { $0.isNotFound }
            // As of before the deletion, the role and the grant stood.
            let then = try await access.check(tenant: t, user: user.id, policy: "parties.read", party: farm, at: before, context: .test)
            #expect(then.allowed && then.roleID == role.id, "\(then.reason)")
            // The other process agrees at once (it replays the recorded change).
            #expect(try await !process2.services.access.check(tenant: t, user: user.id, policy: "parties.read", party: farm, context: .test).allowed)
            // The name is free, and the organization may be erased now (the deleted role goes with it).
            let again = try await access.createRole(tenant: t, name: "North readers", policies: ["parties.read"], organizationID: nil,
                                                    relationshipType: nil, context: .test)
            #expect(again.id != role.id)
            try await rt.services.compliance.erase(tenant: t, id: north, context: .test)
            #expect(try await access.roles(tenant: t, context: .test).map(\.name).sorted() == ["Everyone", "North readers"])
            let audited = try await rt.services.audit.list(tenant: t, filter: AuditFilter(targetID: role.id.description), cursor: nil, limit: nil, context: .test)
            #expect(audited.items.map(\.action).first == "role.delete")
        }
    }

    /// A list a scoped caller pages through (limit 1 to 3) holds exactly what it may see, each item once, and every
    /// cursor is the id of an item it was shown: the key of a hidden row would name a record it must not know of.
    @Test(arguments: StoreKind.allCases)
    func pagesOfAScopedCallerNameNothingHidden(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let t = tenant.slug
            let parties = rt.services.parties
            var rng = SeededRandom(seed: kind == .sqlite ? 11 : 12)
            func org(_ name: String) async throws -> Party.ID {
                try await parties.create(tenant: t, PartyInput(kind: .organization, name: name), context: .test).id
            }
            // Two trees under one top: the caller reads "Mine" and below; "Theirs" and the top are hidden.
            let top = try await org("Top")
            let mine = try await org("Mine")
            let theirs = try await org("Theirs")
            var inside = [mine]
            var outside = [theirs]
            for (parent, child) in [(top, mine), (top, theirs)] {
                _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: parent, childID: child, type: "org"),
                                                               context: .test)
            }
            for index in 0..<24 {
                let mineSide = Bool.random(using: &rng)
                let parent = mineSide ? inside.randomElement(using: &rng)! : outside.randomElement(using: &rng)!
                let child = try await org("Org \(index)")
                _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: parent, childID: child, type: "org"),
                                                               context: .test)
                if mineSide { inside.append(child) } else { outside.append(child) }
            }
            let role = try await rt.services.access.createRole(tenant: t, name: "Mine readers", policies: ["parties.read", "users.read"],
                                                               organizationID: mine, relationshipType: nil, context: .test)
            // Users: those with a role inside "Mine" are the caller's to read; the others are hidden.
            let outsideRole = try await rt.services.access.createRole(tenant: t, name: "Theirs readers", policies: ["parties.read"],
                                                                      organizationID: theirs, relationshipType: nil, context: .test)
            var readableUsers = Set<User.ID>()
            for index in 0..<12 {
                let user = try await rt.services.users.create(tenant: t, UserInput(email: "u\(index)@example.com"), context: .test)
                let mineSide = Bool.random(using: &rng)
                _ = try await rt.services.access.grant(tenant: t, user: user.id, role: mineSide ? role.id : outsideRole.id, context: .test)
                if mineSide { readableUsers.insert(user.id) }
            }
            let caller = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: [role.id]), requestID: "t")
            let hidden = Set((outside + [top]).map(\.description))

            func pages<Item>(_ limit: Int, scoped: Bool = true, _ read: (String?) async throws -> Page<Item>,
                             id: (Item) -> String) async throws -> [String] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let page = try await read(cursor)
                    seen += page.items.map(id)
                    if let next = page.nextCursor {
                        #expect(!(scoped && hidden.contains(next)) && page.items.last.map(id) == next, "cursor \(next)")
                        #expect(page.items.count == limit, "a page is full unless the list ends")
                    }
                    cursor = page.nextCursor
                } while cursor != nil
                return seen
            }
            for limit in 1...3 {
                let below = try await pages(limit, scoped: false, { try await rt.services.relationships.hierarchy(
                    tenant: t, of: top, .descendants, type: nil, cursor: $0, limit: limit, context: .test) }) { $0.party.id.description }
                #expect(Set(below).isSuperset(of: hidden.subtracting([top.description])))  // the platform caller sees them all
                let mineBelow = try await pages(limit, { try await rt.services.relationships.hierarchy(
                    tenant: t, of: mine, .descendants, type: nil, cursor: $0, limit: limit, context: caller) }) { $0.party.id.description }
                #expect(mineBelow.sorted() == inside.dropFirst().map(\.description).sorted())
                let edges = try await pages(limit, { try await rt.services.relationships.list(
                    tenant: t, partyID: nil, type: nil, role: nil, cursor: $0, limit: limit, context: caller) }) { $0.id.description }
                #expect(edges.count == inside.count - 1 && Set(edges).count == edges.count)
                let readers = try await pages(limit, { try await rt.services.users.list(
                    tenant: t, role: nil, isActive: nil, q: nil, segment: nil, cursor: $0, limit: limit, context: caller) }) { $0.id.description }
                #expect(Set(readers) == Set(readableUsers.map(\.description)) && readers.count == readableUsers.count)
            }
            // A cycle it would close through parties it may not read is named without them (a probe saw their ids).
            // It reads over "org" edges only, and writes edges of any type below "Mine" (a role typed "org" writes "org" edges only).
            let reader = try await rt.services.access.createRole(tenant: t, name: "Mine org readers", policies: ["parties.read"],
                                                                 organizationID: mine, relationshipType: "org", context: .test)
            let writer = try await rt.services.access.createRole(tenant: t, name: "Mine writers", policies: ["relationships.write"],
                                                                 organizationID: mine, relationshipType: nil, context: .test)
            let writing = OperationContext(caller: Caller(principal: .apiKey("w"), tenantSlug: t, role: .user, roleIDs: [reader.id, writer.id]),
                                           requestID: "w")
            let (a, b) = (inside[inside.count - 1], inside[inside.count - 2])
            // a → hidden → b, in a type of their own (which the writer's reach, over "org" edges, does not follow): b → a
            // would close it.
            _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: a, childID: theirs, type: "loop"), context: .test)
            _ = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: theirs, childID: b, type: "loop"), context: .test)
            await expectRosterError({
                try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: b, childID: a, type: "loop"), context: writing)
            }) { error in
                guard case .conflict(let message, _) = error else { return false }
                return message.contains("…") && !message.contains(theirs.description) && message.contains(a.description)
            }
            let ancestors = try await rt.services.relationships.hierarchy(tenant: t, of: inside.last!, .ancestors, type: nil, cursor: nil,
                                                                          limit: 1, context: caller)
            #expect(ancestors.nextCursor.map { !hidden.contains($0) } ?? true)
            #expect(!ancestors.items.contains { hidden.contains($0.party.id.description) })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func scopedRolesCoverTheirSubtreeAndNothingElse(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let t = tenant.slug
            let parties = rt.services.parties
            func org(_ name: String) async throws -> Party.ID {
                try await parties.create(tenant: t, PartyInput(kind: .organization, name: name), context: .test).id
            }
            func link(_ parent: Party.ID, _ child: Party.ID, _ type: String = "structure") async throws -> Relationship {
                try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: parent, childID: child, type: type), context: .test)
            }
            let group = try await org("Group")
            let north = try await org("North")
            let south = try await org("South")
            let farm = try await org("Hill Farm")
            let planter = try await parties.create(tenant: t, PartyInput(kind: .person, firstName: "Gwen", roles: ["planter"]), context: .test).id
            _ = try await link(group, north)
            _ = try await link(group, south)
            let northFarm = try await link(north, farm)
            _ = try await link(farm, planter)
            let supplier = try await org("Supplier")
            _ = try await link(north, supplier, "supply")

            let access = rt.services.access
            let users = rt.services.users
            let northAdmin = try await access.createRole(tenant: t, name: "North admin", policies: ["parties.write", "approve_tree"],
                                                         organizationID: north, relationshipType: "structure", context: .test)
            let anyType = try await access.createRole(tenant: t, name: "North any", policies: ["list_planter"], organizationID: north,
                                                      relationshipType: nil, context: .test)
            await expectRosterError({
                try await access.createRole(tenant: t, name: "north ADMIN", policies: ["x"], organizationID: nil, relationshipType: nil, context: .test)
            }) { $0.existingID == northAdmin.id.description }
            await expectRosterError({
                try await access.createRole(tenant: t, name: "Bad", policies: ["no spaces"], organizationID: planter, relationshipType: "x", context: .test)
            }) { $0.invalidFields == ["policies[0]"] }
            await expectRosterError({
                try await access.createRole(tenant: t, name: "Bad", policies: ["p"], organizationID: planter, relationshipType: nil, context: .test)
            }) { $0.invalidFields == ["organizationId"] }

            let u = try await users.create(tenant: t, UserInput(email: "u@example.com"), context: .test)
            func check(_ policy: String, _ party: Party.ID) async throws -> AccessDecision {
                try await access.check(tenant: t, user: u.id, policy: policy, party: party, context: .test)
            }
            #expect(try await check("approve_tree", planter).allowed == false)
            _ = try await access.grant(tenant: t, user: u.id, role: northAdmin.id, context: .test)
            _ = try await access.grant(tenant: t, user: u.id, role: anyType.id, context: .test)

            let granted = try await check("approve_tree", planter)
            #expect(granted.allowed && granted.roleID == northAdmin.id)
            #expect(granted.path == [north, farm, planter])
            // A caller that reads only below the farm (and every user) is shown the part of the path it may read.
            let farmReaders = try await access.createRole(tenant: t, name: "Farm readers", policies: ["parties.read"], organizationID: farm,
                                                          relationshipType: nil, context: .test)
            let userReaders = try await access.createRole(tenant: t, name: "User readers", policies: ["users.read"], organizationID: nil,
                                                          relationshipType: nil, context: .test)
            let farmCaller = OperationContext(caller: Caller(principal: .apiKey("f"), tenantSlug: t, role: .user,
                                                             roleIDs: [farmReaders.id, userReaders.id]), requestID: "f")
            let partial = try await access.check(tenant: t, user: u.id, policy: "approve_tree", party: planter, context: farmCaller)
            #expect(partial.allowed && partial.roleID == northAdmin.id && partial.path == [farm, planter])
            #expect(partial.reason.hasSuffix("through parties this caller may not read"), "\(partial.reason)")
            // One that reads the organization and the planter but not the farm between them: the path is the planter
            // alone (dropping the farm joined the organization and the planter, which no edge joins; found by a probe).
            // (It reads over "elsewhere" edges from the organization, and one of those reaches the planter.)
            let elsewhere = try await rt.services.relationships.create(tenant: t, RelationshipInput(parentID: north, childID: planter,
                                                                                                     type: "elsewhere"), context: .test)
            let ends = try await access.createRole(tenant: t, name: "Ends readers", policies: ["parties.read"], organizationID: north,
                                                   relationshipType: "elsewhere", context: .test)
            let endsCaller = OperationContext(caller: Caller(principal: .apiKey("e"), tenantSlug: t, role: .user,
                                                             roleIDs: [ends.id, userReaders.id]), requestID: "e")
            let middle = try await access.check(tenant: t, user: u.id, policy: "approve_tree", party: planter, context: endsCaller)
            #expect(middle.allowed && middle.path == [planter], "\(middle.path)")
            try await rt.services.relationships.delete(tenant: t, id: elsewhere.id, context: .test)
            let listed = try await access.decidedParties(tenant: t, user: u.id, policy: "approve_tree", cursor: nil, limit: nil, context: farmCaller)
            #expect(Set(listed.page.items.map(\.id)) == [farm, planter] && listed.decisions[planter]?.path == [farm, planter])
            #expect(try await check("approve_tree", north).allowed)
            #expect(try await check("approve_tree", south).allowed == false)
            #expect(try await check("approve_tree", group).allowed == false)
            #expect(try await check("approve_tree", supplier).allowed == false, "structure scope does not follow supply edges")
            #expect(try await check("list_planter", supplier).allowed, "a scope without type follows every type")
            let unknown = try await check("delete_world", planter)
            #expect(!unknown.allowed && unknown.reason.contains("no role"))

            var page = try await access.decidedParties(tenant: t, user: u.id, policy: "approve_tree", cursor: nil, limit: nil, context: .test).page
            #expect(Set(page.items.map(\.id)) == [north, farm, planter])
            page = try await access.decidedParties(tenant: t, user: u.id, policy: "list_planter", cursor: nil, limit: nil, context: .test).page
            #expect(Set(page.items.map(\.id)) == [north, farm, planter, supplier])

            // Deleting an edge and revoking a grant count from the next check on.
            try await rt.services.relationships.delete(tenant: t, id: northFarm.id, context: .test)
            #expect(try await check("approve_tree", planter).allowed == false)
            try await access.revoke(tenant: t, user: u.id, role: northAdmin.id, context: .test)
            #expect(try await check("approve_tree", north).allowed == false)

            // Coarse roles.
            let admin = try await users.create(tenant: t, UserInput(email: "a@example.com", role: .admin), context: .test)
            #expect(try await access.check(tenant: t, user: admin.id, policy: "anything", party: south, context: .test).allowed)
            let manager = try await users.create(tenant: t, UserInput(email: "m@example.com", role: .management), context: .test)
            #expect(try await access.check(tenant: t, user: manager.id, policy: "parties.read", party: south, context: .test).allowed)
            #expect(try await access.check(tenant: t, user: manager.id, policy: "parties.write", party: south, context: .test).allowed == false)
            let inactive = try await users.create(tenant: t, UserInput(email: "i@example.com", role: .admin, isActive: false), context: .test)
            #expect(try await access.check(tenant: t, user: inactive.id, policy: "parties.read", party: south, context: .test).allowed == false)
            // Other tenants see none of it.
            let other = try await rt.makeTenant()
            await expectRosterError({ try await access.check(tenant: other.slug, user: u.id, policy: "p", party: north, context: .test) }) { $0.isNotFound }
        }
    }

    /// Below 64 levels nothing is reached, and every path agrees: a typed and an untyped hierarchy, a decision, the list of
    /// parties a user may act on, a scoped caller's reads and its search (the closure table listed a party 69 levels down
    /// that decisions refused: found by a probe).
    @Test(arguments: StoreKind.allCases)
    func everyPathStopsAtTheSameDepth(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            var chain: [Party.ID] = []
            for level in 0..<70 {
                chain.append(try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "Level \(level)"), context: .test).id)
                if level > 0 {
                    _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: chain[level - 1], childID: chain[level],
                                                                                      type: "structure"), context: .test)
                }
            }
            let reachable = Set(chain[0...64])
            for type in ["structure", nil] {
                var below = Set<Party.ID>()
                var cursor: String?
                repeat {
                    let page = try await s.relationships.hierarchy(tenant: t, of: chain[0], .descendants, type: type, cursor: cursor, limit: 50,
                                                                   context: .test)
                    below.formUnion(page.items.map(\.party.id))
                    cursor = page.nextCursor
                } while cursor != nil
                let belowAsFar = below == reachable.subtracting([chain[0]])
                #expect(belowAsFar, "\(type ?? "any type"): \(below.count) below")
                let above = try await s.relationships.hierarchy(tenant: t, of: chain[69], .ancestors, type: type, cursor: nil, limit: 200,
                                                                context: .test)
                let aboveAsFar = Set(above.items.map(\.party.id)) == Set(chain[5...68])
                #expect(aboveAsFar, "\(type ?? "any type"): \(above.items.count) above")
            }
            for type in ["structure", nil] {
                let role = try await s.access.createRole(tenant: t, name: "Tree \(type ?? "any")", policies: ["parties.read", "approve_tree"],
                                                         organizationID: chain[0], relationshipType: type, context: .test)
                let user = try await s.users.create(tenant: t, UserInput(email: "\(type ?? "any")@example.com"), context: .test)
                _ = try await s.access.grant(tenant: t, user: user.id, role: role.id, context: .test)
                for depth in [63, 64, 65, 69] {
                    let decision = try await s.access.check(tenant: t, user: user.id, policy: "approve_tree", party: chain[depth], context: .test)
                    #expect(decision.allowed == (depth <= 64), "\(type ?? "any type") at depth \(depth)")
                    // Refused below the bound, the reason names it (it said only "other parts of the tree"; found by a probe).
                    #expect(decision.allowed || decision.reason.contains("more than 64 levels below"), "\(decision.reason)")
                }
                var listed = Set<Party.ID>()
                var cursor: String?
                repeat {
                    let decided = try await s.access.decidedParties(tenant: t, user: user.id, policy: "approve_tree", cursor: cursor, limit: 50,
                                                                    context: .test)
                    listed.formUnion(decided.page.items.map(\.id))
                    #expect(decided.page.items.allSatisfy { decided.decisions[$0.id]?.allowed ?? true }, "listed, and refused")
                    cursor = decided.page.nextCursor
                } while cursor != nil
                let listedAsFar = listed == reachable
                #expect(listedAsFar, "\(type ?? "any type"): \(listed.count) listed")
                let scoped = OperationContext(caller: Caller(principal: .apiKey("k-\(type ?? "any")"), tenantSlug: t, role: .user, roleIDs: [role.id]),
                                              requestID: "scoped")
                _ = try await s.parties.get(tenant: t, id: chain[64], context: scoped)
                await expectRosterError({ try await s.parties.get(tenant: t, id: chain[65], context: scoped) }) { $0.isNotFound }
                var found = Set<Party.ID>()
                cursor = nil
                repeat {
                    let page = try await s.parties.search(tenant: t, PartySearch(limit: 50, cursor: cursor), context: scoped)
                    found.formUnion(page.items.map(\.id))
                    cursor = page.nextCursor
                } while cursor != nil
                let foundAsFar = found == reachable
                #expect(foundAsFar, "\(type ?? "any type"): \(found.count) found")
            }
        }
    }

    /// A grant that holds its role (`lockedRole`) commits before a concurrent delete of the role removes its grants: the
    /// delete waits for it and then removes it too. On PostgreSQL the delete did not wait, and the grant outlived the role
    /// (found by a probe: 22 of 40 races between two processes). SQLite's one writer serializes the two anyway.
    @Test(arguments: StoreKind.allCases)
    func aGrantRacingItsRolesDeletionDoesNotOutliveIt(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant()
            let access = rt.services.access
            let role = try await access.createRole(tenant: t.slug, name: "Racy", policies: ["racy"], organizationID: nil, relationshipType: nil,
                                                   context: .test)
            let user = try await rt.services.users.create(tenant: t.slug, UserInput(email: "racy@example.com"), context: .test)
            let (started, starting) = AsyncStream<Void>.makeStream()
            let (lockedStream, locked) = AsyncStream<Void>.makeStream()
            let granting = Task {
                try await rt.database.store.write { tx in
                    guard try await tx.lockedRole(tenant: t.id, id: role.id) != nil else { return false }
                    locked.yield()
                    // The delete starts meanwhile, and (on PostgreSQL) waits for this transaction.
                    var signals = started.makeAsyncIterator()
                    _ = await signals.next()
                    try await Task.sleep(for: .milliseconds(300))
                    return try await tx.grantRole(tenant: t.id, user: user.id, role: role.id, window: ValidityWindow())
                }
            }
            let deleting = Task {
                // Once the grant holds the role: a loaded machine could otherwise run the whole delete first.
                for await _ in lockedStream { break }
                starting.yield()
                try await access.deleteRole(tenant: t.slug, id: role.id, context: .test)
            }
            #expect(try await granting.value)
            try await deleting.value
            let held = try await rt.database.store.read { tx in try await tx.grants(tenant: t.id, user: user.id) }
            #expect(!held.contains { $0.role.id == role.id }, "\(held)")

            // A key's list shows the roles it holds that still exist (a deleted one grants nothing and was listed on).
            let kept = try await access.createRole(tenant: t.slug, name: "Kept", policies: ["racy"], organizationID: nil, relationshipType: nil,
                                                   context: .test)
            let gone = try await access.createRole(tenant: t.slug, name: "Gone", policies: ["racy"], organizationID: nil, relationshipType: nil,
                                                   context: .test)
            let made = try await rt.services.apiKeys.create(tenant: t.slug, name: "k", role: .user, roleIDs: [kept.id, gone.id], context: .test)
            try await access.deleteRole(tenant: t.slug, id: gone.id, context: .test)
            let listed = try await rt.services.apiKeys.list(tenant: t.slug, context: .test).first { $0.id == made.0.id }
            #expect(listed?.roleIDs == [kept.id], "\(String(describing: listed))")
        }
    }
}
