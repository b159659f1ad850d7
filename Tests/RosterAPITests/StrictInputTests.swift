import Foundation
import HTTPTypes
import RosterAPI
import RosterOpenAPI
import Testing

/// Every JSON body field an operation does not define is refused with 422 naming each of them, and nothing
/// happens (issue 9, item 3), the way Stripe refuses unknown parameters.
@Suite("HTTP: strict input")
struct StrictInputTests {
    struct Case: Sendable {
        var operation: String
        var method: HTTPRequest.Method
        var path: @Sendable (AuthorizationMatrixTests.World) -> String
        /// A valid body without its closing brace, so that unknown fields can be added.
        var body: @Sendable (AuthorizationMatrixTests.World) -> String
    }

    static let cases: [Case] = [
        Case(operation: "createTenant", method: .post, path: { _ in "/v1/tenants" }, body: { _ in #"{"slug":"strict-x","name":"X""# }),
        Case(operation: "updateTenant", method: .patch, path: { $0.base }, body: { _ in #"{"name":"X""# }),
        Case(operation: "createParty", method: .post, path: { "\($0.base)/parties" }, body: { _ in #"{"kind":"organization","name":"X""# }),
        Case(operation: "updateParty", method: .patch, path: { "\($0.base)/parties/\($0.person)" }, body: { _ in #"{"note":"x""# }),
        Case(operation: "restoreParty", method: .post, path: { "\($0.base)/parties/\($0.person)/restore" }, body: { _ in #"{"reason":"x""# }),
        Case(operation: "changePartyState", method: .post, path: { "\($0.base)/parties/\($0.person)/state" }, body: { _ in #"{"state":"suspended""# }),
        Case(operation: "identifyCustomer", method: .post, path: { "\($0.base)/customers/identify" }, body: { _ in #"{"email":"x@example.com""# }),
        Case(operation: "createRelationship", method: .post, path: { "\($0.base)/relationships" },
             body: { #"{"parentId":"\#($0.north)","childId":"\#($0.person)","type":"other""# }),
        Case(operation: "createTag", method: .post, path: { "\($0.base)/tags" }, body: { _ in #"{"text":"Strict""# }),
        Case(operation: "tagParty", method: .post, path: { "\($0.base)/parties/\($0.person)/tags" }, body: { _ in #"{"text":"Strict""# }),
        Case(operation: "createPartnerAccount", method: .post, path: { "\($0.base)/partner-accounts" },
             body: { #"{"partnerId":"\#($0.partner)","customerId":"\#($0.farm)","username":"u","secret":"s""# }),
        Case(operation: "updatePartnerAccount", method: .patch, path: { "\($0.base)/partner-accounts/\($0.account)" },
             body: { _ in #"{"username":"u2""# }),
        Case(operation: "createUser", method: .post, path: { "\($0.base)/users" }, body: { _ in #"{"email":"strict@example.com""# }),
        Case(operation: "updateUser", method: .patch, path: { "\($0.base)/users/\($0.user)" }, body: { _ in #"{"department":"X""# }),
        Case(operation: "importDealers", method: .post, path: { "\($0.base)/users/import" },
             body: { _ in #"{"rows":[{"email":"d@example.com","nickname":"d"}]"# }),
        Case(operation: "putSegment", method: .put, path: { "\($0.base)/segments/dealer" },
             body: { _ in #"{"rules":[{"field":"employeeId","operator":"prefix","value":"RE-"}]"# }),
        Case(operation: "resolveIdentity", method: .post, path: { "\($0.base)/identities" }, body: { _ in #"{"identifier":"s@example.com""# }),
        Case(operation: "createAPIKey", method: .post, path: { "\($0.base)/api-keys" }, body: { _ in #"{"name":"k""# }),
        Case(operation: "createRole", method: .post, path: { "\($0.base)/roles" }, body: { _ in #"{"name":"R","policies":["x"]"# }),
        Case(operation: "grantRole", method: .post, path: { "\($0.base)/users/\($0.user)/roles" }, body: { #"{"roleId":"\#($0.role)""# }),
        Case(operation: "checkAccess", method: .post, path: { "\($0.base)/access/check" },
             body: { #"{"userId":"\#($0.user)","policy":"p","partyId":"\#($0.farm)""# }),
        // Operations that take no fields: any field is refused, before anything is looked up.
        Case(operation: "undoMerge", method: .post, path: { "\($0.base)/merges/\(UUID().uuidString.lowercased())/undo" }, body: { _ in "{" }),
        Case(operation: "retryTracking", method: .post, path: { "\($0.base)/tracking/retry" }, body: { _ in "{" }),
    ]

    @Test func unknownFieldsAreNamedAndRefused() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let before = try await SecurityTests.snapshot(api, world)
            var failures: [String] = []
            for item in Self.cases {
                let start = item.body(world)
                let body = start + (start == "{" ? "" : ",") + #""zeta":1,"alpha":{"x":true}}"#
                let response = try await api.send(item.method, item.path(world), json: body)
                let fields = Set(response.problem?.errors?.map(\.field) ?? [])
                if response.status != .unprocessableContent || !fields.isSuperset(of: ["alpha", "zeta"]) {
                    failures.append("\(item.operation): \(response.status.code) \(response.text.prefix(300))")
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            #expect(Self.cases.count >= 20)
            #expect(try await SecurityTests.snapshot(api, world) == before, "a refused request changed something")
        }
    }

    /// A body that lacks a required field and holds unknown ones: the 422 names them all (the generated decoder stops at
    /// the missing one); nothing happens.
    @Test func unknownFieldsAreNamedBesideAMissingOne() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let before = try await SecurityTests.snapshot(api, world)
            for (path, body, missing) in [
                ("\(world.base)/parties/\(world.person)/tags", #"{"name":"x"}"#, "text"),
                ("\(world.base)/identities", #"{"email":"a@example.com"}"#, "identifier"),
                ("\(world.base)/tags", #"{"label":"x","zeta":1}"#, "text"),
            ] {
                let response = try await api.send(.post, path, json: body)
                let fields = Set(response.problem?.errors?.map(\.field) ?? [])
                let unknown = Set((try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]).keys)
                #expect(response.status == .unprocessableContent && fields == unknown.union([missing]), "\(path): \(response.text)")
            }
            #expect(try await SecurityTests.snapshot(api, world) == before, "a refused request changed something")
        }
    }

    /// A date-time the API can't read is a 422 naming its field (the transcoder that refuses it is not told whose
    /// it is); nothing happens.
    @Test func badDateTimesNameTheirField() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let edge = try await api.send(.post, "\(world.base)/relationships",
                                          json: #"{"parentId":"\#(world.north)","childId":"\#(world.person)","type":"other","validFrom":"bad"}"#)
            #expect(edge.status == .unprocessableContent && edge.problem?.errors?.map(\.field) == ["validFrom"], "\(edge.text)")
            let both = try await api.send(.post, "\(world.base)/relationships",
                                          json: #"{"parentId":"\#(world.north)","childId":"\#(world.person)","type":"other","validFrom":"x","validTo":"x"}"#)
            #expect(Set(both.problem?.errors?.map(\.field) ?? []) == ["validFrom", "validTo"], "\(both.text)")
            let two = try await api.send(.post, "\(world.base)/relationships",
                                         json: #"{"parentId":"\#(world.north)","childId":"\#(world.person)","type":"other","validFrom":"2027-01-01","validTo":"garbage"}"#)
            #expect(Set(two.problem?.errors?.map(\.field) ?? []) == ["validFrom", "validTo"], "\(two.text)")
            // A day the month does not have is refused, not rolled over into the next month.
            let rolled = try await api.send(.post, "\(world.base)/relationships",
                                            json: #"{"parentId":"\#(world.north)","childId":"\#(world.person)","type":"other","validFrom":"2026-02-30T00:00:00Z"}"#)
            #expect(rolled.status == .unprocessableContent && rolled.problem?.errors?.map(\.field) == ["validFrom"], "\(rolled.text)")
            let query = try await api.send(.get, "\(world.base)/parties/\(world.north)/descendants?at=2026-11-31T10:00:00Z")
            #expect(query.status.code / 100 == 4, "\(query.text)")
            let check = try await api.send(.post, "\(world.base)/access/check",
                                           json: #"{"userId":"\#(world.user)","policy":"parties.read","partyId":"\#(world.farm)","at":"yesterday"}"#)
            #expect(check.status == .unprocessableContent && check.problem?.errors?.map(\.field) == ["at"], "\(check.text)")
            let edges = try await api.send(.get, "\(world.base)/relationships?partyId=\(world.person)")
            #expect(!edges.text.contains("\"other\""), "\(edges.text)")
        }
    }

    /// A grant's window over HTTP: given, listed with the user's roles, honoured by checks; a bad one named.
    @Test func grantsTakeAWindow() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let user = try await world.freshUser()
            let path = "\(world.base)/users/\(user)/roles"
            let ended = try await api.send(.post, path, json: #"{"roleId":"\#(world.role)","validFrom":"2020-01-01T00:00:00Z","validTo":"2021-01-01T00:00:00Z"}"#)
            #expect(ended.status == .ok, "\(ended.text)")
            let listed = try await api.send(.get, path)
            #expect(listed.text.contains(#""validFrom":"2020-01-01T00:00:00.000Z""#) && listed.text.contains(#""validTo":"2021-01-01T00:00:00.000Z""#),
                    "\(listed.text)")
            struct Decision: Codable { var allowed: Bool; var reason: String }
            for at in ["", #","at":"2020-06-01T00:00:00Z""#] {
                let check = try await api.send(.post, "\(world.base)/access/check",
                                               json: #"{"userId":"\#(user)","policy":"parties.read","partyId":"\#(world.farm)"\#(at)}"#)
                #expect(check.status == .ok, "\(check.text)")
                // Now the grant has ended; on 1 June 2020 it was not yet recorded (grants answer as of when they were made).
                #expect(try check.decode(Decision.self).allowed == false, "\(check.text)")
            }
            // At the exact millisecond of its ends, as shown: from (inclusive), until (exclusive). Instants that are no
            // exact double (.999, .555) were decided otherwise (found by a probe).
            let edgeUser = try await world.freshUser()
            let windowed = try await api.send(.post, "\(world.base)/users/\(edgeUser)/roles",
                                              json: #"{"roleId":"\#(world.role)","validFrom":"2028-01-01T00:00:00.999Z","validTo":"2029-07-01T00:00:00.555Z"}"#)
            #expect(windowed.status == .ok, "\(windowed.text)")
            for (at, allowed) in [("2028-01-01T00:00:00.998Z", false), ("2028-01-01T00:00:00.999Z", true),
                                  ("2029-07-01T00:00:00.554Z", true), ("2029-07-01T00:00:00.555Z", false)] {
                let check = try await api.send(.post, "\(world.base)/access/check",
                                               json: #"{"userId":"\#(edgeUser)","policy":"parties.read","partyId":"\#(world.farm)","at":"\#(at)"}"#)
                #expect(try check.decode(Decision.self).allowed == allowed, "\(at): \(check.text)")
            }
            let bad = try await api.send(.post, path, json: #"{"roleId":"\#(world.role)","validTo":"soon"}"#)
            #expect(bad.status == .unprocessableContent && bad.problem?.errors?.map(\.field) == ["validTo"], "\(bad.text)")
            let backwards = try await api.send(.post, path, json: #"{"roleId":"\#(world.role)","validFrom":"2022-01-01T00:00:00Z","validTo":"2021-01-01T00:00:00Z"}"#)
            #expect(backwards.status == .unprocessableContent && backwards.problem?.errors?.map(\.field) == ["validTo"], "\(backwards.text)")
            let empty = try await api.send(.post, path, json: #"{"roleId":"\#(world.role)","validFrom":"2030-01-01T00:00:00Z","validTo":"2030-01-01T00:00:00Z"}"#)
            #expect(empty.status == .unprocessableContent && empty.problem?.errors?.map(\.field) == ["validTo"], "\(empty.text)")
            let emptyEdge = try await api.send(.post, "\(world.base)/relationships",
                                               json: #"{"parentId":"\#(world.north)","childId":"\#(world.person)","type":"other","validFrom":"2030-01-01T00:00:00Z","validTo":"2030-01-01T00:00:00Z"}"#)
            #expect(emptyEdge.status == .unprocessableContent && emptyEdge.problem?.errors?.map(\.field) == ["validTo"], "\(emptyEdge.text)")
            let open = try await api.send(.post, path, json: #"{"roleId":"\#(world.role)"}"#)
            #expect(open.status == .ok && !open.text.contains("validTo"), "\(open.text)")
        }
    }

    /// An import's query parameters are named when one is wrong, and a mode that can't apply is refused before the body
    /// is read (not in a job that fails after a 202).
    @Test func importParametersAreCheckedUpFront() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let csv: HTTPFields = [.contentType: "text/csv"]
            let kind = try await api.send(.post, "/v1/tenants/\(t)/imports?type=widgets", json: "firstName\nA\n", headers: csv)
            #expect(kind.status == .badRequest && kind.text.contains("type") && !kind.text.contains("JSON"), "\(kind.text)")
            let mode = try await api.send(.post, "/v1/tenants/\(t)/imports?type=parties&onDuplicate=bogus", json: "firstName\nA\n", headers: csv)
            #expect(mode.status == .badRequest && mode.text.contains("onDuplicate") && !mode.text.contains("JSON"), "\(mode.text)")
            let update = try await api.send(.post, "/v1/tenants/\(t)/imports?type=relationships&onDuplicate=update",
                                            json: "childEmail,parentName,type\na@example.com,X,other\n", headers: csv)
            #expect(update.status == .unprocessableContent && update.problem?.errors?.map(\.field) == ["onDuplicate"], "\(update.text)")
        }
    }

    /// A query parameter the operation does not take is refused, naming it and what the operation takes (`?bogus=1`
    /// was ignored; found by a probe). The table is read from the spec, for every operation.
    @Test func unknownQueryParametersAreRefused() async throws {
        let table = SpecQueryParameters.byOperation
        #expect(Set(table.keys) == Set(OperationRules.all.keys), "\(Set(OperationRules.all.keys).subtracting(table.keys))")
        #expect(table["searchParties"]?.isSuperset(of: ["q", "kind", "role", "customerType", "state", "tag", "partnerId", "limit", "cursor"]) == true)
        #expect(table["listChildren"]?.isSuperset(of: ["type", "includeInactive", "at", "limit", "cursor"]) == true, "\(table["listChildren"] ?? [])")
        #expect(table["getMe"] == [])
        try await withApp { api in
            let t = try await api.makeTenant()
            for path in ["/v1/tenants/\(t)/tags?bogus=1", "/v1/tenants/\(t)/parties?qq=ann", "/v1/tenants/\(t)/me?x=1"] {
                let refused = try await api.send(.get, path)
                #expect(refused.status == .badRequest && refused.problem?.detail?.contains("is not one this operation takes") == true, "\(path): \(refused.text)")
            }
            let named = try await api.send(.get, "/v1/tenants/\(t)/parties?qq=ann")
            #expect(named.problem?.detail?.contains("qq") == true && named.problem?.detail?.contains("q, ") == true, "\(named.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties?q=ann&limit=5").status == .ok)
        }
    }

    /// Tags, roles and API keys are lists like the others: `limit` and `cursor`, `nextCursor` while more follow (they
    /// answered everything, and ignored both; found by a probe). Tags and roles by text, keys oldest first.
    @Test func tagsRolesAndKeysArePaged() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            for n in 0..<5 {
                #expect(try await api.send(.post, "/v1/tenants/\(t)/tags", json: #"{"text":"Tag \#(n)"}"#).status == .created)
                #expect(try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"Role \#(n)","policies":["parties.read"]}"#).status == .created)
                #expect(try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"Key \#(n)"}"#).status == .created)
            }
            struct Item: Codable { var id: String }
            for list in ["tags", "roles", "api-keys"] {
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let page = try await api.send(.get, "/v1/tenants/\(t)/\(list)?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                        .decode(TList<Item>.self)
                    #expect(page.items.count <= 2)
                    seen += page.items.map(\.id)
                    cursor = page.nextCursor
                    pages += 1
                } while cursor != nil && pages < 10
                let all = try await api.send(.get, "/v1/tenants/\(t)/\(list)?limit=500").decode(TList<Item>.self)
                #expect(seen == all.items.map(\.id) && Set(seen).count == seen.count && seen.count >= 5 && all.nextCursor == nil, "\(list)")
                if list == "api-keys" {
                    let bad = try await api.send(.get, "/v1/tenants/\(t)/\(list)?cursor=nope").status
                    #expect(bad == .badRequest || bad == .unprocessableContent, "\(list): \(bad)")
                }
                // A cursor holding a control character is no key of any list (it was answered a page; found by the fuzzer).
                let control = try await api.send(.get, "/v1/tenants/\(t)/\(list)?cursor=a%1Bb")
                #expect(control.status == .unprocessableContent || control.status == .badRequest, "\(list): \(control.status)")
            }
        }
    }

    /// The table of required query parameters the problems name is the spec's.
    @Test func requiredQueryParametersAreTheSpecs() throws {
        let spec = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RosterOpenAPI/openapi.yaml").standardized, encoding: .utf8)
        var found: [String: [String]] = [:]
        var operation = ""
        for line in spec.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("operationId:") { operation = trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces) }
            if trimmed.contains("in: query, required: true"), let name = trimmed.split(separator: ",").first?.split(separator: ":").last {
                found[operation, default: []].append(name.trimmingCharacters(in: .whitespaces))
            }
        }
        #expect(!found.isEmpty && found == ProblemMiddleware.requiredQueryParameters)
    }

    /// A required query parameter that is missing is named, whatever other parameters are given.
    @Test func aMissingQueryParameterIsNamed() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            for (method, path, missing) in [(HTTPRequest.Method.get, "access/parties?policy=approve_tree", "userId"),
                                            (.get, "access/parties?userId=\(UUID())", "policy"), (.get, "consents?status=granted", "purpose"),
                                            (.post, "imports?onDuplicate=skip", "type")] {
                let response = try await api.send(method, "/v1/tenants/\(t)/\(path)", json: method == .post ? "firstName\nA\n" : nil,
                                                  headers: method == .post ? [.contentType: "text/csv"] : [:])
                #expect(response.status == .badRequest && response.problem?.detail?.contains(missing) == true
                        && response.problem?.detail?.contains("required") == true, "\(path): \(response.text)")
            }
        }
    }

    /// A body the decoder refuses for several reasons at once (a value outside its enum, an unreadable date-time, an
    /// unknown member, a missing one, nested in arrays too): the 422 names each, not only the first the decoder met;
    /// nothing happens.
    @Test func everyFieldTheDecoderRefusesIsNamed() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            let before = try await SecurityTests.snapshot(api, world)
            for (path, method, body, expected) in [
                ("\(world.base)/parties/\(world.person)/consents", HTTPRequest.Method.post,
                 #"{"purpose":"newsletter","status":"maybe","source":"web","at":"2026-02-30T00:00:00Z","bogus":1}"#,
                 Set(["status", "at", "bogus"])),
                ("\(world.base)/relationships", .post,
                 #"{"parentId":"\#(world.north)","childId":"\#(world.person)","type":"other","validTo":"2026-11-31T00:00:00Z","zeta":[1]}"#,
                 ["validTo", "zeta"]),
                ("\(world.base)/segments/probe", .put,
                 #"{"rules":[{"field":"email","operator":"prefix","value":"a"},{"field":"mood","op":"prefix","value":"x"}]}"#,
                 ["rules[1].field", "rules[1].op", "rules[1].operator"]),
                ("\(world.base)/users", .post, #"{"email":"new@example.com","role":"BOSS","isActive":"yes"}"#, ["role", "isActive"]),
                // Beside what the decoder refuses, what the rules refuse (only the decoder's was named; found by a probe),
                // and the edge type by the member given (`type` was named `relationshipType`).
                ("\(world.base)/roles", .post, #"{"name":"","policies":["bad policy!"],"type":"bad type!","perm":1}"#,
                 ["name", "policies[0]", "type", "perm"]),
                // A fraction where an integer goes: the decoder named no path, and the body was "not valid JSON" (a 400;
                // found by a probe). A number with a fraction where a number goes is no error.
                ("/v1/tenants", .post, #"{"slug":"frac-t","name":"F","settings":{"retentionDays":1.5,"defaultCallingCode":"44"}}"#,
                 ["settings.retentionDays"]),
                ("/v1/tenants", .post, #"{"slug":"frac-u","name":"F","settings":{"retentionDays":-0.5},"zz":2.5}"#,
                 ["settings.retentionDays", "zz"]),
                // The handler's own refusals (an id that is no UUID, a rate limit) beside the rules' refusals of the
                // rest, with nothing for the decoder to refuse (the first was named alone).
                ("\(world.base)/relationships", .post, #"{"parentId":"north","childId":"\#(world.person)","type":"bad type!"}"#,
                 ["parentId", "type"]),
                ("\(world.base)/roles", .post, #"{"name":"","policies":["parties.read"],"organizationId":"north"}"#,
                 ["name", "organizationId"]),
                ("/v1/tenants", .post, #"{"slug":"Bad Slug","name":"F","settings":{"rateLimit":"fast"}}"#,
                 ["slug", "settings.rateLimit"]),
                // A party's and a user's rules too; of a phone without its country code only its characters (what it
                // stands for needs the tenant's default calling code).
                ("\(world.base)/parties", .post, #"{"kind":"person","lastName":"Doe","email":"not-an-email","roles":["ok","bad role!"],"bogus":1}"#,
                 ["email", "roles[1]", "bogus"]),
                ("\(world.base)/parties", .post, #"{"kind":"person","lastName":"Doe","phone":"020 7946 0000","bogus":1}"#, ["bogus"]),
                ("\(world.base)/parties", .post, #"{"kind":"person","lastName":"Doe","email":"nope","phone":"abc","bogus":1}"#,
                 ["email", "phone", "bogus"]),
                // A PATCH names the values it can check without the party beside the members it does not know.
                ("\(world.base)/parties/\(world.person)", .patch, #"{"email":"nope","phone":"abc","firstName":"\tTab","zzz":1}"#,
                 ["email", "phone", "firstName", "zzz"]),
                ("\(world.base)/parties/\(world.person)", .patch, #"{"phone":"020 7946 0000","note":"fine","zzz":1}"#, ["zzz"]),
                ("\(world.base)/parties", .post, #"{"kind":"person","lastName":"Doe","phone":"+44 12","bogus":1}"#, ["phone", "bogus"]),
                ("\(world.base)/users", .post, #"{"email":"not-an-email","role":"BOSS","partyId":"nope"}"#, ["email", "role", "partyId"]),
                ("\(world.base)/users", .post, #"{"email":"not-an-email","partyId":"nope"}"#, ["email", "partyId"]),
            ] {
                let response = try await api.send(method, path, json: body)
                let fields = Set(response.problem?.errors?.map(\.field) ?? [])
                #expect(response.status == .unprocessableContent && fields == expected, "\(path): \(response.text)")
            }
            #expect(try await SecurityTests.snapshot(api, world) == before, "a refused request changed something")
            #expect(try await api.send(.get, "\(world.base)/segments/probe").status == .notFound)
            // An item that is no object is named; what a probe put in its place (an object without its email) is not.
            let rows = try await api.send(.post, "\(world.base)/users/import", json: #"{"rows":[{"email":"a@example.com"},0,{"email":"b@example.com","x":1}]}"#)
            #expect(rows.status == .unprocessableContent && rows.problem?.errors?.map(\.field) == ["rows[1]", "rows[2].x"], "\(rows.text)")
            #expect(rows.text.contains("rows[1] must be an object"), "\(rows.text)")
            // The spec's maxItems of a dealer import's rows holds.
            let many = "{\"rows\":[" + Array(repeating: #"{"email":"x@example.com"}"#, count: 10_001).joined(separator: ",") + "]}"
            let tooMany = try await api.send(.post, "\(world.base)/users/import", json: many)
            #expect(tooMany.status == .unprocessableContent && tooMany.problem?.errors?.map(\.field) == ["rows"], "\(tooMany.text.prefix(300))")
        }
    }

    /// A query parameter without a value is a 400 naming it, and empty components are no parameters (the generated
    /// parser answered both with a 500).
    @Test func queriesWithBareNamesOrEmptyComponents() async throws {
        try await withApp { api in
            let world = try await AuthorizationMatrixTests.makeWorld(api)
            for (query, name) in [("includeInactive", "includeInactive"), ("type=structure&includeInactive", "includeInactive"), ("x", "x")] {
                let response = try await api.send(.get, "\(world.base)/parties/\(world.north)/children?\(query)")
                #expect(response.status == .badRequest && response.problem?.detail?.contains("query parameter \(name) has no value") == true,
                        "\(query): \(response.text)")
            }
            #expect(try await api.send(.get, "/v1/tenants?x").status == .badRequest)
            // The health checks ignore what a prober adds (a cache-buster, a flag).
            for path in ["/health/live?x", "/health/ready?x&&y=1", "/health/live?t=1&t=2"] {
                #expect(try await api.send(.get, path, token: nil).status == .ok, "\(path)")
            }
            for query in ["&limit=5", "&", "limit=5&&kind=person", "limit=5&", "&&"] {
                let response = try await api.send(.get, "\(world.base)/parties?\(query)")
                #expect(response.status == .ok, "\(query): \(response.text)")
            }
            let limited = try await api.send(.get, "\(world.base)/parties?&&limit=1&&").decode(TList<TParty>.self)
            #expect(limited.items.count == 1)
            // A value that is no percent-encoding is refused, not dropped (the filter was, and the whole tenant listed).
            for query in ["q=zzzz%ZZ", "kind=organization&q=%G1", "q=%"] {
                let response = try await api.send(.get, "\(world.base)/parties?\(query)")
                #expect(response.status == .badRequest && response.problem?.detail?.contains("query parameter q is not percent-encoded") == true,
                        "\(query): \(response.text)")
            }
            #expect(try await api.send(.get, "\(world.base)/parties?q=%41").status == .ok)
            // A parameter given twice is refused, not answered from its first value.
            for query in ["role=customer&role=Bad!", "kind=person&kind=alien", "limit=1&%6Cimit=2"] {
                let response = try await api.send(.get, "\(world.base)/parties?\(query)")
                #expect(response.status == .badRequest && response.problem?.detail?.contains("is given more than once") == true,
                        "\(query): \(response.text)")
            }
            // An Accept the operation can't answer is a 406 in the request's words (it named an internal middleware).
            for path in ["\(world.base)/parties/\(world.person)", "\(world.base)/parties"] {
                let xml = try await api.send(.get, path, headers: [.accept: "application/xml"])
                #expect(xml.status == .notAcceptable && xml.problem?.detail?.contains("Accept header") == true
                        && !xml.text.contains("Middleware"), "\(xml.text)")
            }
        }
    }

    @Test func nestedUnknownFieldsAreNamedWithTheirPath() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let rows = try await api.send(.post, "/v1/tenants/\(t)/users/import",
                                          json: #"{"rows":[{"email":"a@example.com"},{"email":"b@example.com","nickname":"b","age":3}]}"#)
            #expect(rows.status == .unprocessableContent)
            #expect(Set(rows.problem?.errors?.map(\.field) ?? []) == ["rows[1].nickname", "rows[1].age"], "\(rows.text)")
            let tenant = try await api.send(.post, "/v1/tenants", json: #"{"slug":"nested-x","name":"N","settings":{"colour":"red"}}"#)
            #expect(tenant.problem?.errors?.map(\.field) == ["settings.colour"], "\(tenant.text)")
            #expect(try await api.send(.get, "/v1/tenants/nested-x").status == .notFound)
        }
    }

    /// A member named twice in one object is refused, named with its path, and nothing happens (the decoder kept the
    /// first value and ignored the second; found by a probe); the same name in two objects is no repetition.
    @Test func membersNamedTwiceAreRefused() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":"A","kind":"organization"}"#)
            #expect(party.status == .unprocessableContent && party.problem?.errors?.map(\.field) == ["kind"], "\(party.text)")
            let rows = try await api.send(.post, "/v1/tenants/\(t)/users/import",
                                          json: #"{"rows":[{"email":"a@example.com"},{"email":"b@example.com","em\u0061il":"c@example.com"}]}"#)
            #expect(rows.problem?.errors?.map(\.field) == ["rows[1].email"], "\(rows.text)")
            let settings = try await api.send(.post, "/v1/tenants", json: #"{"slug":"twice-x","name":"N","settings":{"a":{"b":1},"x":{"b":2}},"name":"M"}"#)
            #expect(settings.problem?.errors?.map(\.field) == ["name"], "\(settings.text)")
            #expect(try await api.send(.get, "/v1/tenants/twice-x").status == .notFound)
            let check = try await api.send(.post, "/v1/tenants/\(t)/access/check",
                                           json: #"{"userId":"\#(UUID())","policy":"parties.read","partyId":"\#(UUID())","policy":"audit.read"}"#)
            #expect(check.problem?.errors?.map(\.field) == ["policy"], "\(check.text)")
            // Names repeated only across objects, and a string value that looks like a name, are fine.
            let fine = try await api.send(.post, "/v1/tenants/\(t)/users/import",
                                          json: #"{"rows":[{"email":"d@example.com"},{"email":"e@example.com","displayName":"email"}]}"#)
            #expect(fine.status == .ok, "\(fine.text)")
        }
    }

    /// Bodies whose shape costs a decoder more than their size are refused before any decoder reads them, whoever sends
    /// them: 100,000 nested arrays in 200 KB took gigabytes that stayed taken and once the process; 70,000 unknown
    /// members seconds of CPU each (found by a probe). Nothing is made.
    @Test func bodiesTooDeepOrTooWideAreRefusedFirst() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            struct Created: Codable { var key: String }
            let weakest = try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"weak","role":"USER"}"#).decode(Created.self).key
            let n = 100_000
            let deep = #"{"kind":"person","firstName":"Deep","x":"# + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "}"
            var wide = #"{"kind":"person","firstName":"Wide""#
            for i in 0..<70_000 { wide += #","f\#(i)":0"# }
            wide += "}"
            for token in [platformToken, weakest] {
                let tooDeep = try await api.send(.post, "/v1/tenants/\(t)/parties", json: deep, token: token)
                #expect(tooDeep.status == .unprocessableContent && tooDeep.problem?.errors?.first?.message == "is nested deeper than 32 levels",
                        "\(tooDeep.text.prefix(300))")
                #expect(tooDeep.problem?.errors?.first?.field.hasPrefix("x[0][0]") == true)
                let tooWide = try await api.send(.post, "/v1/tenants/\(t)/parties", json: wide, token: token)
                #expect(tooWide.status == .unprocessableContent && tooWide.problem?.errors?.map(\.field) == ["body"]
                        && tooWide.problem?.errors?.first?.message == "has more than 1000 members", "\(tooWide.text.prefix(300))")
            }
            // Deep inside a property, and an import row of JSON Lines, alike.
            let property = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":"P","properties":{"k":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}}")
            #expect(property.status == .unprocessableContent && property.problem?.errors?.first?.message == "is nested deeper than 32 levels")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties?q=Deep").decode(TList<TParty>.self).items.isEmpty)
            // A body at the limits is read as usual.
            var hundred = #"{"kind":"person","firstName":"Hundred","properties":{"#
            hundred += (0..<100).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}}"
            #expect(try await api.send(.post, "/v1/tenants/\(t)/parties", json: hundred).status == .created)
        }
    }

    @Test func unsupportedMethodsAre405WithAllow() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let put = try await api.send(.put, "/v1/tenants/\(t)/parties", json: "{}")
            #expect(put.status == .methodNotAllowed && put.headers[.contentType] == "application/problem+json", "\(put.text)")
            #expect(Set((put.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) == ["GET", "HEAD", "POST"])
            let health = try await api.send(.delete, "/health/live")
            #expect(health.status == .methodNotAllowed && health.headers[.allow] == "GET, HEAD")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/no-such-thing").status == .notFound)
            // A literal segment is its own resource, not a value of the parameter beside it.
            let lookup = try await api.send(.delete, "/v1/tenants/\(t)/parties/lookup")
            #expect(lookup.status == .methodNotAllowed && lookup.headers[.allow] == "GET, HEAD", "\(lookup.headers)")
            let importing = try await api.send(.get, "/v1/tenants/\(t)/users/import")
            #expect(importing.status == .methodNotAllowed && importing.headers[.allow] == "POST")
            let headImport = try await api.send(.head, "/v1/tenants/\(t)/users/import")
            #expect(headImport.status == .methodNotAllowed && headImport.headers[.allow] == "POST" && headImport.body.isEmpty)
        }
    }

    /// HEAD wherever GET is served (RFC 9110 §9.1): the GET's status and headers, its length and ETag included, no body;
    /// its problems without a body too.
    @Test func headAnswersAsGetWithoutABody() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.createParty(t, #"{"kind":"organization","name":"Heady"}"#)
            for path in ["/v1/tenants/\(t)/parties/\(party.id)", "/v1/tenants/\(t)/parties?limit=5", "/health/live", "/openapi.yaml"] {
                let get = try await api.send(.get, path)
                let head = try await api.send(.head, path)
                #expect(get.status == .ok && head.status == .ok, "\(path)")
                #expect(head.body.isEmpty && !get.body.isEmpty, "\(path)")
                #expect(head.headers[.contentLength] == String(get.body.count), "\(path): \(head.headers)")
                #expect(head.headers[.contentType] == get.headers[.contentType] && head.headers[.eTag] == get.headers[.eTag], "\(path)")
            }
            let missing = try await api.send(.head, "/v1/tenants/\(t)/parties/\(UUID().uuidString)")
            #expect(missing.status == .notFound && missing.body.isEmpty)
            let anonymous = try await api.send(.head, "/v1/tenants/\(t)/parties/\(party.id)", token: nil)
            #expect(anonymous.status == .unauthorized && anonymous.body.isEmpty)
            // A conditional read: the tag held is the record's, 304 without a body (RFC 9110 §13.1.2; a probe got the body).
            let path = "/v1/tenants/\(t)/parties/\(party.id)"
            let tag = try #require(try await api.send(.get, path).headers[.eTag])
            for held in [tag, "W/" + tag, #""99", "# + tag, "*"] {
                let notModified = try await api.send(.get, path, headers: [.ifNoneMatch: held])
                #expect(notModified.status == .notModified && notModified.body.isEmpty && notModified.headers[.eTag] == tag, "\(held)")
            }
            let changed = try await api.send(.get, path, headers: [.ifNoneMatch: #""99""#])
            #expect(changed.status == .ok && !changed.body.isEmpty)
            let tenantTag = try #require(try await api.send(.get, "/v1/tenants/\(t)").headers[.eTag])
            #expect(try await api.send(.get, "/v1/tenants/\(t)", headers: [.ifNoneMatch: tenantTag]).status == .notModified)
            // An export is made only when read: HEAD is refused, and no export is recorded (one was, with no party in it).
            let export = try await api.send(.head, "/v1/tenants/\(t)/parties/export?format=csv")
            #expect(export.status == .methodNotAllowed && export.headers[.allow] == "GET" && export.body.isEmpty, "\(export.headers)")
            #expect(export.headers[HTTPField.Name("X-Request-Id")!] != nil && export.headers[.cacheControl] == "no-store", "answered as any 405: \(export.headers)")
            // Another method refused there names GET alone too (it named HEAD; found by a probe).
            for method in [HTTPRequest.Method.post, .delete] {
                let refused = try await api.send(method, "/v1/tenants/\(t)/parties/export")
                #expect(refused.status == .methodNotAllowed && refused.headers[.allow] == "GET", "\(method): \(refused.headers)")
            }
            let audit = try await api.send(.get, "/v1/tenants/\(t)/audit?action=parties.export").decode(TList<TAuditEntry>.self)
            #expect(audit.items.isEmpty)
        }
    }
}
