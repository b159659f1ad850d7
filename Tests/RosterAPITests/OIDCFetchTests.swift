import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import RosterApp
import Testing

/// A small HTTP server that plays a hostile or careless issuer: a key endpoint that redirects, one that
/// answers more than a MiB (streamed, without Content-Length), and well-behaved ones.
func withKeyServer(keySet: String = #"{"keys":[]}"#, _ body: @escaping @Sendable (_ base: String) async throws -> Void) async throws {
    let router = Router()
    @Sendable func origin(_ request: Request) -> String { "http://\(request.head.authority ?? "127.0.0.1")" }
    @Sendable func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
    router.get("/keys") { _, _ in json(keySet) }
    router.get("/keys-moved") { request, _ in Response.redirect(to: origin(request) + "/keys", type: .found) }
    router.get("/keys-big") { _, _ in
        let start = String(keySet.dropLast()) + #","padding":""#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: start))
            for _ in 0..<20 { try await writer.write(ByteBuffer(repeating: UInt8(ascii: "a"), count: 64 * 1024)) }
            try await writer.write(ByteBuffer(string: #""}"#))
            try await writer.finish(nil)
        })
    }
    // Three issuers, one per key endpoint: /direct, /moved and /big.
    for (name, keys) in [("direct", "keys"), ("moved", "keys-moved"), ("big", "keys-big")] {
        router.get("/\(name)/.well-known/openid-configuration") { request, _ in
            json(#"{"issuer":"\#(origin(request))/\#(name)","jwks_uri":"\#(origin(request))/\#(keys)"}"#)
        }
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        try await body("http://127.0.0.1:\(try #require(client.port))")
    }
}

@Suite("OpenID Connect fetches: no redirects, nothing over 1 MiB, no private addresses")
struct OIDCFetchTests {
    @Test func aWellBehavedEndpointIsRead() async throws {
        try await withKeyServer { base in
            let data = try await OIDCFetcher(allowLoopback: true).get(URL(string: base + "/keys")!)
            #expect(String(decoding: data, as: UTF8.self) == #"{"keys":[]}"#)
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await withKeyServer { base in
            let error = await #expect(throws: OIDCFetcher.Failure.self) {
                try await OIDCFetcher(allowLoopback: true).get(URL(string: base + "/keys-moved")!)
            }
            #expect(error?.description.contains("redirect") == true, "\(String(describing: error))")
        }
    }

    @Test func answersOverTheLimitAreCutOff() async throws {
        try await withKeyServer { base in
            let error = await #expect(throws: OIDCFetcher.Failure.self) {
                try await OIDCFetcher(allowLoopback: true).get(URL(string: base + "/keys-big")!)
            }
            #expect(error?.description.contains("over 1048576 bytes") == true, "\(String(describing: error))")
            // A smaller limit cuts a small answer too: the limit, not the server, decides.
            await #expect(throws: OIDCFetcher.Failure.self) {
                try await OIDCFetcher(allowLoopback: true, limit: 4).get(URL(string: base + "/keys")!)
            }
        }
    }

    @Test func loopbackAndPlainHTTPNeedTheFlag() async throws {
        try await withKeyServer { base in
            let port = base.split(separator: ":").last!
            for url in [base + "/keys", "https://127.0.0.1:\(port)/keys", "https://localhost:\(port)/keys", "https://[::1]:\(port)/keys"] {
                let error = await #expect(throws: OIDCFetcher.Failure.self) {
                    try await OIDCFetcher(allowLoopback: false).get(URL(string: url)!)
                }
                #expect(error?.description.contains("https") == true || error?.description.contains("not a public address") == true,
                        "\(url): \(String(describing: error))")
            }
            // Plain http to a public address is refused before any connection, flag or not.
            for flag in [false, true] {
                let error = await #expect(throws: OIDCFetcher.Failure.self) {
                    try await OIDCFetcher(allowLoopback: flag).get(URL(string: "http://93.184.216.34/keys")!)
                }
                #expect(error?.description.contains("only https") == true)
            }
            // Credentials in the URL are refused.
            await #expect(throws: OIDCFetcher.Failure.self) {
                try await OIDCFetcher(allowLoopback: true).get(URL(string: "http://user:pw@127.0.0.1:\(port)/keys")!)
            }
        }
    }

    @Test(arguments: [
        ("127.0.0.1", false), ("10.1.2.3", false), ("172.16.0.1", false), ("172.31.255.255", false), ("192.168.1.1", false),
        ("169.254.169.254", false), ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false), ("255.255.255.255", false),
        ("::1", false), ("::", false), ("fe80::1", false), ("fc00::1", false), ("fd12:3456::1", false), ("ff02::1", false),
        ("::ffff:127.0.0.1", false), ("::ffff:10.0.0.1", false), ("64:ff9b::a9fe:a9fe", false), ("2001:db8::1", false),
        ("172.15.0.1", true), ("172.32.0.1", true), ("8.8.8.8", true), ("93.184.216.34", true), ("100.128.0.1", true),
        ("2606:4700:4700::1111", true), ("::ffff:8.8.8.8", true),
    ])
    func addressRanges(_ text: String, _ isPublic: Bool) throws {
        let address = try #require(IPAddress(text))
        #expect(address.isPublic == isPublic, "\(text)")
        #expect(IPAddress(address.text) == address)
    }
}
