import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@_spi(Generated) import OpenAPIRuntime
@testable import RosterApp
import RosterAPI
import RosterCore
import RosterOpenAPI
import Testing

/// `ResponseJSON` writes what the generated layer's encoder would (with the application's own configuration), byte
/// for byte; the transport sends a handler's bytes in place of its placeholder.
@Suite("Response JSON written directly")
struct ResponseJSONTests {
    /// The bytes the generated layer writes for `value`.
    static func encoded<T: Encodable>(_ value: T) async throws -> [UInt8] {
        var fields = HTTPFields()
        let body = try Converter(configuration: openAPIConfiguration).setResponseBodyAsJSON(value, headerFields: &fields,
                                                                                          contentType: "application/json")
        return try await [UInt8](collecting: body, upTo: 1 << 24)
    }

    struct Random {
        var generator = SystemRandomNumberGenerator()

        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &generator) < p }

        mutating func string(max: Int = 24) -> String {
            let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}", "é",
                          "e\u{301}", "ß", "😀", "\u{2028}", "\u{FEFF}", "中", "<", "&", "'", "%", "{", "}"]
            return String((0..<Int.random(in: 0...max, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }

        mutating func optional(_ p: Double = 0.5) -> String? { chance(p) ? string() : nil }

        mutating func date() -> Date {
            let seconds = Double.random(in: -2_000_000_000...4_000_000_000, using: &generator)
            // Mostly to the microsecond, as the stores keep them; sometimes any double.
            return Date(timeIntervalSince1970: chance(0.7) ? (seconds * 1_000_000).rounded() / 1_000_000 : seconds)
        }

        mutating func number() -> Double {
            let special: [Double] = [0, -0.0, 0.1, 1.5, 3, 1e16, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, -123456789.125,
                                     12345678901234567]
            return chance(0.3) ? special.randomElement(using: &generator)! : Double.random(in: -1e9...1e9, using: &generator)
        }

        mutating func properties() -> Components.Schemas.Properties {
            var values: [String: (any Sendable)?] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                let key = chance(0.5) ? ["website", "Region", "region", "a", "B", "tenantId", "ä", "_x", "x_"].randomElement(using: &generator)! : string(max: 8)
                switch Int.random(in: 0...4, using: &generator) {
                case 0: values[key] = string()
                case 1: values[key] = Int.random(in: Int.min...Int.max, using: &generator)
                case 2: values[key] = number()
                case 3: values[key] = chance(0.5)
                default: values[key] = .some(nil)
                }
            }
            return .init(additionalProperties: try! OpenAPIObjectContainer(unvalidatedValue: values))
        }

        mutating func strings() -> [String] { (0..<Int.random(in: 0...3, using: &generator)).map { _ in string(max: 10) } }

        mutating func party(depth: Int = 0) -> Components.Schemas.Party {
            Components.Schemas.Party(
                id: UUID().uuidString.lowercased(), kind: chance(0.5) ? .person : .organization, firstName: optional(), lastName: optional(),
                name: optional(), displayName: string(), email: optional(), phone: optional(), website: optional(),
                emailDomains: strings(), note: optional(0.3),
                customerType: chance(0.5) ? [.regular, .unregistered, .new, .anonymous].randomElement(using: &generator)! : nil,
                roles: strings(), properties: properties(), tags: strings(),
                tagDetails: chance(0.3) ? (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                    Components.Schemas.Tag(id: UUID().uuidString, text: string(), color: "#A1B2C3", usage: chance(0.5) ? Int.random(in: 0...99) : nil,
                                           createdAt: chance(0.5) ? date() : nil)
                } : nil,
                partners: depth == 0 && chance(0.2) ? (0..<Int.random(in: 0...2, using: &generator)).map { _ in party(depth: 1) } : nil,
                autoLink: chance(0.2) ? Components.Schemas.AutoLink(status: chance(0.5) ? .linked : .ambiguous, organizationId: optional(),
                                                                   relationshipId: optional(), candidates: chance(0.5) ? strings() : nil) : nil,
                state: [.active, .suspended, .archived, .deleted, .merged].randomElement(using: &generator)!, mergedInto: optional(0.2),
                createdAt: date(), updatedAt: date(), version: Int.random(in: 1...1_000_000, using: &generator))
        }
    }

    @Test func aPartyIsWrittenAsTheEncoderWritesIt() async throws {
        var random = Random()
        for _ in 0..<600 {
            let party = random.party()
            let mine = try #require(ResponseJSON.encode(party))
            let theirs = try await Self.encoded(party)
            #expect(mine == theirs, "\(String(decoding: mine, as: UTF8.self))\n\(String(decoding: theirs, as: UTF8.self))")
            if mine != theirs { break }
        }
    }

    @Test func aPageIsWrittenAsTheEncoderWritesIt() async throws {
        var random = Random()
        for size in [0, 1, 7, 50] {
            let list = Components.Schemas.PartyList(items: (0..<size).map { _ in random.party() },
                                                    nextCursor: size % 2 == 0 ? nil : random.string())
            let mine = try #require(ResponseJSON.encode(list))
            #expect(try await mine == Self.encoded(list))
        }
    }

    @Test func aDecisionIsWrittenAsTheEncoderWritesIt() async throws {
        var random = Random()
        for _ in 0..<300 {
            let decision = Components.Schemas.AccessDecision(
                allowed: random.chance(0.5), reason: random.string(), roleId: random.optional(),
                path: random.chance(0.5) ? random.strings() : nil, at: random.chance(0.5) ? random.date() : nil, partyId: random.optional())
            let mine = ResponseJSON.encode(decision)
            let theirs = try await Self.encoded(decision)
            #expect(mine == theirs, "\(String(decoding: mine, as: UTF8.self))\n\(String(decoding: theirs, as: UTF8.self))")
            if mine != theirs { break }
        }
    }

    /// Values it does not write the encoder's way: it gives up, and the encoder writes the response.
    @Test func propertiesBeyondScalarsAreLeftToTheEncoder() throws {
        var random = Random()
        var party = random.party()
        party.properties = .init(additionalProperties: try OpenAPIObjectContainer(unvalidatedValue: ["list": [1, 2] as [any Sendable]]))
        #expect(ResponseJSON.encode(party) == nil)
        #expect(ResponseJSON.encode(Components.Schemas.PartyList(items: [party])) == nil)
    }

    /// The middleware sends the answer a handler threw as a 200 with its bytes, for the operations it opens, after the
    /// generated layer's `Accept` check; other operations, and other errors, are left alone.
    @Test func theMiddlewareSendsTheThrownAnswer() async throws {
        let middleware = PreEncodedBodyMiddleware(configuration: .init())
        let request = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/v1/tenants/t/parties/x")
        let next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?) = { request, _, _ in
            guard PreEncodedBody.enabled else { return (HTTPResponse(status: .ok), HTTPBody("plain")) }
            if request.headerFields[.init("x-status")!] == "404" { throw RosterError.notFound("no party") }
            // As the generated layer hands it on: wrapped in its ServerError.
            throw ServerError(operationID: "getParty", request: request, requestBody: nil, requestMetadata: .init(), causeDescription: "",
                              underlyingError: PreEncodedResponse(bytes: Array(#"{"id":"real"}"#.utf8), headerFields: [.eTag: #""3""#]))
        }
        let (response, body) = try await middleware.intercept(request, body: nil, metadata: .init(), operationID: "getParty", next: next)
        #expect(response.status == .ok && response.headerFields[.eTag] == #""3""#)
        #expect(response.headerFields[.contentType] == "application/json; charset=utf-8" && response.headerFields[.contentLength] == "13")
        #expect(try await String(collecting: body!, upTo: 100) == #"{"id":"real"}"#)
        let (other, otherBody) = try await middleware.intercept(request, body: nil, metadata: .init(), operationID: "getUser", next: next)
        let otherText = try await String(collecting: otherBody!, upTo: 100)
        #expect(other.status == .ok && otherText == "plain")
        var missing = request
        missing.headerFields[.init("x-status")!] = "404"
        await #expect(throws: RosterError.self) {
            _ = try await middleware.intercept(missing, body: nil, metadata: .init(), operationID: "getParty", next: next)
        }
        var html = request
        html.headerFields[.accept] = "text/html"
        await #expect(throws: (any Error).self) {
            _ = try await middleware.intercept(html, body: nil, metadata: .init(), operationID: "getParty", next: next)
        }
    }

    /// Through HTTP: a page and a party with every kind of content answer the bytes the encoder writes for them.
    @Test func searchAndGetAnswerTheEncodersBytes() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let partner = try await api.createParty(t, #"{"kind":"organization","name":"Part \"ner\" / ß","roles":["partner"],"email":"p@example.com"}"#)
            let person = try await api.createParty(t, #"""
                {"kind":"person","firstName":"Zoë","lastName":"O'Brien \\ \"Q\"","email":"zoe@example.com","phone":"020 7946 0958",
                 "note":"line\nbreak\ttab </script>","customerType":"new","roles":["customer"],
                 "properties":{"website":"https://example.com/a/b","score":1.5,"count":3,"flag":true,"none":null,"Tiny":1.5e-7}}
                """#)
            let tagged = try await api.send(.post, "/v1/tenants/\(t)/parties/\(person.id)/tags", json: #"{"text":"VIP 😀 \"x\""}"#)
            #expect(tagged.status == .ok || tagged.status == .created, "\(tagged.text)")
            let edge = try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                          json: #"{"parentId":"\#(partner.id)","childId":"\#(person.id)","type":"partnership"}"#)
            #expect(edge.status == .created, "\(edge.text)")
            // What the generated layer writes for each party: an update that changes nothing answers the party as it is.
            var encoded: [String: String] = [:]
            var contentType: String?
            for id in [partner.id, person.id] {
                let same = try await api.send(.patch, "/v1/tenants/\(t)/parties/\(id)", json: "{}",
                                              headers: [.contentType: "application/merge-patch+json"])
                #expect(same.status == .ok, "\(same.text)")
                encoded[id] = same.text
                contentType = same.headers[.contentType]
            }
            let page = try await api.send(.get, "/v1/tenants/\(t)/parties")
            #expect(page.text == #"{"items":["# + [partner.id, person.id].map { encoded[$0]! }.joined(separator: ",") + "]}")
            let first = try await api.send(.get, "/v1/tenants/\(t)/parties?limit=1")
            #expect(first.text == #"{"items":["# + encoded[partner.id]! + #"],"nextCursor":"\#(partner.id)"}"#)
            for id in [partner.id, person.id] {
                let one = try await api.send(.get, "/v1/tenants/\(t)/parties/\(id)")
                #expect(one.status == .ok && one.text == encoded[id], "\(one.text)")
                #expect(one.headers[.contentLength].flatMap { Int($0) } == one.body.count)
                #expect(one.headers[.eTag] != nil)
                #expect(one.headers[.contentType] == contentType && contentType != nil)
            }
            // A client that accepts no JSON is refused as by any other operation that answers JSON.
            let html: HTTPFields = [.accept: "text/html"]
            let refused = try await api.send(.get, "/v1/tenants/\(t)/parties/\(person.id)", headers: html)
            let history = try await api.send(.get, "/v1/tenants/\(t)/parties/\(person.id)/history", headers: html)
            #expect(refused.status != .ok && refused.status == history.status, "\(refused.text)")
            #expect(refused.headers[.contentType] == history.headers[.contentType])
            // Expanded: the same document with the tags' details and the partners (their bytes: the test above).
            let expanded = try await api.send(.get, "/v1/tenants/\(t)/parties/\(person.id)?expand=tags,partners")
            let object = try #require(try JSONSerialization.jsonObject(with: expanded.body) as? [String: Any])
            let details = try #require(object["tagDetails"] as? [[String: Any]])
            #expect(details.map { $0["text"] as? String } == ["VIP 😀 \"x\""])
            let partners = try #require(object["partners"] as? [[String: Any]])
            #expect(partners.map { $0["id"] as? String } == [partner.id])
            let plain = try #require(try JSONSerialization.jsonObject(with: Data(encoded[person.id]!.utf8)) as? [String: Any])
            #expect(NSDictionary(dictionary: object.filter { $0.key != "tagDetails" && $0.key != "partners" }).isEqual(to: plain))
        }
    }
}
