import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RosterAPI
import Testing

/// The plainest access check is answered by `AccessCheckRoute`, past the generated layer; every other form of it by
/// the generated layer. Both must give the same answers.
@Suite("The direct route of an access check")
struct AccessCheckRouteTests {
    static func request(_ path: String, method: HTTPRequest.Method = .post, contentType: String? = "application/json",
                        accept: String? = nil) -> HTTPRequest {
        var request = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path)
        if let contentType { request.headerFields[.contentType] = contentType }
        if let accept { request.headerFields[.accept] = accept }
        return request
    }

    @Test func takesOnlyThePlainestRequest() {
        #expect(AccessCheckRoute.tenant(of: Self.request("/v1/tenants/acme/access/check")) == "acme")
        #expect(AccessCheckRoute.tenant(of: Self.request("/v1/tenants/acme/access/check", contentType: "application/json; charset=utf-8",
                                                         accept: "application/json")) == "acme")
        let others: [HTTPRequest] = [
            Self.request("/v1/tenants/acme/access/check?at=2026-01-01T00:00:00Z"),
            Self.request("/v1/tenants/acme/access/check?"),
            Self.request("/v1/tenants/ac%6De/access/check"),
            Self.request("/v1/tenants/acme/access/check/"),
            Self.request("//v1/tenants/acme/access/check"),
            Self.request("/v1/tenants/acme/access/parties"),
            Self.request("/v1/tenants/acme/access/check", method: .get),
            Self.request("/v1/tenants/acme/access/check", method: .put),
            Self.request("/v1/tenants/acme/access/check", contentType: nil),
            Self.request("/v1/tenants/acme/access/check", contentType: "text/plain"),
            Self.request("/v1/tenants/acme/access/check", contentType: "application/merge-patch+json"),
            Self.request("/v1/tenants/acme/access/check", accept: "text/html"),
        ]
        for request in others {
            #expect(AccessCheckRoute.tenant(of: request) == nil, "\(request.method) \(request.path ?? "") \(request.headerFields)")
        }
    }

    @Test func readsOnlyThePlainestBody() {
        let taken = AccessCheckRoute.members(of: Array(#"{"userId":"u","policy":"p","partyId":"x"}"#.utf8))
        #expect(taken?.userId == "u" && taken?.policy == "p" && taken?.partyId == "x")
        let spaced = AccessCheckRoute.members(of: Array(" \r\n{ \"partyId\" :\t\"x\" , \"policy\":\"p\",\"userId\":\"u\" }\n".utf8))
        #expect(spaced?.userId == "u" && spaced?.policy == "p" && spaced?.partyId == "x")
        let others = [
            "", "{}", "[]", "null", #"{"userId":"u","policy":"p"}"#,
            #"{"userId":"u","policy":"p","partyId":"x","at":"2026-01-01T00:00:00Z"}"#,
            #"{"userId":"u","policy":"p","partyId":"x","extra":1}"#,
            #"{"userId":"u","userId":"v","policy":"p","partyId":"x"}"#,
            #"{"userId":"u","policy":"p","partyId":1}"#,
            #"{"userId":"u","policy":"p","partyId":null}"#,
            #"{"userId":"u\u0041","policy":"p","partyId":"x"}"#,
            #"{"userId":"u","policy":"p","partyId":"x"} {}"#,
            #"{"userId":"u","policy":"p","partyId":"x",}"#,
            #"{"userId":"u","policy":"p","partyId":"x""#,
            #"{"userId":"u","policy":"p","partyId":"é"}"#,
            "{\"userId\":\"u\",\"policy\":\"p\",\"partyId\":\"x\ty\"}",
            #"{'userId':'u','policy':'p','partyId':'x'}"#,
        ]
        for body in others {
            #expect(AccessCheckRoute.members(of: Array(body.utf8)) == nil, "\(body)")
        }
    }

    /// Each answer of the direct route against the generated layer's (the same body by an escaped path, which the
    /// direct route leaves to it): status, body (a problem's request-bound `instance` aside), content type and length.
    @Test func answersAsTheGeneratedLayerDoes() async throws {
        struct ID: Codable { var id: String }
        try await withApp { api in
            let t = try await api.makeTenant()
            let other = try await api.makeTenant()
            let base = "/v1/tenants/\(t)"
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#)
            let farm = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
            #expect(try await api.send(.post, "\(base)/relationships",
                                       json: #"{"parentId":"\#(north.id)","childId":"\#(farm.id)","type":"structure"}"#).status == .created)
            let user = try await api.send(.post, "\(base)/users", json: #"{"email":"direct@example.com"}"#).decode(ID.self)
            let role = try await api.send(.post, "\(base)/roles",
                                          json: #"{"name":"North","policies":["approve_tree"],"organizationId":"\#(north.id)","type":"structure"}"#).decode(ID.self)
            #expect(try await api.send(.post, "\(base)/users/\(user.id)/roles", json: #"{"roleId":"\#(role.id)"}"#).status == .ok)
            let elsewhere = try await api.createParty(other, #"{"kind":"organization","name":"Elsewhere"}"#)
            // A caller that reads parties below South only (and users anywhere, which asking about one needs).
            let southReaders = try await api.send(.post, "\(base)/roles",
                                                  json: #"{"name":"South readers","policies":["parties.read"],"organizationId":"\#(south.id)"}"#).decode(ID.self)
            let userReaders = try await api.send(.post, "\(base)/roles", json: #"{"name":"User readers","policies":["users.read"]}"#).decode(ID.self)
            struct Key: Codable { var key: String }
            let southReader = try await api.send(.post, "\(base)/api-keys",
                                                 json: #"{"name":"south","role":"USER","roleIds":["\#(southReaders.id)","\#(userReaders.id)"]}"#).decode(Key.self).key

            func body(_ userId: String, _ policy: String, _ partyId: String) -> String {
                #"{"userId":"\#(userId)","policy":"\#(policy)","partyId":"\#(partyId)"}"#
            }
            let cases: [(path: String, body: String, token: String)] = [
                ("\(base)/access/check", body(user.id, "approve_tree", farm.id), platformToken),
                ("\(base)/access/check", body(user.id.uppercased(), "approve_tree", north.id), platformToken),
                ("\(base)/access/check", body(user.id, "approve_tree", south.id), platformToken),
                ("\(base)/access/check", body(user.id, "no_such_policy", farm.id), platformToken),
                ("\(base)/access/check", body(user.id, "approve tree!", farm.id), platformToken),
                ("\(base)/access/check", body("not-a-uuid", "approve_tree", "nor-this"), platformToken),
                ("\(base)/access/check", body(UUID().uuidString, "approve_tree", farm.id), platformToken),
                ("\(base)/access/check", body(user.id, "approve_tree", UUID().uuidString), platformToken),
                ("\(base)/access/check", body(user.id, "approve_tree", elsewhere.id), platformToken),
                ("/v1/tenants/no-such-tenant/access/check", body(user.id, "approve_tree", farm.id), platformToken),
                ("\(base)/access/check", body(user.id, "approve_tree", farm.id), southReader),
                ("\(base)/access/check", body(user.id, "approve_tree", south.id), southReader),
            ]
            var statuses: [Int] = []
            for (path, json, token) in cases {
                #expect(AccessCheckRoute.tenant(of: Self.request(path)) != nil && AccessCheckRoute.members(of: Array(json.utf8)) != nil)
                #expect(AccessCheckRoute.tenant(of: Self.request(PartyReadRouteTests.escaped(path))) == nil)
                let direct = try await api.send(.post, path, json: json, token: token)
                let generated = try await api.send(.post, PartyReadRouteTests.escaped(path), json: json, token: token)
                #expect(direct.status == generated.status, "\(json): \(direct.text) against \(generated.text)")
                #expect(PartyReadRouteTests.comparable(direct.body) == PartyReadRouteTests.comparable(generated.body),
                        "\(json): \(direct.text) against \(generated.text)")
                for name in [HTTPField.Name.contentType, .contentLength] {
                    #expect(direct.headers[name] == generated.headers[name], "\(json): \(name)")
                }
                statuses.append(Int(direct.status.code))
            }
            #expect(statuses.count == cases.count)
            // The cases cover what they mean to: an allowed decision with its path (farm) and on the organization
            // itself, denials (outside the role's tree; a policy no role holds), refusals of a malformed policy and of
            // the ids, and 404s for an unknown user or party, another tenant's party, an unknown tenant, and a party
            // outside the caller's scope.
            #expect(statuses == [200, 200, 200, 200, 422, 422, 404, 404, 404, 404, 404, 200], "\(statuses)")
            let allowed = try await api.send(.post, "\(base)/access/check", json: body(user.id, "approve_tree", farm.id)).decode(TDecision.self)
            #expect(allowed.allowed && allowed.path == [north.id, farm.id], "\(allowed)")
        }
    }
}
