import Foundation
import HTTPTypes
import Testing

/// Attacks a scoped caller could try over HTTP (issue 9): ids spelled differently, bodies that name parties twice or
/// with escaped keys, and every escalation path. Each must end at the same decision as the plain request, with the
/// record unchanged. The services decide on the ids they actually use, so the spelling of the request can't matter.
@Suite("HTTP: security")
struct SecurityTests {
    typealias World = AuthorizationMatrixTests.World

    /// An id as an attacker may spell it: percent-encoded (one character, or all), or in upper-case hex.
    static func spellings(_ id: String) -> [String] {
        let all = id.utf8.map { String(format: "%%%02X", $0) }.joined()
        return [id, "%" + String(format: "%02X", id.utf8.first!) + id.dropFirst(), all, id.uppercased()]
    }

    struct Probe: Sendable {
        var operation: String
        var method: HTTPRequest.Method
        var path: @Sendable (World, String) -> String
        var id: @Sendable (World) -> String
        var body: (@Sendable (World) -> String)?
    }

    static let partyProbes: [Probe] = [
        Probe(operation: "getParty", method: .get, path: { w, id in "\(w.base)/parties/\(id)" }, id: { $0.person }),
        Probe(operation: "updateParty", method: .patch, path: { w, id in "\(w.base)/parties/\(id)" }, id: { $0.person }, body: { _ in #"{"note":"pwned"}"# }),
        Probe(operation: "changePartyState", method: .post, path: { w, id in "\(w.base)/parties/\(id)/state" }, id: { $0.person },
              body: { _ in #"{"state":"suspended"}"# }),
        Probe(operation: "deleteParty", method: .delete, path: { w, id in "\(w.base)/parties/\(id)" }, id: { $0.person }),
        Probe(operation: "restoreParty", method: .post, path: { w, id in "\(w.base)/parties/\(id)/restore" }, id: { $0.person }),
        Probe(operation: "getPartyHistory", method: .get, path: { w, id in "\(w.base)/parties/\(id)/history" }, id: { $0.person }),
        Probe(operation: "listChildren", method: .get, path: { w, id in "\(w.base)/parties/\(id)/children" }, id: { $0.north }),
        Probe(operation: "listDescendants", method: .get, path: { w, id in "\(w.base)/parties/\(id)/descendants" }, id: { $0.north }),
        Probe(operation: "listAncestors", method: .get, path: { w, id in "\(w.base)/parties/\(id)/ancestors" }, id: { $0.farm }),
        Probe(operation: "tagParty", method: .post, path: { w, id in "\(w.base)/parties/\(id)/tags" }, id: { $0.person }, body: { _ in #"{"text":"Pwned"}"# }),
        Probe(operation: "untagParty", method: .delete, path: { w, id in "\(w.base)/parties/\(id)/tags/\(w.tag)" }, id: { $0.person }),
        Probe(operation: "untagPartyByReference", method: .delete, path: { w, id in "\(w.base)/parties/\(id)/tags?tagId=\(w.tag)" },
              id: { $0.person }),
        Probe(operation: "getRelationship", method: .get, path: { w, id in "\(w.base)/relationships/\(id)" }, id: { $0.edge }),
        Probe(operation: "deleteRelationship", method: .delete, path: { w, id in "\(w.base)/relationships/\(id)" }, id: { $0.edge }),
        Probe(operation: "revealPartnerAccountSecret", method: .get, path: { w, id in "\(w.base)/partner-accounts/\(id)/secret" },
              id: { $0.account }),
        Probe(operation: "getPartnerAccount", method: .get, path: { w, id in "\(w.base)/partner-accounts/\(id)" }, id: { $0.account }),
        Probe(operation: "updatePartnerAccount", method: .patch, path: { w, id in "\(w.base)/partner-accounts/\(id)" }, id: { $0.account },
              body: { _ in #"{"secret":"pwned","active":false}"# }),
        Probe(operation: "deletePartnerAccount", method: .delete, path: { w, id in "\(w.base)/partner-accounts/\(id)" }, id: { $0.account }),
    ]

    static let userProbes: [Probe] = [
        Probe(operation: "getUser", method: .get, path: { w, id in "\(w.base)/users/\(id)" }, id: { $0.user }),
        Probe(operation: "updateUser", method: .patch, path: { w, id in "\(w.base)/users/\(id)" }, id: { $0.user }, body: { _ in #"{"role":"ADMIN"}"# }),
        Probe(operation: "listUserRoles", method: .get, path: { w, id in "\(w.base)/users/\(id)/roles" }, id: { $0.user }),
        Probe(operation: "grantRole", method: .post, path: { w, id in "\(w.base)/users/\(id)/roles" }, id: { $0.user },
              body: { w in #"{"roleId":"\#(w.role)"}"# }),
        Probe(operation: "revokeRole", method: .delete, path: { w, id in "\(w.base)/users/\(w.user)/roles/\(id)" }, id: { $0.role }),
        Probe(operation: "revokeRoleByReference", method: .delete, path: { w, _ in "\(w.base)/users/\(w.user)/roles" }, id: { $0.role },
              body: { w in #"{"roleId":"\#(w.role)"}"# }),
    ]

    /// What the platform sees of the records the probes aim at: nothing of it may change.
    static func snapshot(_ api: APIClient, _ w: World) async throws -> [String] {
        var seen: [String] = []
        for path in ["\(w.base)/parties/\(w.person)", "\(w.base)/parties/\(w.person)/history", "\(w.base)/relationships/\(w.edge)",
                     "\(w.base)/users/\(w.user)", "\(w.base)/users/\(w.user)/roles", "\(w.base)/parties/\(w.north)/children",
                     "\(w.base)/partner-accounts/\(w.account)"] {
            let response = try await api.send(.get, path)
            #expect(response.status == .ok, "\(path): \(response.text)")
            seen.append(response.text)
        }
        return seen
    }

    /// The South caller aims at North's records with every spelling of their ids: each spelling gets the plain
    /// request's answer (404 for parties, edges, accounts and users it may neither read nor manage, their grants and
    /// revocations included), and nothing changes.
    @Test func encodedIdsReachTheSameDecision() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let outside = world.tokens[.outside]!!
            let before = try await Self.snapshot(api, world)
            var failures: [String] = []
            for (probes, expected) in [(Self.partyProbes, 404), (Self.userProbes, 404)] {
                for probe in probes {
                    for spelling in Self.spellings(probe.id(world)) {
                        let path = probe.path(world, spelling)
                        let response = try await api.send(probe.method, path, json: probe.body?(world), token: outside)
                        if Int(response.status.code) != expected {
                            failures.append("\(probe.operation) \(path): \(response.status.code), expected \(expected): \(response.text.prefix(160))")
                        }
                    }
                    // Doubled slashes reach no operation at all, or the same decision.
                    let doubled = probe.path(world, probe.id(world)).replacingOccurrences(of: "/parties/", with: "//parties//")
                        .replacingOccurrences(of: "/relationships/", with: "//relationships//")
                    let response = try await api.send(probe.method, doubled, json: probe.body?(world), token: outside)
                    if ![expected, 404].contains(Int(response.status.code)) {
                        failures.append("\(probe.operation) \(doubled): \(response.status.code)")
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.count) different decisions:\n\(failures.joined(separator: "\n"))")
            #expect(try await Self.snapshot(api, world) == before, "a record changed")
        }
    }

    /// The North caller reads North's records under every spelling: the same 200 as the plain request.
    @Test func encodedIdsStillWorkForTheirOwner() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let inside = world.tokens[.inside]!!
            var failures: [String] = []
            for probe in Self.partyProbes where probe.method == .get {
                for spelling in Self.spellings(probe.id(world)) {
                    let response = try await api.send(.get, probe.path(world, spelling), token: inside)
                    if response.status != .ok { failures.append("\(probe.operation) \(spelling): \(response.status.code)") }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    /// Bodies that name a party twice (refused: 422 naming the member), or under an escaped key: the party the service
    /// uses is the one decided on.
    @Test func bodiesNamingPartiesDecideOnWhatIsUsed() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let outside = world.tokens[.outside]!!
            let south = try await api.send(.get, "\(world.base)/parties?q=South").decode(TList<TParty>.self).items[0].id
            let child = try await api.createParty(world.tenant, #"{"kind":"organization","name":"South child"}"#).id
            try await world.link(south, child)
            let before = try await Self.snapshot(api, world)
            let bodies = [
                // The first parentId is South's, the last North's: JSON parsers disagree on which wins.
                #"{"parentId":"\#(south)","childId":"\#(child)","type":"advises","parentId":"\#(world.north)"}"#,
                #"{"parentId":"\#(world.north)","childId":"\#(child)","type":"advises","parentId":"\#(south)"}"#,
                #"{"\u0070arentId":"\#(world.north)","childId":"\#(child)","type":"advises"}"#,
                #"{"parentId":"\#(child)","\u0063hildId":"\#(world.person)","type":"advises"}"#,
            ]
            for body in bodies {
                let response = try await api.send(.post, "\(world.base)/relationships", json: body, token: outside)
                if response.status == .created {
                    struct Edge: Codable { var parentId: String; var childId: String }
                    let edge = try response.decode(Edge.self)
                    #expect(edge.parentId == south && edge.childId == child, "an edge the caller may not make: \(response.text)")
                } else if response.status == .unprocessableContent {
                    #expect(response.problem?.errors?.map(\.field) == ["parentId"], "\(body): \(response.text)")
                } else {
                    #expect(response.status == .notFound, "\(body): \(response.status.code) \(response.text)")
                }
            }
            let accounts = [
                #"{"partnerId":"\#(world.partner)","customerId":"\#(child)","username":"u","secret":"s"}"#,
                #"{"\u0070artnerId":"\#(world.partner)","customerId":"\#(child)","username":"u","secret":"s"}"#,
                #"{"partnerId":"\#(child)","customerId":"\#(child)","username":"u","secret":"s","partnerId":"\#(world.partner)"}"#,
            ]
            for body in accounts {
                let response = try await api.send(.post, "\(world.base)/partner-accounts", json: body, token: outside)
                #expect([404, 422].contains(Int(response.status.code)), "\(body): \(response.status.code) \(response.text)")
            }
            let edges = try await api.send(.get, "\(world.base)/relationships?partyId=\(world.north)&limit=100").decode(TList<TEdge>.self)
            #expect(edges.items.allSatisfy { $0.type == "structure" }, "an edge was made on North")
            #expect(try await Self.snapshot(api, world) == before, "a record changed")
        }
    }

    struct TEdge: Codable { var id: String; var parentId: String; var childId: String; var type: String }
}

/// Each way a caller could reach above its own grants, refused, with the target unchanged (issue 9, item 2).
@Suite("HTTP: escalation paths")
struct EscalationTests {
    struct ID: Codable { var id: String }
    struct Key: Codable { var key: String }

    static func role(_ api: APIClient, _ t: String, _ name: String, _ policies: [String], organization: String? = nil) async throws -> String {
        let list = "[" + policies.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let org = organization.map { #","organizationId":"\#($0)""# } ?? ""
        let response = try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"\#(name)","policies":\#(list)\#(org)}"#)
        #expect(response.status == .created, "\(response.text)")
        return try response.decode(ID.self).id
    }

    static func key(_ api: APIClient, _ t: String, role: String = "USER", roles: [String] = []) async throws -> String {
        let ids = "[" + roles.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let response = try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"k","role":"\#(role)","roleIds":\#(ids)}"#)
        #expect(response.status == .created, "\(response.text)")
        return try response.decode(Key.self).key
    }

    static func user(_ api: APIClient, _ t: String, roles: [String] = [], role: String = "USER") async throws -> String {
        let id = try await api.send(.post, "/v1/tenants/\(t)/users",
                                    json: #"{"email":"\#(UUID().uuidString.prefix(8).lowercased())@example.com","role":"\#(role)"}"#).decode(ID.self).id
        for roleID in roles {
            #expect(try await api.send(.post, "/v1/tenants/\(t)/users/\(id)/roles", json: #"{"roleId":"\#(roleID)"}"#).status == .ok)
        }
        return id
    }

    /// users.manage alone can't take over a user who holds more: no SSO re-pointing, no email change of others.
    @Test func usersManageCannotTakeOverAStrongerUser() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let managers = try await Self.role(api, t, "managers", ["users.manage", "users.read"])
            let rolers = try await Self.role(api, t, "rolers", ["roles.manage"])
            let victim = try await Self.user(api, t, roles: [rolers])
            let plain = try await Self.user(api, t)
            let manager = try await Self.key(api, t, roles: [managers])
            let before = try await api.send(.get, "/v1/tenants/\(t)/users/\(victim)").text

            let repoint = try await api.send(.patch, "/v1/tenants/\(t)/users/\(victim)",
                                             json: #"{"ssoIssuer":"https://evil.example","ssoSubject":"me"}"#, token: manager)
            #expect(repoint.status == .forbidden, "\(repoint.text)")
            let deactivate = try await api.send(.patch, "/v1/tenants/\(t)/users/\(victim)", json: #"{"isActive":false}"#, token: manager)
            #expect(deactivate.status == .forbidden)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(victim)").text == before)

            // A user who holds nothing more: its department yes, its email or SSO identity only for ADMIN.
            #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(plain)", json: #"{"department":"Sales"}"#, token: manager).status == .ok)
            let email = try await api.send(.patch, "/v1/tenants/\(t)/users/\(plain)", json: #"{"email":"taken@evil.example"}"#, token: manager)
            #expect(email.status == .forbidden && email.text.contains("ADMIN"), "\(email.text)")
            let sso = try await api.send(.patch, "/v1/tenants/\(t)/users/\(plain)",
                                         json: #"{"ssoIssuer":"https://evil.example","ssoSubject":"x"}"#, token: manager)
            #expect(sso.status == .forbidden)
            #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(plain)", json: #"{"email":"new@example.com"}"#).status == .ok)

            // Nor through a key, a grant or the dealer import.
            let keyAbove = try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"x","roleIds":["\#(rolers)"]}"#, token: manager)
            #expect(keyAbove.status == .forbidden, "\(keyAbove.text)")
            let admin = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"boss@example.com","role":"ADMIN"}"#, token: manager)
            #expect(admin.status == .forbidden)
            struct Victim: Codable { var email: String }
            let victimEmail = try await api.send(.get, "/v1/tenants/\(t)/users/\(victim)").decode(Victim.self).email
            let imported = try await api.send(.post, "/v1/tenants/\(t)/users/import",
                                              json: #"{"rows":[{"email":"\#(victimEmail)","dealerCode":"RE-1"},{"email":"new-dealer@example.com"}]}"#,
                                              token: manager)
            struct Report: Codable { struct Row: Codable { var row: Int; var field: String; var message: String }; var created: Int; var errors: [Row] }
            let report = try imported.decode(Report.self)
            #expect(report.created == 1 && report.errors.map(\.row) == [1], "\(imported.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(victim)").text == before)
        }
    }

    /// A user is linked only to a party the caller may read: outside its scope the party answers as a missing one (404).
    @Test func usersLinkOnlyToReadableParties() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#)
            let nora = try await api.createParty(t, #"{"kind":"person","firstName":"Nora"}"#)
            let sam = try await api.createParty(t, #"{"kind":"person","firstName":"Sam"}"#)
            for (org, person) in [(north.id, nora.id), (south.id, sam.id)] {
                let edge = try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                              json: #"{"parentId":"\#(org)","childId":"\#(person)","type":"employment"}"#)
                #expect(edge.status == .created)
            }
            // Users tenant-wide, parties only under South.
            let managers = try await Self.role(api, t, "user-managers", ["users.manage", "users.read"])
            let southReaders = try await Self.role(api, t, "south-readers", ["parties.read"], organization: south.id)
            let key = try await Self.key(api, t, roles: [managers, southReaders])
            func link(_ party: String, _ email: String) async throws -> TResponse {
                try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"\#(email)","partyId":"\#(party)"}"#, token: key)
            }
            let outside = try await link(nora.id, "nora@example.com")
            let missing = try await link(UUID().uuidString.lowercased(), "ghost@example.com")
            #expect(outside.status == .notFound && missing.status == .notFound, "\(outside.text) \(missing.text)")
            #expect(outside.problem?.title == missing.problem?.title)
            let inside = try await link(sam.id, "sam@example.com")
            #expect(inside.status == .created, "\(inside.text)")
        }
    }

    /// roles.manage hands out only what its holder holds, as widely as it holds it.
    @Test func rolesManageGivesNothingAboveItself() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#).id
            let granters = try await Self.role(api, t, "granters", ["roles.manage", "parties.read", "users.read"])
            let secrets = try await Self.role(api, t, "secrets", ["credentials.reveal"])
            let granter = try await Self.key(api, t, roles: [granters])
            let target = try await Self.user(api, t)
            let create = try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"more","policies":["credentials.reveal"]}"#, token: granter)
            #expect(create.status == .forbidden, "\(create.text)")
            #expect(try await api.send(.post, "/v1/tenants/\(t)/users/\(target)/roles", json: #"{"roleId":"\#(secrets)"}"#, token: granter).status == .forbidden)
            // Within its own: a narrower role of policies it holds.
            let narrow = try await api.send(.post, "/v1/tenants/\(t)/roles",
                                            json: #"{"name":"north readers","policies":["parties.read"],"organizationId":"\#(north)"}"#, token: granter)
            #expect(narrow.status == .created, "\(narrow.text)")
            #expect(try await api.send(.post, "/v1/tenants/\(t)/users/\(target)/roles", json: #"{"roleId":"\#(narrow.decode(ID.self).id)"}"#,
                                       token: granter).status == .ok)
            let roles = try await api.send(.get, "/v1/tenants/\(t)/users/\(target)/roles").decode(TList<ID>.self)
            #expect(roles.items.count == 1)
        }
    }

    /// A caller whose roles.manage reaches one organization grants and revokes only for users whose roles all lie inside
    /// it: granting its own role to a role-less user (or one scoped elsewhere) would bring that user into its reach.
    @Test func aScopedGranterDoesNotTakeOverUsersOutside() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#).id
            let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#).id
            let admins = try await Self.role(api, t, "north admins", ["roles.manage", "users.manage", "users.read", "parties.read"],
                                             organization: north)
            let northReaders = try await Self.role(api, t, "north readers", ["parties.read"], organization: north)
            let southReaders = try await Self.role(api, t, "south readers", ["parties.read"], organization: south)
            let granter = try await Self.key(api, t, roles: [admins])
            let roleless = try await Self.user(api, t)
            let southern = try await Self.user(api, t, roles: [southReaders])
            let northern = try await Self.user(api, t, roles: [northReaders])
            for (target, name) in [(roleless, "role-less"), (southern, "south")] {
                let grant = try await api.send(.post, "/v1/tenants/\(t)/users/\(target)/roles", json: #"{"roleId":"\#(admins)"}"#, token: granter)
                // A user the granter may neither read nor manage is not confirmed to it (nor its policies named).
                #expect(grant.status == .notFound && !grant.text.contains("parties.read"), "\(name): \(grant.text)")
                let revoke = try await api.send(.delete, "/v1/tenants/\(t)/users/\(target)/roles/\(southReaders)", token: granter)
                #expect(revoke.status == .notFound, "\(name): \(revoke.text)")
                #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(target)", json: #"{"isActive":false}"#, token: granter).status == .notFound)
            }
            let outside = try await api.send(.post, "/v1/tenants/\(t)/users/\(roleless)/roles", json: #"{"roleId":"\#(northReaders)"}"#, token: granter)
            #expect(outside.status == .notFound, "\(outside.text)")
            let roles = try await api.send(.get, "/v1/tenants/\(t)/users/\(roleless)/roles").decode(TList<ID>.self)
            #expect(roles.items.isEmpty)
            // Inside its organization it grants and revokes.
            #expect(try await api.send(.post, "/v1/tenants/\(t)/users/\(northern)/roles", json: #"{"roleId":"\#(admins)"}"#, token: granter).status == .ok)
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/users/\(northern)/roles/\(admins)", token: granter).status == .noContent)
        }
    }

    /// Tenant status is the platform's; SSO settings are ADMIN's; a suspended tenant's callers read but don't write.
    @Test func tenantStatusSettingsAndSuspension() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let admin = try await Self.key(api, t, role: "ADMIN")
            let tenantManagers = try await Self.role(api, t, "tenant managers", ["tenants.manage"])
            let manager = try await Self.key(api, t, roles: [tenantManagers])
            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"status":"suspended"}"#, token: admin).status == .forbidden)
            let sso = #"{"settings":{"sso":{"issuer":"https://login.example.com","audience":"roster"}}}"#
            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: sso, token: manager).status == .forbidden)
            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"name":"Renamed"}"#, token: manager).status == .ok)
            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: sso, token: admin).status == .ok)
            // The retention decides when deleted parties are erased: tenants.manage alone set it to 0 (a probe). It needs
            // parties.erase on the whole tenant too.
            let retention = #"{"settings":{"retentionDays":0}}"#
            let refused = try await api.send(.patch, "/v1/tenants/\(t)", json: retention, token: manager)
            #expect(refused.status == .forbidden && refused.problem?.detail?.contains("parties.erase") == true, "\(refused.text)")
            let erasers = try await Self.role(api, t, "erasing tenant managers", ["tenants.manage", "parties.erase"])
            let eraser = try await Self.key(api, t, roles: [erasers])
            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: retention, token: eraser).status == .ok)
            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"retentionDays":null}}"#, token: admin).status == .ok)

            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"status":"suspended"}"#).status == .ok)
            let lift = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"status":"active"}"#, token: admin)
            #expect(lift.status == .forbidden, "\(lift.text)")
            let write = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"organization","name":"X"}"#, token: admin)
            #expect(write.status == .forbidden && write.problem?.detail?.contains("suspended") == true, "\(write.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties", token: admin).status == .ok)
            #expect(try await api.send(.get, "/v1/tenants/\(t)").decode(TTenant.self).status == "suspended")
            #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"status":"active"}"#).status == .ok)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"organization","name":"X"}"#, token: admin).status == .created)
        }
    }

    /// Two organizations, North and South, and a person below North (over `structure`).
    static func northAndSouth(_ api: APIClient, _ t: String) async throws -> (north: String, south: String, northPerson: String) {
        let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#).id
        let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#).id
        let northPerson = try await api.createParty(t, #"{"kind":"person","firstName":"N","email":"n@example.com"}"#).id
        #expect(try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                   json: #"{"parentId":"\#(north)","childId":"\#(northPerson)","type":"structure"}"#).status == .created)
        return (north, south, northPerson)
    }

    /// access/check and access/parties about another user answer only about parties the caller may read; a 409
    /// names the existing party only to a caller who may read it.
    @Test func answersStayInsideTheCallersView() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let (_, south, northPerson) = try await Self.northAndSouth(api, t)
            let everyone = try await Self.role(api, t, "everything", ["parties.read", "approve_tree"])
            let subject = try await Self.user(api, t, roles: [everyone])
            let southReaders = try await Self.role(api, t, "south readers", ["parties.read"], organization: south)
            let writers = try await Self.role(api, t, "writers", ["parties.write", "users.read"])
            let caller = try await Self.key(api, t, roles: [southReaders, writers])

            let hidden = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                            json: #"{"userId":"\#(subject)","policy":"approve_tree","partyId":"\#(northPerson)"}"#, token: caller)
            #expect(hidden.status == .notFound, "\(hidden.text)")
            let seen = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                          json: #"{"userId":"\#(subject)","policy":"approve_tree","partyId":"\#(south)"}"#, token: caller)
            #expect(seen.status == .ok, "\(seen.text)")
            let listed = try await api.send(.get, "/v1/tenants/\(t)/access/parties?userId=\(subject)&policy=approve_tree&limit=100", token: caller)
                .decode(TList<TParty>.self)
            #expect(listed.items.map(\.id) == [south])

            let duplicate = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","email":"N@example.com"}"#, token: caller)
            #expect(duplicate.status == .conflict && duplicate.problem?.existingId == nil, "\(duplicate.text)")
            let named = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","email":"N@example.com"}"#)
            #expect(named.status == .conflict && named.problem?.existingId == northPerson)
        }
    }

    /// A manager whose `users.manage` and `parties.read` reach one subtree reads and changes a user it manages, but is
    /// not told the id of that user's party when the party lies outside (it would confirm the party exists).
    @Test func aManagedUsersPartyOutsideIsNotNamed() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let (_, south, northPerson) = try await Self.northAndSouth(api, t)
            let southReaders = try await Self.role(api, t, "south readers", ["parties.read"], organization: south)
            let southManagers = try await Self.role(api, t, "south managers", ["parties.read", "users.manage"], organization: south)
            let managed = try await Self.user(api, t, roles: [southReaders])
            #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(managed)", json: #"{"partyId":"\#(northPerson)"}"#).status == .ok)
            let caller = try await Self.key(api, t, roles: [southManagers])
            struct Linked: Decodable { var id: String; var partyId: String? }

            let platform = try await api.send(.get, "/v1/tenants/\(t)/users/\(managed)").decode(Linked.self)
            #expect(platform.partyId == northPerson)
            let read = try await api.send(.get, "/v1/tenants/\(t)/users/\(managed)", token: caller)
            #expect(try read.status == .ok && read.decode(Linked.self).partyId == nil, "\(read.text)")
            let changed = try await api.send(.patch, "/v1/tenants/\(t)/users/\(managed)", json: #"{"displayName":"Renamed"}"#, token: caller)
            #expect(try changed.status == .ok && changed.decode(Linked.self).partyId == nil, "\(changed.text)")
            let unchanged = try await api.send(.patch, "/v1/tenants/\(t)/users/\(managed)", json: #"{"displayName":"Renamed"}"#, token: caller)
            #expect(try unchanged.status == .ok && unchanged.decode(Linked.self).partyId == nil, "\(unchanged.text)")
            // The link itself is kept.
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(managed)").decode(Linked.self).partyId == northPerson)
        }
    }

    /// Roles take `type` (the documented name) or its alias `relationshipType`, never silently dropped.
    @Test func roleTypeIsKept() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#).id
            struct Role: Codable { var type: String?; var relationshipType: String? }
            let typed = try await api.send(.post, "/v1/tenants/\(t)/roles",
                                           json: #"{"name":"planters","policies":["list_planter"],"organizationId":"\#(north)","type":"planting"}"#)
            #expect(typed.status == .created, "\(typed.text)")
            let role = try typed.decode(Role.self)
            #expect(role.type == "planting" && role.relationshipType == "planting")
            let alias = try await api.send(.post, "/v1/tenants/\(t)/roles",
                                           json: #"{"name":"alias","policies":["p"],"organizationId":"\#(north)","relationshipType":"planting"}"#)
            #expect(try alias.decode(Role.self).type == "planting")
            let both = try await api.send(.post, "/v1/tenants/\(t)/roles",
                                          json: #"{"name":"both","policies":["p"],"organizationId":"\#(north)","type":"a","relationshipType":"b"}"#)
            #expect(both.status == .unprocessableContent)
        }
    }
}
