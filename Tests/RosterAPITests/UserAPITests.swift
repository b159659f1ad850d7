import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

struct TUser: Codable {
    var id: String
    var email: String?
    var employeeId: String?
    var designation: String?
    var department: String?
    var role: String
    var isActive: Bool
    var partyId: String?
    var version: Int
}

@Suite("HTTP: users, segments, identities, API keys, access")
struct UserAPITests {
    /// A caller with users.read on one organization lists the roles inside it and its own, not the others (the API
    /// refused it the list the console showed it; found by a probe).
    @Test func aScopedCallerListsTheRolesItMayKnow() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#)
            let farm = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/relationships", json: #"{"parentId":"\#(north.id)","childId":"\#(farm.id)","type":"structure"}"#).status == .created)
            for (name, org) in [("Farm hands", farm.id), ("South readers", south.id)] {
                #expect(try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"\#(name)","policies":["parties.read"],"organizationId":"\#(org)"}"#).status == .created)
            }
            let key = try await api.scopedKey(t, policies: ["users.read"], organization: north.id)
            struct Role: Codable { var name: String }
            let listed = try await api.send(.get, "/v1/tenants/\(t)/roles", token: key)
            #expect(listed.status == .ok, "\(listed.text)")
            let names = try listed.decode(TList<Role>.self).items.map(\.name)
            #expect(names.contains("Farm hands") && !names.contains("South readers") && names.count == 2, "\(names)")
            let all = try await api.send(.get, "/v1/tenants/\(t)/roles").decode(TList<Role>.self).items.map(\.name)
            #expect(Set(all).isSuperset(of: names) && all.contains("South readers"))
        }
    }

    @Test func usersSegmentsImport() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let base = "/v1/tenants/\(t)/users"
            let created = try await api.send(.post, base, json: #"{"email":"Ann@Example.com","displayName":"Ann","role":"ADMIN"}"#)
            #expect(created.status == .created)
            let ann = try created.decode(TUser.self)
            #expect(ann.role == "ADMIN" && ann.isActive)
            #expect(try await api.send(.post, base, json: #"{"email":"ann@example.com"}"#).status == .conflict)
            // An IDN domain in Unicode and in punycode is one address (as for parties): one user, found by either form.
            let other = "/v1/tenants/\(try await api.makeTenant())/users"
            let idn = try await api.send(.post, other, json: #"{"email":"u2@bücher.example"}"#)
            #expect(idn.status == .created, "\(idn.text)")
            let idnID = try idn.decode(TUser.self).id
            let punycode = try await api.send(.post, other, json: #"{"email":"u2@xn--bcher-kva.example"}"#)
            #expect(punycode.status == .conflict && punycode.text.contains(idnID), "\(punycode.text)")
            // Searched as it was given (the identity key's punycode is no search key), whole or by its start.
            for q in ["u2%40b%C3%BCcher.example", "u2%40b", "U2%40B%C3%9C"] {
                let found = try await api.send(.get, "\(other)?q=\(q)").decode(TList<TUser>.self)
                #expect(found.items.map(\.id) == [idnID], "\(q)")
            }
            // A dealer row: a code or a name that can't be kept refuses the row, named, instead of being dropped.
            let long = try await api.send(.post, "\(other)/import",
                                          json: #"{"rows":[{"email":"u2@xn--bcher-kva.example","dealerCode":"RE-1"},{"email":"long@example.com","dealerCode":"\#(String(repeating: "R", count: 65))"}]}"#)
            #expect(long.status == .ok && long.text.contains("\"updated\":1") && long.text.contains("\"created\":0")
                    && long.text.contains("dealerCode"), "\(long.text)")
            #expect(try await api.send(.post, base, json: #"{"email":"bad"}"#).status == .unprocessableContent)
            #expect(try await api.send(.post, base, json: #"{"email":"x@example.com","role":"GOD"}"#).status == .unprocessableContent)
            #expect(try await api.send(.get, "\(base)/\(ann.id)").status == .ok)
            #expect(try await api.send(.get, "\(base)/\(UUID().uuidString)").status == .notFound)
            let patched = try await api.send(.patch, "\(base)/\(ann.id)", json: #"{"designation":"Dealer","displayName":null}"#)
            #expect(patched.status == .ok)
            #expect(try patched.decode(TUser.self).designation == "Dealer")
            #expect(try await api.send(.patch, "\(base)/\(ann.id)", json: #"{"nickname":"x"}"#).status == .unprocessableContent)

            let report = try await api.send(.post, "\(base)/import", json: nil, headers: [.contentType: "text/csv"])
            #expect(report.status == .badRequest || report.status == .unprocessableContent)
            struct Report: Codable { var created: Int; var updated: Int; var unchanged: Int }
            let csv = "email,displayName,dealerCode\nd1@example.com,D One,RE-1\nd2@example.com,D Two,RE-2\n"
            let imported = try await api.client.execute(uri: "\(base)/import", method: .post,
                                                        headers: [.authorization: "Bearer \(platformToken)", .contentType: "text/csv"],
                                                        body: .init(string: csv))
            #expect(imported.status == .ok)
            let first = try JSONDecoder().decode(Report.self, from: Data(imported.body.readableBytesView))
            #expect(first.created == 2)
            #expect(try await api.send(.post, "/v1/tenants/no-such/users/import", json: #"{"rows":[]}"#).status == .notFound)
            let again = try await api.send(.post, "\(base)/import", json: #"{"rows":[{"email":"d1@example.com","dealerCode":"RE-1"}]}"#)
            #expect(try again.decode(Report.self).unchanged == 1)

            let dealers = try await api.send(.get, "\(base)?segment=dealer").decode(TList<TUser>.self)
            #expect(Set(dealers.items.compactMap(\.email)) == ["Ann@example.com", "d1@example.com", "d2@example.com"])
            #expect(try await api.send(.get, "\(base)?segment=ghost").status == .notFound)
            let badSegment = try await api.send(.get, "\(base)?segment=bad!")
            #expect(badSegment.status == .unprocessableContent && badSegment.problem?.errors?.map(\.field) == ["segment"], "\(badSegment.text)")
            let segment = try await api.send(.get, "/v1/tenants/\(t)/segments/dealer")
            #expect(segment.status == .ok && segment.text.contains("RE-") && segment.text.contains(#""caseSensitive":true"#))
            let put = try await api.send(.put, "/v1/tenants/\(t)/segments/dealer",
                                         json: #"{"rules":[{"field":"employeeId","operator":"equals","value":"RE-2"}]}"#)
            #expect(put.status == .ok)
            let narrowed = try await api.send(.get, "\(base)?segment=dealer").decode(TList<TUser>.self)
            #expect(narrowed.items.compactMap(\.email) == ["d2@example.com"])
            #expect(try await api.send(.put, "/v1/tenants/\(t)/segments/dealer", json: #"{"rules":[]}"#).status == .unprocessableContent)

            // The list (the tenant's own, by name), a page at a time; DELETE brings the built-in dealer segment back.
            #expect(try await api.send(.put, "/v1/tenants/\(t)/segments/agents",
                                       json: #"{"rules":[{"field":"department","operator":"equals","value":"Agency"}]}"#).status == .ok)
            struct TRule: Codable { var field: String; var `operator`: String; var value: String; var caseSensitive: Bool? }
            struct TSegment: Codable { var name: String; var rules: [TRule] }
            let firstPage = try await api.send(.get, "/v1/tenants/\(t)/segments?limit=1").decode(TList<TSegment>.self)
            #expect(firstPage.items.map(\.name) == ["agents"] && firstPage.nextCursor == "agents")
            let second = try await api.send(.get, "/v1/tenants/\(t)/segments?limit=1&cursor=agents").decode(TList<TSegment>.self)
            #expect(second.items.map(\.name) == ["dealer"] && second.items.first?.rules.first?.value == "RE-2" && second.nextCursor == nil)
            let badCursor = try await api.send(.get, "/v1/tenants/\(t)/segments?cursor=bad!")
            #expect(badCursor.status == .unprocessableContent && badCursor.problem?.errors?.map(\.field) == ["cursor"], "\(badCursor.text)")
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/segments/dealer").status == .noContent)
            #expect(try await api.send(.get, "\(base)?segment=dealer").decode(TList<TUser>.self).items.count == 3)
            let deletedTwice = try await api.send(.delete, "/v1/tenants/\(t)/segments/dealer")
            #expect(deletedTwice.status == .notFound && deletedTwice.problem?.detail?.contains("built in") == true, "\(deletedTwice.text)")
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/segments/ghost").status == .notFound)
            #expect(try await api.send(.delete, "/v1/tenants/\(try await api.makeTenant())/segments/agents").status == .notFound)
            let all = try await api.send(.get, "/v1/tenants/\(t)/segments").decode(TList<TSegment>.self)
            #expect(all.items.map(\.name) == ["agents", "dealer"] && all.items.last?.rules.first?.value == "RE-"
                    && all.items.last?.rules.first?.caseSensitive == true && all.items.first?.rules.first?.caseSensitive == nil)
        }
    }

    /// The dealer CSV as spreadsheets and people write it (found by a probe): a byte-order mark, bytes that are not
    /// UTF-8, a stray quote, blank lines, fields past the header; and "already mentions dealers" as the segment reads it.
    @Test func theDealerCSVReadsAsTheSegmentAndTheCLIDo() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let base = "/v1/tenants/\(t)/users"
            struct RowError: Codable { var row: Int; var field: String; var message: String }
            struct Report: Codable { var created: Int; var updated: Int; var unchanged: Int; var errors: [RowError] }
            func csv(_ bytes: [UInt8]) async throws -> (HTTPResponse.Status, String) {
                let response = try await api.client.execute(uri: "\(base)/import", method: .post,
                                                            headers: [.authorization: "Bearer \(platformToken)", .contentType: "text/csv"],
                                                            body: ByteBuffer(bytes: bytes))
                return (response.status, String(decoding: response.body.readableBytesView, as: UTF8.self))
            }
            let bom = try await csv([0xEF, 0xBB, 0xBF] + Array("email,dealerCode\nbom@example.com,RE-1\n".utf8))
            #expect(bom.0 == .ok && bom.1.contains(#""created":1"#), "\(bom.1)")
            let latin1 = try await csv(Array("email,displayName\nlat@example.com,M".utf8) + [0xFC] + Array("ller\n".utf8))
            #expect(latin1.0 == .unprocessableContent && latin1.1.contains("UTF-8"), "\(latin1.1)")
            #expect(try await api.send(.get, "\(base)?q=lat%40").decode(TList<TUser>.self).items.isEmpty)
            // Blank lines keep their numbers; a row past the header's fields and lines a stray quote made one are refused.
            let odd = try await csv(Array("email,dealerCode\n\nb1@example.com,RE-9\n\nbad-email,RE-10\nx1@example.com,RE-11,extra\n\"q1@example.com,RE-12\nq2@example.com,RE-13\n".utf8))
            #expect(odd.0 == .ok, "\(odd.1)")
            let report = try JSONDecoder().decode(Report.self, from: Data(odd.1.utf8))
            #expect(report.created == 1 && report.errors.map(\.row) == [4, 5, 6], "\(odd.1)")
            #expect(report.errors.map(\.field) == ["email", "", "email"] && report.errors[1].message.contains("3 fields")
                    && report.errors[2].message.contains("line break"), "\(odd.1)")
            // A designation the dealer segment reads as mentioning dealers stays (r + a combining mark, no composed form).
            let marked = "Dealer\u{0334}"
            let user = try await api.send(.post, base, json: #"{"email":"mark@example.com","designation":"\#(marked)"}"#)
            #expect(user.status == .created, "\(user.text)")
            #expect(try await api.send(.get, "\(base)?segment=dealer").decode(TList<TUser>.self).items.compactMap(\.email).contains("mark@example.com"))
            let kept = try await api.send(.post, "\(base)/import", json: #"{"rows":[{"email":"mark@example.com","dealerCode":"RE-7"}]}"#)
            #expect(kept.text.contains(#""updated":1"#), "\(kept.text)")
            let after = try await api.send(.get, "\(base)/\(try user.decode(TUser.self).id)").decode(TUser.self)
            #expect(after.designation == "Dealer\u{0334}" && after.employeeId == "RE-7", "\(String(describing: after.designation?.unicodeScalars.map(\.value)))")
            // Rule values no user field can hold are refused, named.
            for value in [#"a\u202eb"#, #"\u200b"#, #"\u0301a"#] {
                let put = try await api.send(.put, "/v1/tenants/\(t)/segments/odd", json: #"{"rules":[{"field":"designation","operator":"contains","value":"\#(value)"}]}"#)
                #expect(put.status == .unprocessableContent && put.problem?.errors?.map(\.field) == ["rules[0].value"], "\(value) \(put.text)")
            }
        }
    }

    @Test func identities() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            // DESIGN.md: "returns the user, the party, and whether each was created".
            struct Resolution: Codable {
                var userId: String; var partyId: String; var userCreated: Bool; var partyCreated: Bool; var user: TUser; var party: TParty
            }
            let first = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"07700 900777","firstName":"Pia"}"#)
            #expect(first.status == .ok)
            let made = try first.decode(Resolution.self)
            #expect(made.userCreated && made.partyCreated)
            #expect(made.user.id == made.userId && made.party.id == made.partyId && made.party.phone == "447700900777")
            #expect(made.party.firstName == "Pia" && made.party.kind == "person")
            let again = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"+44 7700 900777"}"#).decode(Resolution.self)
            #expect(again.userId == made.userId && again.partyId == made.partyId && !again.userCreated && !again.partyCreated)
            #expect(again.party.id == made.partyId && again.user.id == made.userId)
            // Handing back records that existed is a read of personal data.
            let audit = try await api.send(.get, "/v1/tenants/\(t)/audit?targetId=\(made.partyId)").decode(TList<TAuditEntry>.self)
            #expect(audit.items.contains { $0.action == "party.read" }, "\(audit.items.map(\.action))")
            // Each entry names its tenant (DESIGN.md: time, tenant, actor, action, target, request id, field names).
            struct TenantID: Codable { var id: String }
            let tenantID = try await api.send(.get, "/v1/tenants/\(t)").decode(TenantID.self).id
            #expect(!audit.items.isEmpty && audit.items.allSatisfy { $0.tenantId == tenantID })
            #expect(try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":""}"#).status == .unprocessableContent)
            // A deactivated user's first login resolves nothing (409 naming it), found by its party or by its email,
            // and leaves no party made or linked behind.
            _ = try await api.send(.patch, "/v1/tenants/\(t)/users/\(made.userId)", json: #"{"isActive":false}"#)
            let inactive = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"+44 7700 900777"}"#)
            #expect(inactive.status == .conflict && inactive.text.contains(made.userId), "\(inactive.text)")
            let off = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"off@example.com","isActive":false}"#)
            #expect(off.status == .created, "\(off.text)")
            let byEmail = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"off@example.com"}"#)
            #expect(byEmail.status == .conflict, "\(byEmail.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/lookup?email=off@example.com").status == .notFound)
        }
    }

    /// A manager whose users.manage covers one organization reads the users it manages (with their roles, and asks
    /// access/check about them), as it may change them; a user outside is 403, as without users.read.
    @Test func aScopedManagerReadsTheUsersItManages() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            struct ID: Codable { var id: String }
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#)
            let farm = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
            _ = try await api.send(.post, "/v1/tenants/\(t)/relationships", json: #"{"parentId":"\#(north.id)","childId":"\#(farm.id)","type":"structure"}"#)
            let key = try await api.scopedKey(t, policies: ["users.manage", "parties.read"], organization: north.id)
            func scopedRole(_ org: String) async throws -> String {
                try await api.send(.post, "/v1/tenants/\(t)/roles",
                                   json: #"{"name":"Readers \#(org.suffix(12))","policies":["parties.read"],"organizationId":"\#(org)"}"#).decode(ID.self).id
            }
            func user(_ email: String, role: String) async throws -> String {
                let id = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"\#(email)"}"#).decode(ID.self).id
                _ = try await api.send(.post, "/v1/tenants/\(t)/users/\(id)/roles", json: #"{"roleId":"\#(role)"}"#)
                return id
            }
            let inside = try await user("inside@example.com", role: try await scopedRole(north.id))
            let outside = try await user("outside@example.com", role: try await scopedRole(south.id))
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(inside)", token: key).status == .ok)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(inside)/roles", token: key).status == .ok)
            // Linked to a person outside the key's scope: the user is read, the party's id is not named to it.
            let stranger = try await api.createParty(t, #"{"kind":"person","firstName":"Stranger","email":"stranger@example.com"}"#)
            #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(inside)", json: #"{"partyId":"\#(stranger.id)"}"#).status == .ok)
            let linked = try await api.send(.get, "/v1/tenants/\(t)/users/\(inside)", token: key)
            #expect(linked.status == .ok && !linked.text.contains(stranger.id), "\(linked.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(inside)").text.contains(stranger.id))
            let check = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                           json: #"{"userId":"\#(inside)","policy":"parties.read","partyId":"\#(farm.id)"}"#, token: key)
            #expect(check.status == .ok && check.text.contains("\"allowed\":true"), "\(check.text)")
            // A user outside (one it may neither read nor manage) is a 404, as an unknown id: nothing confirms it exists,
            // and no policy of its is named (the 403 said "holds approve beyond this caller's own grants").
            for path in ["/v1/tenants/\(t)/users/\(outside)", "/v1/tenants/\(t)/users/\(outside)/roles", "/v1/tenants/\(t)/users/\(UUID())"] {
                let refused = try await api.send(.get, path, token: key)
                #expect(refused.status == .notFound && !refused.text.contains("holds"), "\(path): \(refused.text)")
            }
            let patched = try await api.send(.patch, "/v1/tenants/\(t)/users/\(outside)", json: #"{"displayName":"x"}"#, token: key)
            #expect(patched.status == .notFound, "\(patched.text)")
            // Granting or revoking a role of it is as much a 404 (it was a 403 naming the user's policies; found by a probe).
            let manager = try await api.scopedKey(t, policies: ["roles.manage", "users.manage", "parties.read"], organization: north.id)
            let northRole = try await scopedRole(farm.id)
            for (method, path) in [(HTTPRequest.Method.post, "/v1/tenants/\(t)/users/\(outside)/roles"),
                                   (.delete, "/v1/tenants/\(t)/users/\(outside)/roles/\(northRole)")] {
                let refused = try await api.send(method, path, json: method == .post ? #"{"roleId":"\#(northRole)"}"# : nil, token: manager)
                #expect(refused.status == .notFound && !refused.text.contains("parties.read") && !refused.text.contains("holds"),
                        "\(path): \(refused.status) \(refused.text)")
            }
            #expect(try await api.send(.post, "/v1/tenants/\(t)/users/\(inside)/roles", json: #"{"roleId":"\#(northRole)"}"#,
                                       token: manager).status == .ok)
            // The list shows it the users it reads (those it manages), not the others.
            let listed = try await api.send(.get, "/v1/tenants/\(t)/users", token: key)
            #expect(listed.status == .ok && listed.text.contains(inside) && !listed.text.contains(outside), "\(listed.text)")
            // users.read scoped to North reads (and lists) the users whose roles lie there, and changes none.
            let scopedReader = try await api.scopedKey(t, policies: ["users.read"], organization: north.id)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(inside)", token: scopedReader).status == .ok)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(outside)", token: scopedReader).status == .notFound)
            let readerList = try await api.send(.get, "/v1/tenants/\(t)/users?limit=500", token: scopedReader)
            #expect(readerList.status == .ok && readerList.text.contains(inside) && !readerList.text.contains(outside), "\(readerList.text)")
            #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(inside)", json: #"{"displayName":"x"}"#, token: scopedReader).status
                    == .forbidden)
            // A caller with neither policy is refused before anything is read.
            let reader = try await api.scopedKey(t, policies: ["parties.read"], organization: north.id)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(UUID().uuidString.lowercased())", token: reader).status == .forbidden)
        }
    }

    /// Resolving identities takes users.manage and parties.read on the whole tenant: it looks persons up by email or
    /// phone across the tenant, and its answer (found or made, the user linked) says whether one exists. With
    /// users.manage alone, or parties.read on part of the tenant, it answered the id of a person the caller may not read
    /// (found by a probe).
    @Test func identitiesTakeReadsOfTheWholeTenant() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            struct Resolution: Codable { var partyId: String; var partyCreated: Bool; var party: TParty? }
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let existing = try await api.createParty(t, #"{"kind":"person","firstName":"Secret","email":"held@example.com"}"#)
            struct ID: Codable { var id: String }
            struct Key: Codable { var key: String }
            let managers = try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"Managers","policies":["users.manage"]}"#).decode(ID.self)
            let northReaders = try await api.send(.post, "/v1/tenants/\(t)/roles",
                                                  json: #"{"name":"North readers","policies":["parties.read"],"organizationId":"\#(north.id)"}"#).decode(ID.self)
            let partial = try await api.send(.post, "/v1/tenants/\(t)/api-keys",
                                             json: #"{"name":"partial","role":"USER","roleIds":["\#(managers.id)","\#(northReaders.id)"]}"#).decode(Key.self).key
            for key in [try await api.scopedKey(t, policies: ["users.manage"]), partial] {
                for identifier in ["held@example.com", "nobody@example.com"] {
                    let refused = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"\#(identifier)"}"#, token: key)
                    #expect(refused.status == .forbidden && !refused.text.contains(existing.id) && refused.text.contains("parties"),
                            "\(refused.status) \(refused.text)")
                }
            }
            let key = try await api.scopedKey(t, policies: ["users.manage", "parties.read"])
            let found = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"held@example.com"}"#, token: key)
            #expect(found.status == .ok, "\(found.text)")
            let resolution = try found.decode(Resolution.self)
            #expect(resolution.partyId == existing.id && !resolution.partyCreated && resolution.party?.firstName == "Secret")
            let audit = try await api.send(.get, "/v1/tenants/\(t)/audit?targetId=\(existing.id)").decode(TList<TAuditEntry>.self)
            #expect(audit.items.contains { $0.action == "party.read" }, "\(audit.items.map(\.action))")
            let made = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"new@example.com","firstName":"Neu"}"#,
                                          token: key).decode(Resolution.self)
            #expect(made.partyCreated && made.party?.firstName == "Neu")
        }
    }

    @Test func apiKeysAndCoarseAccess() async throws {
        try await withApp { api in
            let mine = try await api.makeTenant()
            let theirs = try await api.makeTenant()
            struct Created: Codable { struct Key: Codable { var id: String; var prefix: String }; var apiKey: Key; var key: String }
            func key(_ role: String, _ tenant: String) async throws -> Created {
                let response = try await api.send(.post, "/v1/tenants/\(tenant)/api-keys", json: #"{"name":"\#(role) key","role":"\#(role)"}"#)
                #expect(response.status == .created)
                return try response.decode(Created.self)
            }
            let admin = try await key("ADMIN", mine)
            let management = try await key("MANAGEMENT", mine)
            let user = try await key("USER", mine)
            let party = try await api.createParty(theirs, #"{"kind":"person","firstName":"Theirs"}"#)
            let partyJSON = #"{"kind":"person","firstName":"Mine"}"#

            // ADMIN: everything in its tenant, nothing elsewhere (404, never 403), no platform operations.
            #expect(try await api.send(.post, "/v1/tenants/\(mine)/parties", json: partyJSON, token: admin.key).status == .created)
            #expect(try await api.send(.get, "/v1/tenants/\(mine)/parties", token: admin.key).status == .ok)
            #expect(try await api.send(.get, "/v1/tenants/\(theirs)/parties/\(party.id)", token: admin.key).status == .notFound)
            #expect(try await api.send(.get, "/v1/tenants/\(theirs)", token: admin.key).status == .notFound)
            #expect(try await api.send(.get, "/v1/tenants", token: admin.key).status == .forbidden)
            #expect(try await api.send(.post, "/v1/tenants", json: #"{"slug":"hack","name":"H"}"#, token: admin.key).status == .forbidden)
            // MANAGEMENT reads, never writes.
            #expect(try await api.send(.get, "/v1/tenants/\(mine)/parties", token: management.key).status == .ok)
            #expect(try await api.send(.post, "/v1/tenants/\(mine)/parties", json: partyJSON, token: management.key).status == .forbidden)
            #expect(try await api.send(.get, "/v1/tenants/\(mine)/api-keys", token: management.key).status == .ok)
            #expect(try await api.send(.post, "/v1/tenants/\(mine)/api-keys", json: #"{"name":"more"}"#, token: management.key).status == .forbidden)
            // USER: only what roles grant (none yet), and itself.
            #expect(try await api.send(.get, "/v1/tenants/\(mine)/parties", token: user.key).status == .forbidden)
            let me = try await api.send(.get, "/v1/tenants/\(mine)/me", token: user.key)
            #expect(me.status == .ok && me.text.contains("\"apiKey\"") && me.text.contains("\"USER\""))
            #expect(try await api.send(.get, "/v1/tenants/\(theirs)/me", token: user.key).status == .notFound)

            // Audit entries name the key.
            let audit = try await api.send(.get, "/v1/tenants/\(mine)/audit?limit=5").decode(TList<TAuditEntry>.self)
            #expect(audit.items.contains { $0.actor == "apikey:\(admin.apiKey.id)" })

            // Listing shows prefixes, not keys; revocation is immediate.
            let listed = try await api.send(.get, "/v1/tenants/\(mine)/api-keys")
            #expect(listed.text.contains(admin.apiKey.prefix) && !listed.text.contains(admin.key))
            #expect(try await api.send(.delete, "/v1/tenants/\(mine)/api-keys/\(admin.apiKey.id)").status == .noContent)
            #expect(try await api.send(.get, "/v1/tenants/\(mine)/parties", token: admin.key).status == .unauthorized)
            #expect(try await api.send(.delete, "/v1/tenants/\(mine)/api-keys/\(admin.apiKey.id)").status == .notFound)

            // Null where the spec has no null, and a role named twice, are refused (both were taken; found by a probe).
            struct Role: Codable { var id: String }
            let role = try await api.send(.post, "/v1/tenants/\(mine)/roles", json: #"{"name":"Readers","policies":["parties.read"]}"#)
                .decode(Role.self)
            for (body, field) in [(#"{"name":"n","role":null}"#, "role"), (#"{"name":"n","roleIds":null}"#, "roleIds"),
                                  (#"{"name":"n","roleIds":["\#(role.id)","\#(role.id)"]}"#, "roleIds")] {
                let refused = try await api.send(.post, "/v1/tenants/\(mine)/api-keys", json: body)
                #expect(refused.status == .unprocessableContent && refused.problem?.errors?.map(\.field) == [field], "\(body): \(refused.text)")
            }
            let nullRole = try await api.send(.post, "/v1/tenants/\(mine)/users", json: #"{"email":"nr@example.com","role":null}"#)
            #expect(nullRole.status == .unprocessableContent && nullRole.problem?.errors?.map(\.field) == ["role"], "\(nullRole.text)")
        }
    }

    @Test func nullClearsTheSignInIdentityAsAPair() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            struct U: Codable { var id: String; var ssoIssuer: String?; var ssoSubject: String? }
            let user = try await api.send(.post, "/v1/tenants/\(t)/users",
                                          json: #"{"email":"s@example.com","ssoIssuer":"https://idp.example.com","ssoSubject":"s1"}"#).decode(U.self)
            // An issuer is an https URL, as a tenant's is (any text was taken; found by a probe).
            for issuer in ["http://idp.example.com", "ftp://idp.example.com", "not a url at all", "https://idp.example.com/?q=1"] {
                let refused = try await api.send(.patch, "/v1/tenants/\(t)/users/\(user.id)", json: #"{"ssoIssuer":"\#(issuer)"}"#)
                #expect(refused.status == .unprocessableContent && refused.problem?.errors?.map(\.field) == ["ssoIssuer"], "\(issuer): \(refused.text)")
                let made = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"ssoIssuer":"\#(issuer)","ssoSubject":"x"}"#)
                #expect(made.status == .unprocessableContent, "\(issuer): \(made.text)")
            }
            let half = try await api.send(.patch, "/v1/tenants/\(t)/users/\(user.id)", json: #"{"ssoSubject":null}"#)
            #expect(half.status == .unprocessableContent && half.problem?.errors?.map(\.field) == ["ssoSubject"], "\(half.text)")
            let both = try await api.send(.patch, "/v1/tenants/\(t)/users/\(user.id)", json: #"{"ssoIssuer":null,"ssoSubject":null}"#)
            #expect(both.status == .ok)
            let cleared = try both.decode(U.self)
            #expect(cleared.ssoIssuer == nil && cleared.ssoSubject == nil)
        }
    }

    /// A user's version is its ETag, and `If-Match` guards a change against a lost update, as for a party.
    @Test func ifMatchGuardsAUserAgainstLostUpdates() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let creation = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"e@example.com"}"#)
            #expect(creation.status == .created && creation.headers[.eTag] == "\"1\"", "\(creation.headers)")
            let created = try creation.decode(TUser.self)
            let path = "/v1/tenants/\(t)/users/\(created.id)"
            let read = try await api.send(.get, path)
            #expect(read.status == .ok && read.headers[.eTag] == "\"1\"", "\(read.headers)")
            let first = try await api.send(.patch, path, json: #"{"designation":"Dealer"}"#, headers: [.ifMatch: "\"1\""])
            #expect(first.status == .ok && first.headers[.eTag] == "\"2\"", "\(first.text)")
            #expect(try first.decode(TUser.self).version == 2)
            // Based on version 1, which is gone: 412, and nothing changed (a change that changes nothing too).
            for body in [#"{"department":"Sales"}"#, #"{"designation":"Dealer"}"#] {
                let stale = try await api.send(.patch, path, json: body, headers: [.ifMatch: "\"1\""])
                #expect(stale.status == .preconditionFailed && stale.problem?.detail?.contains("version 2") == true, "\(stale.text)")
            }
            let garbage = try await api.send(.patch, path, json: #"{"department":"Sales"}"#, headers: [.ifMatch: "abc"])
            #expect(garbage.status == .preconditionFailed && garbage.problem?.detail?.contains("names no version") == true, "\(garbage.text)")
            // Tags compare as text: "02" and "+2" are no tags of ours (they matched version 2; found by a probe); a list is a 400.
            for tag in ["\"02\"", "\"+2\"", "2x"] {
                let odd = try await api.send(.patch, path, json: #"{"department":"Sales"}"#, headers: [.ifMatch: tag])
                #expect(odd.status == .preconditionFailed, "\(tag): \(odd.text)")
            }
            let list = try await api.send(.patch, path, json: #"{"department":"Sales"}"#, headers: [.ifMatch: "\"1\", \"2\""])
            #expect(list.status == .badRequest && list.problem?.detail?.contains("not a list") == true, "\(list.text)")
            // An empty If-Match is no condition anyone meant: 400 (it was read as none; found by the fuzzer).
            let empty = try await api.send(.patch, path, json: #"{"department":"Sales"}"#, headers: [.ifMatch: ""])
            #expect(empty.status == .badRequest && empty.problem?.detail?.contains("If-Match is empty") == true, "\(empty.text)")
            let weak = try await api.send(.patch, path, json: #"{"department":"Sales"}"#, headers: [.ifMatch: "W/\"2\""])
            #expect(weak.status == .ok && weak.headers[.eTag] == "\"3\"", "\(weak.text)")
            let after = try await api.send(.get, path).decode(TUser.self)
            #expect(after.version == 3 && after.department == "Sales" && after.designation == "Dealer")
            // Without If-Match, the last write wins as before.
            #expect(try await api.send(.patch, path, json: #"{"department":"Support"}"#).status == .ok)
            // Another tenant's user, with any If-Match: 404 (nothing says it exists).
            let other = try await api.makeTenant()
            #expect(try await api.send(.patch, "/v1/tenants/\(other)/users/\(created.id)", json: #"{"department":"X"}"#,
                                       headers: [.ifMatch: "\"1\""]).status == .notFound)
        }
    }

    /// Delegated user management: a key holding `users.manage` but not ADMIN may not hand out, or touch, more than it has.
    @Test func noOneGivesMoreThanItHas() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            struct ID: Codable { var id: String }
            struct Created: Codable { var key: String }
            let role = try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"HR","policies":["users.manage","users.read"]}"#).decode(ID.self)
            let hr = try await api.send(.post, "/v1/tenants/\(t)/api-keys",
                                        json: #"{"name":"hr","role":"USER","roleIds":["\#(role.id)"]}"#).decode(Created.self).key
            let users = "/v1/tenants/\(t)/users"
            #expect(try await api.send(.post, users, json: #"{"email":"a@example.com","role":"ADMIN"}"#, token: hr).status == .forbidden)
            #expect(try await api.send(.post, users, json: #"{"email":"m@example.com","role":"MANAGEMENT"}"#, token: hr).status == .forbidden)
            let plain = try await api.send(.post, users, json: #"{"email":"u@example.com"}"#, token: hr)
            #expect(plain.status == .created)
            let promoted = try await api.send(.patch, "\(users)/\(try plain.decode(ID.self).id)", json: #"{"role":"ADMIN"}"#, token: hr)
            #expect(promoted.status == .forbidden)
            let boss = try await api.send(.post, users, json: #"{"email":"boss@example.com","role":"ADMIN"}"#).decode(ID.self)
            #expect(try await api.send(.patch, "\(users)/\(boss.id)", json: #"{"isActive":false}"#, token: hr).status == .forbidden)
            let keys = "/v1/tenants/\(t)/api-keys"
            #expect(try await api.send(.post, keys, json: #"{"name":"x","role":"ADMIN"}"#, token: hr).status == .forbidden)
            // A key with its own role, yes; with a role that grants more than it holds, no.
            #expect(try await api.send(.post, keys, json: #"{"name":"x","roleIds":["\#(role.id)"]}"#, token: hr).status == .created)
            let more = try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"more","policies":["users.manage","audit.read"]}"#)
                .decode(ID.self)
            #expect(try await api.send(.post, keys, json: #"{"name":"x","roleIds":["\#(more.id)"]}"#, token: hr).status == .forbidden)
            #expect(try await api.send(.post, keys, json: #"{"name":"x"}"#, token: hr).status == .created)
        }
    }

    @Test func rolesGrantsAndAccessChecks() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let farm = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
            let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#)
            _ = try await api.send(.post, "/v1/tenants/\(t)/relationships", json: #"{"parentId":"\#(north.id)","childId":"\#(farm.id)","type":"structure"}"#)
            let user = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"u@example.com"}"#).decode(TUser.self)
            struct Role: Codable { var id: String; var name: String; var policies: [String]; var organizationId: String? }
            let created = try await api.send(.post, "/v1/tenants/\(t)/roles",
                                             json: #"{"name":"North approver","policies":["approve_tree"],"organizationId":"\#(north.id)","relationshipType":"structure"}"#)
            #expect(created.status == .created)
            let role = try created.decode(Role.self)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"north approver","policies":["x"]}"#).status == .conflict)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"R","policies":[]}"#).status == .unprocessableContent)
            let roles = try await api.send(.get, "/v1/tenants/\(t)/roles").decode(TList<Role>.self)
            #expect(roles.items.map(\.name) == ["North approver"])

            let grant = try await api.send(.post, "/v1/tenants/\(t)/users/\(user.id)/roles", json: #"{"roleId":"\#(role.id)"}"#)
            #expect(grant.status == .ok)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/users/\(user.id)/roles", json: #"{"roleId":"\#(UUID().uuidString)"}"#).status == .notFound)
            let held = try await api.send(.get, "/v1/tenants/\(t)/users/\(user.id)/roles").decode(TList<Role>.self)
            #expect(held.items.map(\.id) == [role.id])

            struct Decision: Codable { var allowed: Bool; var reason: String; var roleId: String?; var path: [String]? }
            let yes = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                         json: #"{"userId":"\#(user.id)","policy":"approve_tree","partyId":"\#(farm.id)"}"#).decode(Decision.self)
            #expect(yes.allowed && yes.roleId == role.id && yes.path == [north.id, farm.id])
            let no = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                        json: #"{"userId":"\#(user.id)","policy":"approve_tree","partyId":"\#(south.id)"}"#).decode(Decision.self)
            #expect(!no.allowed && !no.reason.isEmpty)
            let bad = try await api.send(.post, "/v1/tenants/\(t)/access/check", json: #"{"userId":"x","policy":"p","partyId":"y"}"#)
            #expect(Set(bad.problem?.errors?.map(\.field) ?? []) == ["userId", "partyId"])
            let badPolicy = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                               json: #"{"userId":"\#(user.id)","policy":"a b","partyId":"\#(farm.id)"}"#)
            #expect(badPolicy.problem?.errors?.map(\.field) == ["policy"])
            let reachable = try await api.send(.get, "/v1/tenants/\(t)/access/parties?userId=\(user.id)&policy=approve_tree").decode(TList<TParty>.self)
            #expect(Set(reachable.items.map(\.id)) == [north.id, farm.id])

            #expect(try await api.send(.delete, "/v1/tenants/\(t)/users/\(user.id)/roles/\(role.id)").status == .noContent)
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/users/\(user.id)/roles/\(role.id)").status == .notFound)
            let after = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                           json: #"{"userId":"\#(user.id)","policy":"approve_tree","partyId":"\#(farm.id)"}"#).decode(Decision.self)
            #expect(!after.allowed)
        }
    }
}
