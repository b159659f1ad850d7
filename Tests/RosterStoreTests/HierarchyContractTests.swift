import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import RosterSQL
import Testing

/// Relationships, the closure table and everything built on them, on SQLite and PostgreSQL.
@Suite("Hierarchy contract")
struct HierarchyContractTests {
    struct Fixture {
        let rt: RosterRuntime
        let tenant: Tenant

        var slug: String { tenant.slug }

        func org(_ name: String, roles: [String] = []) async throws -> Party.ID {
            try await rt.services.parties.create(tenant: slug, PartyInput(kind: .organization, name: name, roles: roles), context: .test).id
        }

        @discardableResult
        func edge(_ parent: Party.ID, _ child: Party.ID, _ type: String = "ownership", role: String? = nil) async throws -> Relationship {
            try await rt.services.relationships.create(tenant: slug, RelationshipInput(parentID: parent, childID: child, type: type, role: role),
                                                       context: .test)
        }

        func descendants(_ id: Party.ID, _ type: String? = "ownership", strategy: HierarchyStrategy = .closure) async throws -> [Party.ID: Int] {
            var result: [Party.ID: Int] = [:]
            var cursor: String?
            repeat {
                let page = try await rt.services.relationships.hierarchy(tenant: slug, of: id, .descendants, type: type, cursor: cursor,
                                                                         limit: 3, strategy: strategy, context: .test)
                for entry in page.items { result[entry.party.id] = entry.depth }
                cursor = page.nextCursor
            } while cursor != nil
            return result
        }

        func ancestors(_ id: Party.ID, _ type: String? = "ownership", strategy: HierarchyStrategy = .closure) async throws -> [Party.ID: Int] {
            let page = try await rt.services.relationships.hierarchy(tenant: slug, of: id, .ancestors, type: type, cursor: nil, limit: 500,
                                                                     strategy: strategy, context: .test)
            return Dictionary(uniqueKeysWithValues: page.items.map { ($0.party.id, $0.depth) })
        }
    }

    static func fixture(_ rt: RosterRuntime) async throws -> Fixture {
        Fixture(rt: rt, tenant: try await rt.makeTenant())
    }

