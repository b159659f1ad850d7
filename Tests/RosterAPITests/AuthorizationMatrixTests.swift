import Foundation
import HTTPTypes
import RosterAPI
import Testing

/// Every endpoint × every kind of caller, from one table, over HTTP (issue 4, DESIGN.md §4.3).
///
/// Callers: no token, a bad token, the platform token, the tenant's ADMIN, MANAGEMENT, a USER whose role
/// grants every Roster policy on the organization the targets are under ("inside"), a USER with the same
/// role on a sibling organization ("outside"), and another tenant's ADMIN. The scoped USERs are API keys
/// with role ids: the same grant code as signed-in users (whose scoped roles the OIDC tests cover).
@Suite("HTTP: authorization matrix")
struct AuthorizationMatrixTests {
    enum Caller: CaseIterable {
        case none, bad, platform, admin, management, inside, outside, otherAdmin
    }

    /// The tenant and records every row acts on; rows that change or remove a record make a fresh one.
    struct World: @unchecked Sendable {
        let api: APIClient
        let tenant: String
        let other: String
        let north: String
        let farm: String
        let partner: String
        let person: String
        let personEmail: String
        let edge: String
        let user: String
        let role: String
        let tag: String
        let account: String
        var tokens: [Caller: String?] = [:]

        var base: String { "/v1/tenants/\(tenant)" }

