import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

@Suite("User contract")
struct UserContractTests {
    @Test(arguments: StoreKind.allCases)
    func usersAreUniqueAndFiltered(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let users = rt.services.users
            let ann = try await users.create(tenant: tenant.slug, UserInput(email: "Ann@Example.com", displayName: "Ann", role: .admin), context: .test)
            #expect(ann.email?.value == "Ann@example.com")
            await expectRosterError({ try await users.create(tenant: tenant.slug, UserInput(email: "ann@EXAMPLE.com"), context: .test) }) {
                $0.existingID == ann.id.description
            }
            _ = try await users.create(tenant: tenant.slug, UserInput(email: "sso@example.com", ssoIssuer: "https://idp", ssoSubject: "s-1"),
                                       context: .test)
            await expectRosterError({
                try await users.create(tenant: tenant.slug, UserInput(email: "other@example.com", ssoIssuer: "https://idp", ssoSubject: "s-1"),
                                       context: .test)
            }) { $0.isConflict }
            await expectRosterError({ try await users.create(tenant: tenant.slug, UserInput(ssoSubject: "x"), context: .test) }) {
                $0.invalidFields == ["ssoIssuer"]
            }
            await expectRosterError({ try await users.create(tenant: tenant.slug, UserInput(displayName: "Nobody"), context: .test) }) {
                $0.invalidFields == ["email"]
            }
            // A user may link to a live person party, one user per party.
            let person = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .person, firstName: "Bo"), context: .test)
            let org = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Org"), context: .test)
            let bo = try await users.create(tenant: tenant.slug, UserInput(email: "bo@example.com", partyID: person.id), context: .test)
            await expectRosterError({ try await users.create(tenant: tenant.slug, UserInput(email: "b2@example.com", partyID: person.id), context: .test) }) {
                $0.existingID == bo.id.description
            }
            await expectRosterError({ try await users.create(tenant: tenant.slug, UserInput(email: "o@example.com", partyID: org.id), context: .test) }) {
                $0.invalidFields == ["partyId"]
            }
            let updated = try await users.update(tenant: tenant.slug, id: bo.id, UserInput(role: .management, isActive: false),
                                                 clearing: ["partyId"], context: .test)
            #expect(updated.role == .management && !updated.isActive && updated.partyID == nil && updated.version == 2)

            let admins = try await users.list(tenant: tenant.slug, role: .admin, isActive: nil, q: nil, segment: nil, cursor: nil, limit: nil, context: .test)
            #expect(admins.items.map(\.id) == [ann.id])
            let inactive = try await users.list(tenant: tenant.slug, role: nil, isActive: false, q: nil, segment: nil, cursor: nil, limit: nil, context: .test)
            #expect(inactive.items.map(\.id) == [bo.id])
            let byPrefix = try await users.list(tenant: tenant.slug, role: nil, isActive: nil, q: "AN", segment: nil, cursor: nil, limit: nil, context: .test)
            #expect(byPrefix.items.map(\.id) == [ann.id])
            await expectRosterError({
                try await users.list(tenant: tenant.slug, role: nil, isActive: nil, q: nil, segment: "nope", cursor: nil, limit: nil, context: .test)
            }) { $0.isNotFound }
            // Another tenant sees none of them.
            let other = try await rt.makeTenant()
            await expectRosterError({ try await users.get(tenant: other.slug, id: ann.id, context: .test) }) { $0.isNotFound }
        }
    }

    /// The segments a tenant can use, paged by name (its own and the built-in ones it does not redefine), and the deletion
    /// of its own definitions, which brings a built-in one back.
    @Test(arguments: StoreKind.allCases)
    func segmentsAreListedByNameAndDeleted(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let segments = rt.services.segments
            func names(limit: Int) async throws -> [[String]] {
                var pages: [[String]] = []
                var cursor: String?
                repeat {
                    let page = try await segments.list(tenant: tenant.slug, cursor: cursor, limit: limit, context: .test)
                    pages.append(page.items.map(\.name))
                    cursor = page.nextCursor
                } while cursor != nil && pages.count < 20
                return pages
            }
            #expect(try await names(limit: 5) == [["dealer"]])
            let rule = [Segment.Rule(field: .department, op: .equals, value: "Sales")]
            // Around "dealer" in byte order (a space and "-" before letters, "_" after capitals, which are kept lowercased).
            for name in ["zeta", "a b", "a-b", "Dealers", "de", "a_b", "e"] {
                _ = try await segments.put(tenant: tenant.slug, name: name, rules: rule, context: .test)
            }
            let all = ["a b", "a-b", "a_b", "de", "dealer", "dealers", "e", "zeta"]
            #expect(try await names(limit: 500).flatMap { $0 } == all)
            // White space around a name is refused, not trimmed (`zeta\t` rewrote `zeta`; found by a probe).
            for name in ["zeta\t", "\u{0B}\u{0C}zeta", " zeta", "zeta "] {
                await expectRosterError({ try await segments.put(tenant: tenant.slug, name: name, rules: [], context: .test) }) {
                    $0.invalidFields == ["name"]
                }
            }
            for limit in 1...4 {
                let pages = try await names(limit: limit)
                #expect(pages.flatMap { $0 } == all && pages.allSatisfy { (1...limit).contains($0.count) }, "\(limit): \(pages)")
            }
            // The tenant's own "dealer" replaces the built-in one in the list, once.
            _ = try await segments.put(tenant: tenant.slug, name: "dealer", rules: rule, context: .test)
            let mine = try await segments.list(tenant: tenant.slug, cursor: "de", limit: 1, context: .test)
            #expect(mine.items.map(\.rules) == [rule] && mine.items.map(\.name) == ["dealer"])
            #expect(try await names(limit: 3).flatMap { $0 } == all)
            // Deleting it brings the built-in one back; deleting again finds nothing of the tenant's to delete.
            try await segments.delete(tenant: tenant.slug, name: "Dealer", context: .test)
            #expect(try await segments.get(tenant: tenant.slug, name: "dealer", context: .test) == Segment.dealer)
            await expectRosterError({ try await segments.delete(tenant: tenant.slug, name: "dealer", context: .test) }) { $0.isNotFound }
            try await segments.delete(tenant: tenant.slug, name: "zeta", context: .test)
            await expectRosterError({ try await segments.get(tenant: tenant.slug, name: "zeta", context: .test) }) { $0.isNotFound }
            #expect(try await names(limit: 500).flatMap { $0 } == all.filter { $0 != "zeta" })
            await expectRosterError({ try await segments.delete(tenant: tenant.slug, name: "bad!", context: .test) }) {
                $0.invalidFields == ["name"]
            }
            // Another tenant's definitions are not this one's: it lists the built-in one only, and deletes nothing.
            let other = try await rt.makeTenant()
            #expect(try await rt.services.segments.list(tenant: other.slug, cursor: nil, limit: nil, context: .test).items == [Segment.dealer])
            await expectRosterError({ try await segments.delete(tenant: other.slug, name: "e", context: .test) }) { $0.isNotFound }
            #expect(try await segments.get(tenant: tenant.slug, name: "e", context: .test).rules == rule)
            let audited = try await rt.services.audit.list(tenant: tenant.slug, filter: AuditFilter(targetID: "zeta"), cursor: nil, limit: nil, context: .test)
            #expect(audited.items.map(\.action) == ["segment.delete", "segment.put"])  // newest first
        }
    }

    /// The same segment definition, evaluated by the database and in memory, on random users with
    /// deliberately awkward text: both must pick exactly the same users.
    @Test(arguments: StoreKind.allCases)
    func segmentSQLAgreesWithMemory(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let pieces = ["RE-", "re-", "Re-12", "REX", "ＲＥ-", "dealer", "DEALER", "Dealer Operations", "Car Dealership", "deal er",
                          "İstanbul Dealer", "STRASSE", "straße", "ΣΊΣΥΦΟΣ", "σίσυφος", "e\u{301}cole", "école", "50%_off", "dealer_", "",
                          "Sales", "dEaLeR", "Händler", "re-ﬁ"]
            var rng = SeededRandom(seed: kind == .sqlite ? 3 : 4)
            var created: [User] = []
            for i in 0..<150 {
                func pick() -> String? { Bool.random(using: &rng) ? nil : pieces.randomElement(using: &rng)! + (Bool.random(using: &rng) ? "" : " \(i)") }
                let input = UserInput(email: "u\(i)@example.com", employeeID: pick(), displayName: pick(), designation: pick(),
                                      department: pick(), isActive: Int.random(in: 0..<5, using: &rng) > 0)
                created.append(try await rt.services.users.create(tenant: tenant.slug, input, context: .test))
            }
            let segments: [Segment] = [
                .dealer,
                Segment(name: "odd", rules: [Segment.Rule(field: .designation, op: .equals, value: "STRASSE"),
                                             Segment.Rule(field: .department, op: .contains, value: "%_"),
                                             Segment.Rule(field: .displayName, op: .prefix, value: "σί"),
                                             Segment.Rule(field: .employeeID, op: .contains, value: "İ"),
                                             Segment.Rule(field: .department, op: .equals, value: "école")]),
                Segment(name: "exact", rules: [Segment.Rule(field: .designation, op: .contains, value: "Dealer", caseSensitive: true),
                                               Segment.Rule(field: .displayName, op: .equals, value: "STRASSE", caseSensitive: true),
                                               Segment.Rule(field: .department, op: .prefix, value: "σί", caseSensitive: true),
                                               Segment.Rule(field: .employeeID, op: .contains, value: "%_", caseSensitive: true),
                                               Segment.Rule(field: .employeeID, op: .prefix, value: "e\u{301}", caseSensitive: true)]),
            ]
            for segment in segments {
                if segment.name != "dealer" {
                    _ = try await rt.services.segments.put(tenant: tenant.slug, name: segment.name, rules: segment.rules, context: .test)
                }
                var fromSQL = Set<User.ID>()
                var cursor: String?
                repeat {
                    let page = try await rt.services.users.list(tenant: tenant.slug, role: nil, isActive: nil, q: nil, segment: segment.name,
                                                                cursor: cursor, limit: 37, context: .test)
                    fromSQL.formUnion(page.items.map(\.id))
                    cursor = page.nextCursor
                } while cursor != nil
                let inMemory = Set(created.filter { segment.contains($0) }.map(\.id))
                #expect(fromSQL == inMemory, "\(segment.name): SQL \(fromSQL.count), memory \(inMemory.count)")
                #expect(!inMemory.isEmpty)
            }
        }
    }

    /// Seed 001 matches the dealer code with `LIKE 'RE-%'` and the designation and department with `ILIKE '%dealer%'`:
    /// `re-1` is no dealer code, `Senior DEALER` is a dealer's designation.
    @Test(arguments: StoreKind.allCases)
    func dealerCodeIsMatchedAsWritten(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let users = rt.services.users
            var expected = Set<String>()
            for (i, (code, designation, dealer)) in [("RE-1", nil, true), ("re-2", nil, false), ("Re-3", nil, false), ("XRE-4", nil, false),
                                                     ("re-5", "Senior DEALER", true)].enumerated() {
                let user = try await users.create(tenant: tenant.slug, UserInput(email: "d\(i)@example.com", employeeID: code,
                                                                                 designation: designation), context: .test)
                #expect(Segment.dealer.contains(user) == dealer, "\(code)")
                if dealer { expected.insert(user.email!.value) }
            }
            let page = try await users.list(tenant: tenant.slug, role: nil, isActive: nil, q: nil, segment: "dealer", cursor: nil, limit: nil,
                                            context: .test)
            #expect(Set(page.items.compactMap(\.email?.value)) == expected)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func dealerImportUpsertsAndIsIdempotent(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let users = rt.services.users
            // Existing users: one from SSO with its role, one already described as a dealer.
            let sso = try await users.create(tenant: tenant.slug, UserInput(email: "sso.dealer@example.com", ssoIssuer: "https://idp",
                                                                            ssoSubject: "abc", designation: "Engineer", role: .management),
                                             context: .test)
            let described = try await users.create(tenant: tenant.slug, UserInput(email: "lead@example.com", designation: "Senior DEALER",
                                                                                  department: "North dealers"), context: .test)
            let csv = """
                email,displayName,dealerCode
                SSO.Dealer@example.com,Sso Dealer,RE-001
                lead@example.com,Lead,RE-002
                "new, one"@example.com,Broken,RE-003
                fresh@example.com,"Fresh, New",RE-004
                FRESH@Example.com,Fresh again,RE-005

                """
            let rows = try DealerImport.parseCSV(csv)
            #expect(rows.count == 5)
            // A column the import does not know is refused, named, rather than silently dropped.
            await expectRosterError({ try DealerImport.parseCSV("email,dealerCode*\nx@example.com,1\n") }) {
                $0.invalidFields == ["file"] && "\($0)".contains("dealerCode*")
            }
            // Separated by semicolons, as spreadsheets write CSV where the comma is the decimal sign: read alike.
            let semicolons = try DealerImport.parseCSV("email;displayName;dealerCode\nsemi@example.com;\"Semi; Colon\";RE-9\n")
            #expect(semicolons.map(\.email) == ["semi@example.com"] && semicolons.first?.displayName == "Semi; Colon"
                    && semicolons.first?.dealerCode == "RE-9", "\(semicolons)")
            // A field's column given twice (or under two of its names) is refused, named (one was silently read).
            for header in ["email,displayName,dealerCode,dealerCode", "email,name,displayName", "Email,e-mail"] {
                await expectRosterError({ try DealerImport.parseCSV("\(header)\nx@example.com,A,B,C\n") }) {
                    $0.invalidFields == ["file"] && "\($0)".contains("more than once")
                }
            }
            #expect(rows[3].displayName == "Fresh, New")
            let first = try await rt.services.dealers.run(tenant: tenant.slug, rows: rows, batchSize: 2, context: .test)
            #expect(first.created == 1 && first.updated == 2 && first.unchanged == 0)
            // Row 5 is row 4's user again (emails compare as emails): refused, or each run would change the user back and forth.
            #expect(first.errors.map(\.row) == [3, 5] && first.errors.last?.message.contains("row 4") == true, "\(first.errors)")
            let second = try await rt.services.dealers.run(tenant: tenant.slug, rows: rows, context: .test)
            #expect(second.created == 0 && second.updated == 0 && second.unchanged == 3)

            let kept = try await users.get(tenant: tenant.slug, id: sso.id, context: .test)
            #expect(kept.ssoSubject == "abc" && kept.ssoIssuer == "https://idp" && kept.role == .management)
            #expect(kept.employeeID == "RE-001" && kept.designation == "Dealer" && kept.department == "Dealer Operations")
            let lead = try await users.get(tenant: tenant.slug, id: described.id, context: .test)
            #expect(lead.designation == "Senior DEALER" && lead.department == "North dealers" && lead.employeeID == "RE-002")
            let dealers = try await users.list(tenant: tenant.slug, role: nil, isActive: nil, q: nil, segment: "dealer", cursor: nil, limit: nil, context: .test)
            #expect(dealers.items.count == 3)
            let fresh = try #require(dealers.items.first { $0.email?.value == "fresh@example.com" })
            #expect(fresh.role == .user && fresh.isActive && fresh.displayName == "Fresh, New")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentIdentitiesMakeOneUserAndOneParty(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            for identifier in ["planter@example.com", "07700 900555"] {
                let results = try await withThrowingTaskGroup(of: IdentityResolution.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            try await rt.services.identities.resolve(tenant: tenant.slug, identifier: identifier, firstName: "Pat", context: .test)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(results.map(\.user.id)).count == 1)
                #expect(Set(results.map(\.partyID)).count == 1)
                #expect(results.filter(\.userCreated).count == 1)
                #expect(results.filter(\.partyCreated).count == 1)
                #expect(results[0].user.partyID == results[0].partyID)
            }
            // An existing person is reused, and so is a user with that email.
            let person = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .person, firstName: "Ex", email: "ex@example.com"),
                                                              context: .test)
            let user = try await rt.services.users.create(tenant: tenant.slug, UserInput(email: "ex@example.com"), context: .test)
            let resolved = try await rt.services.identities.resolve(tenant: tenant.slug, identifier: "EX@example.com", context: .test)
            #expect(resolved.partyID == person.id && resolved.party?.id == person.id && resolved.user.id == user.id && !resolved.partyCreated && !resolved.userCreated)
            #expect(try await rt.services.users.get(tenant: tenant.slug, id: user.id, context: .test).partyID == person.id)
            await expectRosterError({ try await rt.services.identities.resolve(tenant: tenant.slug, identifier: "not valid", context: .test) }) {
                $0.invalidFields == ["identifier"]
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func apiKeysAuthenticateUntilRevoked(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let (key, secret) = try await rt.services.apiKeys.create(tenant: tenant.slug, name: "ci", role: .management, context: .test)
            #expect(secret.hasPrefix("rk_\(key.prefix)_"))
            let caller = try await rt.authenticator.authenticate(bearer: secret, tenant: nil, requestID: "t")
            #expect(caller?.tenantSlug == tenant.slug && caller?.role == .management && caller?.principal == .apiKey(key.id.description))
            #expect(try await rt.authenticator.authenticate(bearer: secret + "x", tenant: nil, requestID: "t") == nil)
            try await rt.services.apiKeys.revoke(tenant: tenant.slug, id: key.id, context: .test)
            #expect(try await rt.authenticator.authenticate(bearer: secret, tenant: nil, requestID: "t") == nil)
            await expectRosterError({ try await rt.services.apiKeys.revoke(tenant: tenant.slug, id: key.id, context: .test) }) { $0.isNotFound }
            let listed = try await rt.services.apiKeys.list(tenant: tenant.slug, context: .test)
            #expect(listed.first?.revokedAt != nil)

            // A key may hold access roles besides its coarse role; they come back with the key.
            let role = try await rt.services.access.createRole(tenant: tenant.slug, name: "readers", policies: ["parties.read"],
                                                               organizationID: nil, relationshipType: nil, context: .test)
            let (withRoles, roleSecret) = try await rt.services.apiKeys.create(tenant: tenant.slug, name: "app", role: .user,
                                                                              roleIDs: [role.id], context: .test)
            #expect(withRoles.roleIDs == [role.id])
            // Each role once, as the spec says: a repeated one was taken silently (found by a probe).
            await expectRosterError({
                try await rt.services.apiKeys.create(tenant: tenant.slug, name: "twice", role: .user, roleIDs: [role.id, role.id], context: .test)
            }) { $0.invalidFields == ["roleIds"] }
            let roleCaller = try await rt.authenticator.authenticate(bearer: roleSecret, tenant: nil, requestID: "t")
            #expect(roleCaller?.roleIDs == [role.id] && roleCaller?.role == .user)
            let grants = try await rt.services.access.me(tenant: tenant.slug, context: OperationContext(caller: roleCaller!, requestID: "t")).grants
            #expect(grants.scope(of: "parties.read") == .tenant && grants.scope(of: "parties.write") == nil)
            await expectRosterError({
                try await rt.services.apiKeys.create(tenant: tenant.slug, name: "bad", role: .user, roleIDs: [AccessRole.ID.make()], context: .test)
            }) { if case .notFound = $0 { true } else { false } }  // a missing record named in a body: 404, as for an edge's ends
        }
    }

    /// A user row carries personal data: reading one, listing them and `me` are audited like reads of parties.
    @Test(arguments: StoreKind.allCases)
    func readsOfUsersAreAudited(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let users = rt.services.users
            let ann = try await users.create(tenant: t, UserInput(email: "ann@example.com"), context: .test)
            let bob = try await users.create(tenant: t, UserInput(email: "bob@example.com"), context: .test)
            func actions(_ id: User.ID) async throws -> [String] {
                try await rt.services.audit.list(tenant: t, filter: AuditFilter(targetID: id.description), cursor: nil, limit: 50, context: .test).items.map(\.action)
            }
            #expect(try await actions(ann.id) == ["user.create"])
            _ = try await users.get(tenant: t, id: ann.id, context: .test)
            #expect(try await actions(ann.id) == ["user.read", "user.create"])
            _ = try await users.list(tenant: t, role: nil, isActive: nil, q: nil, segment: nil, cursor: nil, limit: 10, context: .test)
            #expect(try await actions(ann.id).first == "user.list")
            #expect(try await actions(bob.id) == ["user.list", "user.create"])
            let asBob = OperationContext(caller: Caller(principal: .user(bob.id.description), tenantSlug: t, role: .user), requestID: "me")
            _ = try await rt.services.access.me(tenant: t, context: asBob)
            let entries = try await rt.services.audit.list(tenant: t, filter: AuditFilter(targetID: bob.id.description), cursor: nil, limit: 1, context: .test).items
            #expect(entries.first?.action == "user.read" && entries.first?.actor == asBob.principal.description)
        }
    }

    /// A key a user made ends with the user, as does a key made by that key: a deactivated user's key went on working,
    /// and could make the user active again (found by a probe). A platform token's key stands alone.
    @Test(arguments: StoreKind.allCases)
    func aKeyMadeByAUserEndsWithIt(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant()
            let s = rt.services
            let role = try await s.access.createRole(tenant: t.slug, name: "Managers", policies: ["users.manage", "users.read"],
                                                     organizationID: nil, relationshipType: nil, context: .test)
            let alice = try await s.users.create(tenant: t.slug, UserInput(email: "alice@example.com"), context: .test)
            _ = try await s.access.grant(tenant: t.slug, user: alice.id, role: role.id, context: .test)
            let asAlice = OperationContext(caller: Caller(principal: .user(alice.id.description), tenantSlug: t.slug, role: .user), requestID: "t")
            let (key, secret) = try await s.apiKeys.create(tenant: t.slug, name: "alice-key", role: .user, roleIDs: [role.id], context: asAlice)
            #expect(key.createdBy == alice.id)
            let asKey = OperationContext(caller: Caller(principal: .apiKey(key.id.description), tenantSlug: t.slug, role: .user,
                                                        roleIDs: [role.id]), requestID: "t")
            let (child, childSecret) = try await s.apiKeys.create(tenant: t.slug, name: "child", role: .user, roleIDs: [role.id], context: asKey)
            #expect(child.createdBy == alice.id)
            let (ops, opsSecret) = try await s.apiKeys.create(tenant: t.slug, name: "ops", role: .user, context: .test)
            #expect(ops.createdBy == nil)
            func counts(_ secret: String) async throws -> Bool {
                try await rt.authenticator.authenticate(bearer: secret, tenant: t.slug, requestID: "t") != nil
            }
            var (own, made, platform) = (try await counts(secret), try await counts(childSecret), try await counts(opsSecret))
            #expect(own && made && platform)
            _ = try await s.users.update(tenant: t.slug, id: alice.id, UserInput(isActive: false), context: .test)
            (own, made, platform) = (try await counts(secret), try await counts(childSecret), try await counts(opsSecret))
            #expect(!own && !made && platform)
            #expect(try await s.apiKeys.list(tenant: t.slug, context: .test).first { $0.id == key.id }?.createdBy == alice.id)
            _ = try await s.users.update(tenant: t.slug, id: alice.id, UserInput(isActive: true), context: .test)
            (own, made) = (try await counts(secret), try await counts(childSecret))
            #expect(own && made)
        }
    }
}