    /// The edges up from a set of parties, within a type: what the console draws a tree with; a scoped caller sees only
    /// the edges whose both ends it may read.
    /// A ladder two parties wide doubles the paths at every level: the edge that would take a count of paths past 2^62
    /// is refused, naming parentId, the same on both stores (PostgreSQL answered 500 past 2^63, SQLite went on with
    /// inexact counts; found by a probe), and the hierarchy stays as it was.
    @Test(arguments: StoreKind.allCases)
    func pathsPastTheirCountAreRefused(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            func org(_ name: String) async throws -> Party.ID {
                try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: name), context: .test).id
            }
            var level = [try await org("L0a"), try await org("L0b")]
            var refusedAt: Int?
            outer: for depth in 1...70 {
                let next = [try await org("L\(depth)a"), try await org("L\(depth)b")]
                for parent in level {
                    for child in next {
                        do {
                            _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: parent, childID: child, type: "structure"),
                                                                 context: .test)
                        } catch let error as RosterError {
                            #expect(error.invalidFields == ["parentId"], "\(error)")
                            refusedAt = depth
                            break outer
                        }
                    }
                }
                level = next
            }
            #expect(refusedAt.map { (55...64).contains($0) } == true, "refused at \(String(describing: refusedAt))")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func edgesUpFromParties(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await Self.fixture(rt)
            let (top, a, b, a1, b1) = (try await f.org("Top"), try await f.org("A"), try await f.org("B"), try await f.org("A1"), try await f.org("B1"))
            let topA = try await f.edge(top, a), topB = try await f.edge(top, b), aA1 = try await f.edge(a, a1), bB1 = try await f.edge(b, b1)
            _ = try await f.edge(b1, a1, "supply")
            let relationships = rt.services.relationships
            let all = try await relationships.edges(tenant: f.slug, type: "ownership", up: [a, b, a1, b1], context: .test)
            #expect(Set(all.map(\.id)) == [topA.id, topB.id, aA1.id, bB1.id])
            #expect(try await relationships.edges(tenant: f.slug, type: "ownership", up: [a1], context: .test).map(\.id) == [aA1.id])
            #expect(try await relationships.edges(tenant: f.slug, type: "ownership", up: [], context: .test).isEmpty)
            // Scoped to A: the edge from Top (outside) is not shown; B's are not either.
            let role = try await rt.services.access.createRole(tenant: f.slug, name: "A readers", policies: ["parties.read"], organizationID: a,
                                                               relationshipType: "ownership", context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: f.slug, role: .user, roleIDs: [role.id]), requestID: "t")
            #expect(try await relationships.edges(tenant: f.slug, type: "ownership", up: [a, b, a1, b1], context: scoped).map(\.id) == [aA1.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func cyclesAreRefusedDirectlyAndThroughLongChains(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await Self.fixture(rt)
            let a = try await f.org("A")
            let b = try await f.org("B")
            try await f.edge(a, b)
            await expectRosterError({ try await f.edge(b, a) }) { $0.isConflict }
            await expectRosterError({ try await f.edge(a, a) }) { $0.invalidFields == ["childId"] }
            await expectRosterError({ try await f.edge(a, b) }) { $0.isConflict && $0.existingID != nil }
            // Another type may run the other way.
            try await f.edge(b, a, "supply")

            var chain = [b]
            for i in 0..<20 {
                let next = try await f.org("C\(i)")
                try await f.edge(chain.last!, next)
                chain.append(next)
            }
            let last = chain.last!
            do {
                _ = try await f.edge(last, a)
                Issue.record("a cycle through 22 parties was accepted")
            } catch RosterError.conflict(let detail, _) {
                // The message names the path that the edge would close.
                #expect(detail.contains(a.description) && detail.contains(last.description) && detail.contains(chain[10].description))
            }
            #expect(try await f.descendants(a).count == 21)
            #expect(try await f.descendants(a)[last] == 21)
            #expect(try await f.ancestors(last)[a] == 21)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func diamondsAndDeletionInTheMiddle(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await Self.fixture(rt)
            let (a, b, c, d, e) = (try await f.org("A"), try await f.org("B"), try await f.org("C"), try await f.org("D"), try await f.org("E"))
            try await f.edge(a, b)
            try await f.edge(a, c)
            let bd = try await f.edge(b, d)
            let cd = try await f.edge(c, d)
            try await f.edge(d, e)
            #expect(try await f.descendants(a) == [b: 1, c: 1, d: 2, e: 3])
            #expect(try await f.ancestors(e) == [d: 1, b: 2, c: 2, a: 3])
            // Removing one side of the diamond keeps the other path.
            try await rt.services.relationships.delete(tenant: f.slug, id: bd.id, context: .test)
            #expect(try await f.descendants(a) == [b: 1, c: 1, d: 2, e: 3])
            #expect(try await f.descendants(b) == [:])
            try await rt.services.relationships.delete(tenant: f.slug, id: cd.id, context: .test)
            #expect(try await f.descendants(a) == [b: 1, c: 1])
            #expect(try await f.descendants(d) == [e: 1])
            await expectRosterError({ try await rt.services.relationships.delete(tenant: f.slug, id: cd.id, context: .test) }) { $0.isNotFound }

            // A chain cut in the middle.
            let chain = [try await f.org("P0"), try await f.org("P1"), try await f.org("P2"), try await f.org("P3")]
            try await f.edge(chain[0], chain[1])
            let middle = try await f.edge(chain[1], chain[2])
            try await f.edge(chain[2], chain[3])
            try await rt.services.relationships.delete(tenant: f.slug, id: middle.id, context: .test)
            #expect(try await f.descendants(chain[0]) == [chain[1]: 1])
            #expect(try await f.descendants(chain[2]) == [chain[3]: 1])
            #expect(try await f.ancestors(chain[3]) == [chain[2]: 1])
        }
    }

    /// A few hundred random inserts and deletes; after each, the closure table must equal the one
    /// recomputed from the edges, and the recursive strategy must agree with it.
    @Test(arguments: StoreKind.allCases)
    func closureMatchesRecomputationUnderRandomChanges(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await Self.fixture(rt)
            var nodes: [Party.ID] = []
            for i in 0..<12 { nodes.append(try await f.org("N\(i)")) }
            var rng = SeededRandom(seed: kind == .sqlite ? 11 : 12)
            var edges: [Relationship] = []
            var inserts = 0, deletes = 0, refused = 0
            for step in 0..<300 {
                if !edges.isEmpty, Int.random(in: 0..<10, using: &rng) < 3 {
                    let victim = edges.remove(at: Int.random(in: 0..<edges.count, using: &rng))
                    try await rt.services.relationships.delete(tenant: f.slug, id: victim.id, context: .test)
                    deletes += 1
                } else {
                    let parent = nodes.randomElement(using: &rng)!
                    let child = nodes.randomElement(using: &rng)!
                    do {
                        edges.append(try await f.edge(parent, child))
                        inserts += 1
                    } catch is RosterError {
                        refused += 1 // self-loop, duplicate or cycle
                    }
                }
                let stored = try await rt.database.store.read { tx in try await tx.closureRows(tenant: f.tenant.id, type: "ownership") }
                let expected = Self.recompute(edges)
                #expect(Set(stored.map { Key($0) }) == Set(expected), "step \(step)")
                #expect(stored.allSatisfy { $0.paths > 0 })
                if step % 25 == 0 {
                    let probe = nodes.randomElement(using: &rng)!
                    #expect(try await f.descendants(probe) == f.descendants(probe, strategy: .recursive))
                    #expect(try await f.ancestors(probe) == f.ancestors(probe, strategy: .recursive))
                    // Over every type: the access graph's walk against the stores' recursive query.
                    #expect(try await f.descendants(probe, nil) == f.descendants(probe, nil, strategy: .recursive))
                    #expect(try await f.ancestors(probe, nil) == f.ancestors(probe, nil, strategy: .recursive))
                    #expect(try await f.descendants(probe, nil) == f.descendants(probe))
                }
            }
            #expect(inserts > 50 && deletes > 30 && refused > 10, "inserts \(inserts), deletes \(deletes), refused \(refused)")
        }
    }

    struct Key: Hashable {
        var ancestor: Party.ID
        var descendant: Party.ID
        var depth: Int
        var paths: Int64
        init(_ row: ClosureRow) { (ancestor, descendant, depth, paths) = (row.ancestor, row.descendant, row.depth, row.paths) }
        init(_ a: Party.ID, _ d: Party.ID, _ depth: Int, _ paths: Int64) { (ancestor, descendant, self.depth, self.paths) = (a, d, depth, paths) }
    }

    /// Counts the paths of each length between every pair, from the edges alone.
    static func recompute(_ edges: [Relationship]) -> [Key] {
        var children: [Party.ID: [Party.ID]] = [:]
        for edge in edges { children[edge.parentID, default: []].append(edge.childID) }
        var keys: [Key] = []
        for start in Set(edges.map(\.parentID)) {
            var counts: [Party.ID: [Int: Int64]] = [:]
            var frontier: [Party.ID: Int64] = [start: 1]
            var depth = 0
            // A path longer than the number of edges repeats one: only a cycle makes one, and it must end here too.
            while !frontier.isEmpty, depth <= edges.count {
                depth += 1
                var next: [Party.ID: Int64] = [:]
                for (node, paths) in frontier {
                    for child in children[node] ?? [] { next[child, default: 0] += paths }
                }
                for (node, paths) in next { counts[node, default: [:]][depth] = paths }
                frontier = next
            }
            for (node, byDepth) in counts {
                for (depth, paths) in byDepth { keys.append(Key(start, node, depth, paths)) }
            }
        }
        return keys
    }

    @Test(arguments: StoreKind.allCases)
    func edgesStayInsideTheirTenant(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let mine = try await Self.fixture(rt)
            let theirs = Fixture(rt: rt, tenant: try await rt.makeTenant())
            let a = try await mine.org("Mine")
            let b = try await theirs.org("Theirs")
            let c = try await theirs.org("Theirs too")
            let edge = try await theirs.edge(b, c)
            await expectRosterError({ try await mine.edge(a, b) }) { $0.isNotFound }
            await expectRosterError({ try await mine.edge(b, c) }) { $0.isNotFound }
            await expectRosterError({ try await rt.services.relationships.delete(tenant: mine.slug, id: edge.id, context: .test) }) { $0.isNotFound }
            await expectRosterError({ try await rt.services.relationships.get(tenant: mine.slug, id: edge.id, context: .test) }) { $0.isNotFound }
            await expectRosterError({ try await mine.descendants(b) }) { $0.isNotFound }
            let list = try await rt.services.relationships.list(tenant: mine.slug, partyID: b, type: nil, role: nil, cursor: nil, limit: 10, context: .system())
            #expect(list.items.isEmpty)
            #expect(try await theirs.descendants(b) == [c: 1])
            // A deleted party takes no new edges.
            _ = try await rt.services.parties.delete(tenant: theirs.slug, id: c, context: .test)
            let d = try await theirs.org("D")
            await expectRosterError({ try await theirs.edge(d, c) }) { $0.invalidFields == ["childId"] }
            // And it is no longer listed below its parent.
            #expect(try await theirs.descendants(b) == [:])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func partnersAndTheirCustomers(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await Self.fixture(rt)
            let parties = rt.services.parties
            let partner = try await f.org("Partner One", roles: ["partner"])
            let other = try await f.org("Partner Two", roles: ["partner"])
            let plain = try await f.org("Not a partner")
            let customer = try await parties.create(tenant: f.slug, PartyInput(kind: .person, firstName: "Cus", customerType: .new), context: .test).id
            try await f.edge(partner, customer, "partnership", role: "customer")
            try await f.edge(other, customer, "partnership", role: "customer")
            await expectRosterError({ try await f.edge(plain, customer, "partnership") }) { $0.invalidFields == ["parentId"] }

            let customersOfPartner = try await parties.search(tenant: f.slug, PartySearch(partnerID: partner), context: .test)
            #expect(customersOfPartner.items.map(\.id) == [customer])
            let partners = try await parties.search(tenant: f.slug, PartySearch(role: "partner"), context: .test)
            #expect(Set(partners.items.map(\.id)) == [partner, other])
            let expanded = try await parties.getExpanded(tenant: f.slug, id: customer, partners: true, context: .test)
            #expect(Set(expanded.partners?.map(\.id) ?? []) == [partner, other])

            // Partner accounts: one per (partner, customer), secrets sealed.
            let accounts = rt.services.partnerAccounts
            let account = try await accounts.create(tenant: f.slug, PartnerAccountInput(partnerID: partner, customerID: customer,
                                                                                        username: "cus-001", secret: "hunter2-very-secret"), context: .test)
            await expectRosterError({
                try await accounts.create(tenant: f.slug, PartnerAccountInput(partnerID: partner, customerID: customer, username: "again", secret: "x"),
                                          context: .test)
            }) { $0.existingID == account.id.description }
            await expectRosterError({
                try await accounts.create(tenant: f.slug, PartnerAccountInput(partnerID: plain, customerID: customer, username: "u", secret: "x"),
                                          context: .test)
            }) { $0.invalidFields == ["partnerId"] }
            await expectRosterError({
                try await accounts.create(tenant: f.slug, PartnerAccountInput(partnerID: partner, customerID: Party.ID.make(), username: "u", secret: "x"),
                                          context: .test)
            }) { $0.isNotFound }
            _ = try await accounts.create(tenant: f.slug, PartnerAccountInput(partnerID: other, customerID: customer, username: "cus-002",
                                                                              secret: "s2", active: false), context: .test)
            #expect(try await accounts.list(tenant: f.slug, partnerID: partner, customerID: nil, active: nil, cursor: nil, limit: nil, context: .test).items.map(\.id)
                    == [account.id])
            #expect(try await accounts.list(tenant: f.slug, partnerID: nil, customerID: customer, active: true, cursor: nil, limit: nil, context: .test).items.count == 1)
            let stored = try await rt.database.sql.withReadTransaction { conn in
                try await conn.query("SELECT secret FROM partner_accounts WHERE id = $1", [.uuid(account.id.rawValue)])
            }
            #expect(stored.first?.string("secret")?.contains("hunter2") == false)
            if let path = rt.database.sqlitePath {
                // Nowhere in the database files: not in the main file, not in the write-ahead log.
                var bytes = Data()
                for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
                    bytes += try Data(contentsOf: URL(fileURLWithPath: file))
                }
                #expect(bytes.range(of: Data("hunter2".utf8)) == nil)
                // The scan itself works: the username, stored in clear, is found.
                #expect(bytes.range(of: Data("cus-001".utf8)) != nil)
            }
            let (_, secret) = try await accounts.revealSecret(tenant: f.slug, id: account.id, context: .test)
            #expect(secret == "hunter2-very-secret")
            let audit = try await rt.services.audit.list(tenant: f.slug, filter: AuditFilter(targetID: account.id.description), cursor: nil, limit: 10, context: .test)
            #expect(audit.items.map(\.action) == ["partner_account.reveal", "partner_account.create"])

            // A partner with customers or accounts keeps its role; one without may drop it.
            var dropping = PartyPatch()
            dropping.roles = .set([])
            for held in [partner, other] {
                await expectRosterError({ try await parties.update(tenant: f.slug, id: held, dropping, ifMatch: nil, context: .test) }) { error in
                    if case .conflict(let message, _) = error { message.contains("customers") && message.contains("partner accounts") } else { false }
                }
            }
            #expect(try await parties.get(tenant: f.slug, id: partner, context: .test).roles == ["partner"])
            var adding = PartyPatch()
            adding.roles = .set(["partner", "dealer"])
            #expect(try await parties.update(tenant: f.slug, id: partner, adding, ifMatch: nil, context: .test).roles.sorted() == ["dealer", "partner"])
            let idle = try await f.org("Partner Three", roles: ["partner"])
            #expect(try await parties.update(tenant: f.slug, id: idle, dropping, ifMatch: nil, context: .test).roles == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tagsAreUniqueCountedAndSearchable(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await Self.fixture(rt)
            let tags = rt.services.tags
            let vip = try await tags.create(tenant: f.slug, text: "VIP", color: nil, context: .test)
            #expect(vip.color == Tag.derivedColor(for: "vip"))
            await expectRosterError({ try await tags.create(tenant: f.slug, text: "vip", color: "#000000", context: .test) }) {
                $0.existingID == vip.id.description
            }
            await expectRosterError({ try await tags.create(tenant: f.slug, text: " ", color: "red", context: .test) }) {
                $0.invalidFields == ["text", "color"]
            }
            let a = try await f.org("Alpha")
            let b = try await f.org("Beta")
            #expect(try await tags.attach(tenant: f.slug, party: a, text: "vip", context: .test).id == vip.id)
            #expect(try await tags.attach(tenant: f.slug, party: a, text: "vip", context: .test).id == vip.id) // idempotent
            let north = try await tags.attach(tenant: f.slug, party: b, text: "North Region", color: "#123456", context: .test)
            #expect(north.color == "#123456")
            _ = try await tags.attach(tenant: f.slug, party: b, text: "VIP", context: .test)
            let usage = try await tags.list(tenant: f.slug, context: .test)
            #expect(usage.map(\.tag.text) == ["North Region", "VIP"])
            #expect(usage.map(\.usage) == [1, 2])
            // A caller that reads Alpha's subtree only counts what it may read: no usage of parties outside.
            let role = try await rt.services.access.createRole(tenant: f.slug, name: "Alpha readers", policies: ["parties.read"],
                                                               organizationID: a, relationshipType: nil, context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: f.slug, role: .user, roleIDs: [role.id]),
                                          requestID: "t")
            let seen = try await tags.list(tenant: f.slug, context: scoped)
            #expect(seen.map(\.tag.text) == ["North Region", "VIP"] && seen.map(\.usage) == [0, 1], "\(seen)")
            let found = try await rt.services.parties.search(tenant: f.slug, PartySearch(tag: "north region"), context: .test)
            #expect(found.items.map(\.id) == [b])
            #expect(found.items.first?.tags.map(\.text) == ["North Region", "VIP"])
            try await tags.detach(tenant: f.slug, party: b, tag: vip.id, context: .test)
            await expectRosterError({ try await tags.detach(tenant: f.slug, party: b, tag: vip.id, context: .test) }) { $0.isNotFound }
            let read = try await rt.services.parties.get(tenant: f.slug, id: b, context: .test)
            #expect(read.tags.map(\.text) == ["North Region"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func autoLinkingContacts(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let f = try await Self.fixture(rt)
            let parties = rt.services.parties
            var update = TenantUpdate()
            update.autoLinkContacts = true
            _ = try await rt.services.tenants.update(f.slug, update, context: .test)
            let acme = try await parties.create(tenant: f.slug, PartyInput(kind: .organization, name: "Acme", website: "https://www.acme.example/about"),
                                                context: .test)
            #expect(acme.emailDomains == ["acme.example"])
            let jane = try await parties.createLinking(tenant: f.slug, PartyInput(kind: .person, email: "jane@ACME.example"), context: .test)
            guard case .linked(let organization, _) = jane.autoLink else {
                Issue.record("expected a link, got \(String(describing: jane.autoLink))")
                return
            }
            #expect(organization == acme.id)
            let children = try await rt.services.relationships.hierarchy(tenant: f.slug, of: acme.id, .children, type: "employment",
                                                                         cursor: nil, limit: nil, context: .test)
            #expect(children.items.map(\.party.id) == [jane.party.id])
            #expect(children.items.first?.role == "contact")

            // A second organization claiming the domain: ambiguous, no link.
            _ = try await parties.create(tenant: f.slug, PartyInput(kind: .organization, name: "Acme Holdings", website: "acme.example"),
                                         context: .test)
            let bob = try await parties.createLinking(tenant: f.slug, PartyInput(kind: .person, email: "bob@acme.example"), context: .test)
            guard case .ambiguous(let candidates) = bob.autoLink else {
                Issue.record("expected ambiguity, got \(String(describing: bob.autoLink))")
                return
            }
            #expect(candidates.count == 2)

            // An international domain claims addresses written in Unicode and in punycode alike (either way round).
            for (website, email) in [("https://köln.example", "k1@xn--kln-sna.example"), ("https://xn--mnchen-3ya.example", "m1@münchen.example")] {
                let org = try await parties.create(tenant: f.slug, PartyInput(kind: .organization, name: "Org \(website)", website: website),
                                                   context: .test)
                let person = try await parties.createLinking(tenant: f.slug, PartyInput(kind: .person, email: email), context: .test)
                guard case .linked(let linked, _) = person.autoLink else {
                    Issue.record("\(email): expected a link, got \(String(describing: person.autoLink))")
                    continue
                }
                #expect(linked == org.id, "\(email)")
            }

            // A person made by identify (a checkout) or by resolving a login is linked as one made by POST .../parties
            // (neither was; found by a probe).
            let shop = try await parties.create(tenant: f.slug, PartyInput(kind: .organization, name: "Shop", website: "shop.example"), context: .test)
            let walkIn = try await parties.identify(tenant: f.slug, email: "walkin@shop.example", phone: nil, context: .test)
            let login = try await rt.services.identities.resolve(tenant: f.slug, identifier: "login@shop.example", context: .test)
            let staff = try await rt.services.relationships.hierarchy(tenant: f.slug, of: shop.id, .children, type: "employment",
                                                                      cursor: nil, limit: nil, context: .test)
            #expect(Set(staff.items.map(\.party.id)) == [walkIn.party.id, login.partyID], "\(staff.items.map(\.party.id))")

            // Another tenant's organization is never a candidate, and without the setting nothing links.
            let other = try await rt.makeTenant()
            let carol = try await parties.createLinking(tenant: other.slug, PartyInput(kind: .person, email: "carol@acme.example"), context: .test)
            #expect(carol.autoLink == nil)
        }
    }
}

struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