        /// A new person below North (structure edge), made by the platform.
        func freshPerson() async throws -> String {
            let party = try await api.createParty(tenant, #"{"kind":"person","firstName":"Fresh","email":"\#(UUID().uuidString.prefix(8))@example.com"}"#)
            try await link(north, party.id)
            return party.id
        }

        @discardableResult
        func link(_ parent: String, _ child: String, type: String = "structure") async throws -> String {
            let response = try await api.send(.post, "\(base)/relationships", json: #"{"parentId":"\#(parent)","childId":"\#(child)","type":"\#(type)"}"#)
            #expect(response.status == .created, "\(response.text)")
            struct Edge: Codable { var id: String }
            return try response.decode(Edge.self).id
        }

        /// A finished import job of the platform's.
        func importJob() async throws -> String {
            try await api.send(.post, "\(base)/imports?type=parties", json: "firstName\nMatrix\n", headers: [.contentType: "text/csv"])
                .decode(TImportJob.self).id
        }

        /// A new account of the partner for a fresh person, made by the platform.
        func freshAccount() async throws -> String {
            struct ID: Codable { var id: String }
            return try await api.send(.post, "\(base)/partner-accounts", json: #"{"partnerId":"\#(partner)","customerId":"\#(try await freshPerson())","username":"u","secret":"s"}"#)
                .decode(ID.self).id
        }

        func freshUser() async throws -> String {
            try await api.send(.post, "\(base)/users", json: #"{"email":"\#(UUID().uuidString.prefix(8))@example.com"}"#).decode(TUser.self).id
        }
    }

    struct Row: Sendable {
        var operation: String
        var method: HTTPRequest.Method
        /// Path and JSON body, built per call.
        var request: @Sendable (World) async throws -> (String, String?)
        /// Expected status for platform, ADMIN, MANAGEMENT, inside USER, outside USER.
        var expect: [Int]
    }

    static let rows: [Row] = [
        Row(operation: "createTenant", method: .post, request: { _ in ("/v1/tenants", #"{"slug":"m-\#(UUID().uuidString.prefix(8).lowercased())","name":"M"}"#) },
            expect: [201, 403, 403, 403, 403]),
        Row(operation: "listTenants", method: .get, request: { _ in ("/v1/tenants", nil) }, expect: [200, 403, 403, 403, 403]),
        Row(operation: "retryTracking", method: .post, request: { w in ("\(w.base)/tracking/retry", nil) }, expect: [200, 403, 403, 403, 403]),
        Row(operation: "getTenant", method: .get, request: { w in (w.base, nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "updateTenant", method: .patch, request: { w in (w.base, #"{"name":"Renamed"}"#) }, expect: [200, 200, 403, 403, 403]),
        Row(operation: "createParty", method: .post, request: { w in ("\(w.base)/parties", #"{"kind":"organization","name":"New"}"#) },
            expect: [201, 201, 403, 403, 403]),
        Row(operation: "searchParties", method: .get, request: { w in ("\(w.base)/parties", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "lookupParty", method: .get, request: { w in ("\(w.base)/parties/lookup?email=\(w.personEmail)", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "getParty", method: .get, request: { w in ("\(w.base)/parties/\(w.person)", nil) }, expect: [200, 200, 200, 200, 404]),
        Row(operation: "updateParty", method: .patch, request: { w in ("\(w.base)/parties/\(try await w.freshPerson())", #"{"note":"n"}"#) },
            expect: [200, 200, 403, 200, 404]),
        Row(operation: "deleteParty", method: .delete, request: { w in ("\(w.base)/parties/\(try await w.freshPerson())", nil) },
            expect: [200, 200, 403, 200, 404]),
        Row(operation: "deleteParty", method: .delete, request: { w in ("\(w.base)/parties/\(try await w.freshPerson())?erase=true", nil) },
            expect: [204, 204, 403, 204, 404]),
        Row(operation: "restoreParty", method: .post, request: { w in
            let id = try await w.freshPerson()
            #expect(try await w.api.send(.delete, "\(w.base)/parties/\(id)").status == .ok)
            return ("\(w.base)/parties/\(id)/restore", nil)
        }, expect: [200, 200, 403, 200, 404]),
        Row(operation: "changePartyState", method: .post, request: { w in
            ("\(w.base)/parties/\(try await w.freshPerson())/state", #"{"state":"suspended"}"#)
        }, expect: [200, 200, 403, 200, 404]),
        Row(operation: "getPartyHistory", method: .get, request: { w in ("\(w.base)/parties/\(w.person)/history", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "recordConsent", method: .post, request: { w in
            ("\(w.base)/parties/\(w.person)/consents", #"{"purpose":"newsletter","status":"granted","source":"matrix"}"#)
        }, expect: [201, 201, 403, 201, 404]),
        Row(operation: "listConsents", method: .get, request: { w in ("\(w.base)/parties/\(w.person)/consents", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "listConsentMatches", method: .get, request: { w in ("\(w.base)/consents?purpose=newsletter", nil) },
            expect: [200, 200, 200, 200, 200]),
        Row(operation: "exportParty", method: .get, request: { w in ("\(w.base)/parties/\(w.person)/export", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "exportParties", method: .get, request: { w in ("\(w.base)/parties/export?format=jsonl", nil) },
            expect: [200, 200, 200, 200, 200]),
        Row(operation: "exportRelationships", method: .get, request: { w in ("\(w.base)/relationships/export?format=jsonl", nil) },
            expect: [200, 200, 200, 200, 200]),
        Row(operation: "createImport", method: .post, request: { w in ("\(w.base)/imports?type=parties", "firstName\nMatrix\n") },
            expect: [202, 202, 403, 403, 403]),
        Row(operation: "listImports", method: .get, request: { w in ("\(w.base)/imports", nil) }, expect: [200, 200, 403, 200, 200]),
        // Another's job is not there for a caller that may import only in part of the tenant (404, as a missing one).
        Row(operation: "getImport", method: .get, request: { w in ("\(w.base)/imports/\(try await w.importJob())", nil) },
            expect: [200, 200, 403, 404, 404]),
        Row(operation: "listImportErrors", method: .get, request: { w in ("\(w.base)/imports/\(try await w.importJob())/errors", nil) },
            expect: [200, 200, 403, 404, 404]),
        Row(operation: "listDuplicates", method: .get, request: { w in ("\(w.base)/parties/duplicates", nil) },
            expect: [200, 200, 200, 200, 200]),
        Row(operation: "mergeParties", method: .post, request: { w in
            ("\(w.base)/parties/\(try await w.freshPerson())/merge", #"{"from":["\#(try await w.freshPerson())"]}"#)
        }, expect: [200, 200, 403, 200, 404]),
        Row(operation: "undoMerge", method: .post, request: { w in
            let response = try await w.api.send(.post, "\(w.base)/parties/\(try await w.freshPerson())/merge",
                                                json: #"{"from":["\#(try await w.freshPerson())"]}"#)
            struct Merge: Codable { var id: String }
            return ("\(w.base)/merges/\(try response.decode(Merge.self).id)/undo", nil)
        }, expect: [200, 200, 403, 200, 404]),
        Row(operation: "listChildren", method: .get, request: { w in ("\(w.base)/parties/\(w.north)/children", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "listDescendants", method: .get, request: { w in ("\(w.base)/parties/\(w.north)/descendants", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "listAncestors", method: .get, request: { w in ("\(w.base)/parties/\(w.farm)/ancestors", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "createRelationship", method: .post, request: { w in
            ("\(w.base)/relationships", #"{"parentId":"\#(w.farm)","childId":"\#(try await w.freshPerson())","type":"advises"}"#)
        }, expect: [201, 201, 403, 201, 404]),
        Row(operation: "listRelationships", method: .get, request: { w in ("\(w.base)/relationships", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "getRelationship", method: .get, request: { w in ("\(w.base)/relationships/\(w.edge)", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "deleteRelationship", method: .delete, request: { w in
            ("\(w.base)/relationships/\(try await w.link(w.farm, try await w.freshPerson(), type: "advises"))", nil)
        }, expect: [204, 204, 403, 204, 404]),
        Row(operation: "createTag", method: .post, request: { w in ("\(w.base)/tags", #"{"text":"T \#(UUID().uuidString.prefix(6))"}"#) },
            expect: [201, 201, 403, 403, 403]),
        Row(operation: "listTags", method: .get, request: { w in ("\(w.base)/tags", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "tagParty", method: .post, request: { w in ("\(w.base)/parties/\(w.person)/tags", #"{"text":"Gold"}"#) },
            expect: [200, 200, 403, 200, 404]),
        Row(operation: "untagParty", method: .delete, request: { w in
            let id = try await w.freshPerson()
            #expect(try await w.api.send(.post, "\(w.base)/parties/\(id)/tags", json: #"{"text":"Matrix"}"#).status == .ok)
            return ("\(w.base)/parties/\(id)/tags/\(w.tag)", nil)
        }, expect: [204, 204, 403, 204, 404]),
        Row(operation: "untagPartyByReference", method: .delete, request: { w in
            let id = try await w.freshPerson()
            #expect(try await w.api.send(.post, "\(w.base)/parties/\(id)/tags", json: #"{"text":"Matrix"}"#).status == .ok)
            return ("\(w.base)/parties/\(id)/tags?text=Matrix", nil)
        }, expect: [204, 204, 403, 204, 404]),
        Row(operation: "createPartnerAccount", method: .post, request: { w in
            ("\(w.base)/partner-accounts", #"{"partnerId":"\#(w.partner)","customerId":"\#(try await w.freshPerson())","username":"u","secret":"s"}"#)
        }, expect: [201, 201, 403, 201, 404]),
        Row(operation: "listPartnerAccounts", method: .get, request: { w in ("\(w.base)/partner-accounts", nil) },
            expect: [200, 200, 200, 200, 200]),
        Row(operation: "getPartnerAccount", method: .get, request: { w in ("\(w.base)/partner-accounts/\(w.account)", nil) },
            expect: [200, 200, 200, 200, 404]),
        Row(operation: "updatePartnerAccount", method: .patch, request: { w in
            ("\(w.base)/partner-accounts/\(try await w.freshAccount())", #"{"secret":"rotated","active":false}"#)
        }, expect: [200, 200, 403, 200, 404]),
        Row(operation: "deletePartnerAccount", method: .delete, request: { w in
            ("\(w.base)/partner-accounts/\(try await w.freshAccount())", nil)
        }, expect: [204, 204, 403, 204, 404]),
        Row(operation: "revealPartnerAccountSecret", method: .get, request: { w in ("\(w.base)/partner-accounts/\(w.account)/secret", nil) },
            expect: [200, 200, 403, 200, 404]),
        Row(operation: "createUser", method: .post, request: { w in ("\(w.base)/users", #"{"email":"\#(UUID().uuidString.prefix(8))@example.com"}"#) },
            expect: [201, 201, 403, 403, 403]),
        Row(operation: "listUsers", method: .get, request: { w in ("\(w.base)/users", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "importDealers", method: .post, request: { w in
            ("\(w.base)/users/import", #"{"rows":[{"email":"dealer@example.com","dealerCode":"RE-9"}]}"#)
        }, expect: [200, 200, 403, 403, 403]),
        Row(operation: "getUser", method: .get, request: { w in ("\(w.base)/users/\(w.user)", nil) }, expect: [200, 200, 200, 404, 404]),
        Row(operation: "updateUser", method: .patch, request: { w in ("\(w.base)/users/\(w.user)", #"{"department":"Sales"}"#) },
            expect: [200, 200, 403, 404, 404]),
        Row(operation: "getSegment", method: .get, request: { w in ("\(w.base)/segments/dealer", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "putSegment", method: .put, request: { w in
            ("\(w.base)/segments/dealer", #"{"rules":[{"field":"employeeId","operator":"prefix","value":"RE-"}]}"#)
        }, expect: [200, 200, 403, 403, 403]),
        Row(operation: "listSegments", method: .get, request: { w in ("\(w.base)/segments", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "deleteSegment", method: .delete, request: { w in
            let name = "matrix-\(UUID().uuidString.prefix(8).lowercased())"
            let put = try await w.api.send(.put, "\(w.base)/segments/\(name)",
                                           json: #"{"rules":[{"field":"department","operator":"equals","value":"M"}]}"#)
            #expect(put.status == .ok)
            return ("\(w.base)/segments/\(name)", nil)
        }, expect: [204, 204, 403, 403, 403]),
        Row(operation: "resolveIdentity", method: .post, request: { w in ("\(w.base)/identities", #"{"identifier":"id@example.com"}"#) },
            expect: [200, 200, 403, 403, 403]),
        Row(operation: "createAPIKey", method: .post, request: { w in ("\(w.base)/api-keys", #"{"name":"k"}"#) }, expect: [201, 201, 403, 403, 403]),
        Row(operation: "listAPIKeys", method: .get, request: { w in ("\(w.base)/api-keys", nil) }, expect: [200, 200, 200, 403, 403]),
        Row(operation: "revokeAPIKey", method: .delete, request: { w in
            struct Created: Codable { struct Key: Codable { var id: String }; var apiKey: Key }
            let key = try await w.api.send(.post, "\(w.base)/api-keys", json: #"{"name":"victim"}"#).decode(Created.self)
            return ("\(w.base)/api-keys/\(key.apiKey.id)", nil)
        }, expect: [204, 204, 403, 403, 403]),
        Row(operation: "getMe", method: .get, request: { w in ("\(w.base)/me", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "createRole", method: .post, request: { w in ("\(w.base)/roles", #"{"name":"R \#(UUID().uuidString.prefix(6))","policies":["x"]}"#) },
            expect: [201, 201, 403, 403, 403]),
        Row(operation: "listRoles", method: .get, request: { w in ("\(w.base)/roles", nil) }, expect: [200, 200, 200, 200, 200]),
        Row(operation: "deleteRole", method: .delete, request: { w in
            struct Created: Codable { var id: String }
            let role = try await w.api.send(.post, "\(w.base)/roles", json: #"{"name":"Doomed \#(UUID().uuidString.prefix(6))","policies":["x"]}"#)
            return ("\(w.base)/roles/\(try role.decode(Created.self).id)", nil)
        // A tenant-wide role is not there for a scoped caller, which may not list roles (a 403 named it; a probe).
        }, expect: [204, 204, 403, 404, 404]),
        // To a user inside the organization (one holding the role already: a grant again is a no-op). A role-less
        // user lies in no subtree: only tenant-wide granters reach it (SecurityTests). To the outside caller, a user it
        // may not read is not there (404), as for its other operations on users.
        Row(operation: "grantRole", method: .post, request: { w in
            let user = try await w.freshUser()
            #expect(try await w.api.send(.post, "\(w.base)/users/\(user)/roles", json: #"{"roleId":"\#(w.role)"}"#).status == .ok)
            return ("\(w.base)/users/\(user)/roles", #"{"roleId":"\#(w.role)"}"#)
        }, expect: [200, 200, 403, 200, 404]),
        Row(operation: "listUserRoles", method: .get, request: { w in ("\(w.base)/users/\(w.user)/roles", nil) }, expect: [200, 200, 200, 404, 404]),
        Row(operation: "revokeRole", method: .delete, request: { w in
            let user = try await w.freshUser()
            #expect(try await w.api.send(.post, "\(w.base)/users/\(user)/roles", json: #"{"roleId":"\#(w.role)"}"#).status == .ok)
            return ("\(w.base)/users/\(user)/roles/\(w.role)", nil)
        }, expect: [204, 204, 403, 204, 404]),
        Row(operation: "revokeRoleByReference", method: .delete, request: { w in
            let user = try await w.freshUser()
            #expect(try await w.api.send(.post, "\(w.base)/users/\(user)/roles", json: #"{"roleId":"\#(w.role)"}"#).status == .ok)
            return ("\(w.base)/users/\(user)/roles", #"{"roleId":"\#(w.role)"}"#)
        }, expect: [204, 204, 403, 204, 404]),
        Row(operation: "checkAccess", method: .post, request: { w in
            ("\(w.base)/access/check", #"{"userId":"\#(w.user)","policy":"approve_tree","partyId":"\#(w.farm)"}"#)
        }, expect: [200, 200, 200, 404, 404]),
        Row(operation: "listAccessibleParties", method: .get, request: { w in ("\(w.base)/access/parties?userId=\(w.user)&policy=x", nil) },
            expect: [200, 200, 200, 404, 404]),
        Row(operation: "identifyCustomer", method: .post, request: { w in ("\(w.base)/customers/identify", #"{"email":"walk-in@example.com"}"#) },
            expect: [200, 200, 403, 403, 403]),
        Row(operation: "customerStats", method: .get, request: { w in ("\(w.base)/customers/stats", nil) }, expect: [200, 200, 200, 403, 403]),
        Row(operation: "listAudit", method: .get, request: { w in ("\(w.base)/audit", nil) }, expect: [200, 200, 200, 403, 403]),
        // A scoped audit.read reads the entries of one party inside its subtree at a time.
        Row(operation: "listAudit", method: .get, request: { w in ("\(w.base)/audit?targetId=\(w.person)", nil) }, expect: [200, 200, 200, 200, 404]),
        Row(operation: "verifyAudit", method: .get, request: { w in ("\(w.base)/audit/verify", nil) }, expect: [200, 200, 200, 403, 403]),
        Row(operation: "verifyAuditAnchor", method: .post, request: { w in
            ("\(w.base)/audit/verify", #"{"count":0,"hash":"0000000000000000000000000000000000000000000000000000000000000000"}"#)
        }, expect: [200, 200, 200, 403, 403]),
        Row(operation: "getAuditHead", method: .get, request: { w in ("\(w.base)/audit/head", nil) }, expect: [200, 200, 200, 403, 403]),
    ]

    static func makeWorld(_ api: APIClient) async throws -> World {
        let t = try await api.makeTenant()
        let o = try await api.makeTenant()
        let base = "/v1/tenants/\(t)"
        let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
        let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#)
        let farm = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
        let partner = try await api.createParty(t, #"{"kind":"organization","name":"Partner","roles":["partner"]}"#)
        let email = "inside-\(UUID().uuidString.prefix(6).lowercased())@example.com"
        let person = try await api.createParty(t, #"{"kind":"person","firstName":"In","email":"\#(email)"}"#)
        let user = try await api.send(.post, "\(base)/users", json: #"{"email":"someone@example.com"}"#).decode(TUser.self)
        struct ID: Codable { var id: String }
        let every = #"["parties.read","parties.write","parties.erase","relationships.write","users.read","users.manage","roles.manage","credentials.reveal","audit.read","tenants.manage"]"#
        let inside = try await api.send(.post, "\(base)/roles", json: #"{"name":"North all","policies":\#(every),"organizationId":"\#(north.id)"}"#).decode(ID.self)
        let outside = try await api.send(.post, "\(base)/roles", json: #"{"name":"South all","policies":\#(every),"organizationId":"\#(south.id)"}"#).decode(ID.self)
        let tag = try await api.send(.post, "\(base)/tags", json: #"{"text":"Matrix"}"#).decode(ID.self)
        let account = try await api.send(.post, "\(base)/partner-accounts",
                                         json: #"{"partnerId":"\#(partner.id)","customerId":"\#(person.id)","username":"a","secret":"s"}"#).decode(ID.self)
        var world = World(api: api, tenant: t, other: o, north: north.id, farm: farm.id, partner: partner.id, person: person.id, personEmail: email,
                          edge: "", user: user.id, role: inside.id, tag: tag.id, account: account.id)
        world = World(api: api, tenant: t, other: o, north: north.id, farm: farm.id, partner: partner.id, person: person.id, personEmail: email,
                      edge: try await world.link(north.id, farm.id), user: user.id, role: inside.id, tag: tag.id, account: account.id)
        try await world.link(north.id, partner.id)
        try await world.link(north.id, person.id)

        struct Created: Codable { var key: String }
        func key(_ tenant: String, _ json: String) async throws -> String {
            let response = try await api.send(.post, "/v1/tenants/\(tenant)/api-keys", json: json)
            #expect(response.status == .created, "\(response.text)")
            return try response.decode(Created.self).key
        }
        world.tokens = [
            .none: nil, .bad: "rst_not-a-token", .platform: platformToken,
            .admin: try await key(t, #"{"name":"admin","role":"ADMIN"}"#),
            .management: try await key(t, #"{"name":"management","role":"MANAGEMENT"}"#),
            .inside: try await key(t, #"{"name":"inside","role":"USER","roleIds":["\#(inside.id)"]}"#),
            .outside: try await key(t, #"{"name":"outside","role":"USER","roleIds":["\#(outside.id)"]}"#),
            .otherAdmin: try await key(o, #"{"name":"their admin","role":"ADMIN"}"#),
        ]
        return world
    }

    /// The table covers every operation of the spec but the unauthenticated health checks, and so does the
    /// middleware's rule table: a new endpoint without a rule fails here.
    @Test func tableCoversEveryOperation() throws {
        let spec = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RosterOpenAPI/openapi.yaml"), encoding: .utf8)
        let operations = Set(spec.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("operationId:") else { return nil }
            return trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces)
        })
        #expect(operations.count > 40)
        #expect(Set(Self.rows.map(\.operation)) == operations.subtracting(["healthLive", "healthReady"]))
        #expect(Set(OperationRules.all.keys) == operations)
    }

    @Test func everyEndpointForEveryCaller() async throws {
        try await withApp { api in
            let world = try await Self.makeWorld(api)
            var failures: [String] = []
            for row in Self.rows {
                for caller in Caller.allCases {
                    let (path, body) = try await row.request(world)
                    let expected: Int = switch caller {
                    case .none, .bad: 401
                    case .platform: row.expect[0]
                    case .admin: row.expect[1]
                    case .management: row.expect[2]
                    case .inside: row.expect[3]
                    case .outside: row.expect[4]
                    // Another tenant's records don't exist for it; platform operations are refused.
                    case .otherAdmin: path.hasPrefix(world.base) ? 404 : 403
                    }
                    // An import's body is CSV.
                    let headers: HTTPFields = path.contains("/imports?") ? [.contentType: "text/csv"] : [:]
                    let response = try await api.send(row.method, path, json: body, token: world.tokens[caller] ?? nil, headers: headers)
                    if Int(response.status.code) != expected {
                        failures.append("\(row.operation) as \(caller): \(response.status.code), expected \(expected): \(response.text.prefix(200))")
                    }
                    if response.status.code >= 400 {
                        #expect(response.headers[.contentType] == "application/problem+json", "\(row.operation) as \(caller)")
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.joined(separator: "\n"))")
        }
    }

    /// Lists show a scoped caller only its subtree, and the audit names the real actor.
    @Test func scopedListsAndActors() async throws {
        try await withApp { api in
            let world = try await Self.makeWorld(api)
            let inside = world.tokens[.inside]!!
            let outside = world.tokens[.outside]!!
            let found = try await api.send(.get, "\(world.base)/parties?limit=100", token: inside).decode(TList<TParty>.self)
            #expect(Set(found.items.map(\.id)) == [world.north, world.farm, world.partner, world.person])
            let none = try await api.send(.get, "\(world.base)/parties?limit=100", token: outside).decode(TList<TParty>.self)
            #expect(none.items.map(\.name) == ["South"])
            // Ancestors of the farm: North only for the inside caller; all for the platform.
            let above = try await api.send(.get, "\(world.base)/parties/\(world.farm)/ancestors", token: inside)
            #expect(above.status == .ok && above.text.contains(world.north))
            let edges = try await api.send(.get, "\(world.base)/relationships?limit=100", token: outside)
            #expect(edges.status == .ok && !edges.text.contains(world.north))

            let changed = try await api.send(.patch, "\(world.base)/parties/\(world.person)", json: #"{"note":"by inside"}"#, token: inside)
            #expect(changed.status == .ok)
            let me = try await api.send(.get, "\(world.base)/me", token: inside)
            struct Me: Codable {
                struct Policy: Codable { struct Subtree: Codable { var organizationId: String }; var policy: String; var scope: String; var subtrees: [Subtree]? }
                var kind: String; var id: String; var allPolicies: Bool?; var policies: [Policy]?
            }
            let caller = try me.decode(Me.self)
            #expect(caller.kind == "apiKey" && caller.allPolicies == false)
            let read = caller.policies?.first { $0.policy == "parties.read" }
            #expect(read?.scope == "subtrees" && read?.subtrees?.map(\.organizationId) == [world.north])
            let audit = try await api.send(.get, "\(world.base)/audit?limit=200").decode(TList<TAuditEntry>.self)
            #expect(audit.items.contains { $0.actor == "apikey:\(caller.id)" && $0.action == "party.update" && $0.targetId == world.person })
        }
    }
}
