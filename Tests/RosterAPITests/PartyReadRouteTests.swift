import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RosterAPI
import Testing

/// The plainest `GET` of a party is answered by `PartyReadRoute`, past the generated layer; every other form of it by
/// the generated layer. Both must give the same answers.
@Suite("The direct route of a party's GET")
struct PartyReadRouteTests {
    static func request(_ path: String, method: HTTPRequest.Method = .get, accept: String? = nil) -> HTTPRequest {
        var request = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path)
        if let accept { request.headerFields[.accept] = accept }
        return request
    }

    @Test func takesOnlyThePlainestGet() {
        let id = "0192f0a4-6b1e-7cc3-9d7e-1a2b3c4d5e6f"
        let taken = PartyReadRoute.target(of: Self.request("/v1/tenants/acme/parties/\(id)"))
        #expect(taken?.tenant == "acme" && taken?.id == id)
        for accept in ["application/json", "*/*", "application/*", "application/json, text/plain, */*", "text/html;q=0.5, application/json"] {
            #expect(PartyReadRoute.target(of: Self.request("/v1/tenants/acme/parties/\(id)", accept: accept)) != nil, "\(accept)")
        }
        let others: [HTTPRequest] = [
            Self.request("/v1/tenants/acme/parties/\(id)?expand=tags"),
            Self.request("/v1/tenants/acme/parties/\(id)?"),
            Self.request("/v1/tenants/ac%6De/parties/\(id)"),
            Self.request("/v1/tenants/acme/parties/\(id)/"),
            Self.request("//v1/tenants/acme/parties/\(id)"),
            Self.request("/v1/tenants//parties/\(id)"),
            Self.request("/v1/tenants/acme/parties/\(id)/history"),
            Self.request("/v1/tenants/acme/parties/lookup"),
            Self.request("/v1/tenants/acme/persons/\(id)"),
            Self.request("/v2/tenants/acme/parties/\(id)"),
            Self.request("/v1/tenants/acme/parties/\(id)", method: .head),
            Self.request("/v1/tenants/acme/parties/\(id)", method: .delete),
            Self.request("/v1/tenants/acme/parties/\(id)", accept: "text/html"),
            Self.request("/v1/tenants/acme/parties/\(id)", accept: "text/plain, application/xml"),
        ]
        for request in others {
            #expect(PartyReadRoute.target(of: request) == nil, "\(request.method) \(request.path ?? "")")
        }
    }

    /// A path the direct routes leave to the generated layer, naming the same resource: the tenant's first `-`
    /// percent-encoded (which the generated layer decodes).
    static func escaped(_ path: String) -> String {
        guard let dash = path.range(of: "-", range: path.range(of: "/v1/tenants/")!.upperBound..<path.endIndex) else { return path }
        return path.replacingCharacters(in: dash, with: "%2D")
    }

    /// Each answer of the direct route against the generated layer's (the same request by an escaped path, which the
    /// direct route leaves to it): status, body (a problem's request-bound `instance` aside), and the headers a client
    /// reads.
    @Test func answersAsTheGeneratedLayerDoes() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let other = try await api.makeTenant()
            let person = try await api.createParty(t, #"""
                {"kind":"person","firstName":"Zoë","lastName":"O'Brien","email":"zoe@example.com","phone":"020 7946 0958",
                 "note":"line\nbreak","roles":["customer"],"properties":{"score":1.5,"flag":true,"none":null}}
                """#)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/parties/\(person.id)/tags", json: #"{"text":"VIP"}"#).status.code < 300)
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let gone = try await api.createParty(t, #"{"kind":"person","firstName":"Gone","lastName":"Away"}"#)
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/parties/\(gone.id)").status.code < 300)
            let elsewhere = try await api.createParty(other, #"{"kind":"person","firstName":"Else","lastName":"Where"}"#)
            let scoped = try await api.scopedKey(t, policies: ["parties.read"], organization: north.id)

            let cases: [(path: String, token: String)] = [
                ("/v1/tenants/\(t)/parties/\(person.id)", platformToken),
                ("/v1/tenants/\(t)/parties/\(person.id.uppercased())", platformToken),
                ("/v1/tenants/\(t)/parties/\(north.id)", platformToken),
                ("/v1/tenants/\(t)/parties/\(gone.id)", platformToken),
                ("/v1/tenants/\(t)/parties/\(UUID().uuidString.lowercased())", platformToken),
                ("/v1/tenants/\(t)/parties/not-a-uuid-but-36-characters-long-xx", platformToken),
                ("/v1/tenants/\(t)/parties/\(elsewhere.id)", platformToken),
                ("/v1/tenants/no-such-tenant/parties/\(person.id)", platformToken),
                ("/v1/tenants/\(t)/parties/\(north.id)", scoped),
                ("/v1/tenants/\(t)/parties/\(person.id)", scoped),
            ]
            var statuses: [Int] = []
            for (path, token) in cases {
                #expect(PartyReadRoute.target(of: Self.request(path)) != nil, "\(path)")
                #expect(PartyReadRoute.target(of: Self.request(Self.escaped(path))) == nil, "\(path)")
                let direct = try await api.send(.get, path, token: token)
                let generated = try await api.send(.get, Self.escaped(path), token: token)
                #expect(direct.status == generated.status, "\(path): \(direct.text) against \(generated.text)")
                #expect(Self.comparable(direct.body) == Self.comparable(generated.body), "\(path): \(direct.text) against \(generated.text)")
                for name in [HTTPField.Name.contentType, .eTag, .contentLength] {
                    #expect(direct.headers[name] == generated.headers[name], "\(path): \(name)")
                }
                #expect(direct.headers[HTTPField.Name("X-Request-Id")!] != nil)
                statuses.append(Int(direct.status.code))
            }
            // The cases cover what they mean to: reads, a soft-deleted party, and the 404s of an unknown id, another
            // tenant's party, an unknown tenant and a party outside the caller's scope.
            #expect(statuses == [200, 200, 200, 200, 404, 404, 404, 404, 200, 404], "\(statuses)")
            // A client's usual `Accept` goes direct, with the same answer; one that refuses JSON is the generated
            // layer's 406.
            let plain = try await api.send(.get, cases[0].path)
            let usual = try await api.send(.get, cases[0].path, headers: [.accept: "application/json, text/plain, */*"])
            #expect(usual.status == .ok && usual.body == plain.body && usual.headers[.eTag] == plain.headers[.eTag])
            let refused = try await api.send(.get, cases[0].path, headers: [.accept: "text/html"])
            #expect(refused.status == .notAcceptable && refused.headers[.contentType] == "application/problem+json", "\(refused.text)")
            // Counted under the route's template, as the router would have (not as an unknown route).
            let metrics = try await api.send(.get, "/metrics", token: nil).text
            #expect(metrics.contains(#"http_route="/v1/tenants/{tenant}/parties/{id}",http_request_method="GET",http_response_status_code="200""#))
            #expect(!metrics.contains(#"http_route="Unknown""#) && !metrics.contains(#"http_route="NotFound",http_request_method="GET",http_response_status_code="200""#))
        }
    }

    /// A body with a problem's `instance` (it names the request) taken out.
    static func comparable(_ body: Data) -> Data {
        guard var object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object["instance"] != nil else { return body }
        object["instance"] = nil
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? body
    }
}
