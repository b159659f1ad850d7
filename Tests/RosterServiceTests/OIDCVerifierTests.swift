import Crypto
import Foundation
@testable import RosterService
import Synchronization
import Testing

/// An issuer made here: an ES256 key, its discovery document and key set, served by a fetch function
/// that counts its calls and can be made to fail.
final class FakeIssuer: Sendable {
    let issuer = "https://idp.example.test"
    let keyBytes = P256.Signing.PrivateKey().rawRepresentation
    var key: P256.Signing.PrivateKey { try! P256.Signing.PrivateKey(rawRepresentation: keyBytes) }
    let calls = Mutex<[String]>([])
    let failing = Mutex(false)
    let delay: Duration

    init(delay: Duration = .zero) { self.delay = delay }

    var fetchCount: Int { calls.withLock { $0.count } }

    func fetch(_ url: URL) async throws -> Data {
        calls.withLock { $0.append(url.path) }
        if delay > .zero { try await Task.sleep(for: delay) }
        struct Down: Error {}
        if failing.withLock({ $0 }) { throw Down() }
        if url.path.hasSuffix("openid-configuration") {
            return Data(#"{"issuer":"\#(issuer)","jwks_uri":"\#(issuer)/jwks"}"#.utf8)
        }
        let point = key.publicKey.rawRepresentation
        let x = Self.base64URL(point.prefix(32)), y = Self.base64URL(point.suffix(32))
        return Data(#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256","use":"sig","x":"\#(x)","y":"\#(y)"}]}"#.utf8)
    }

    func token(sub: String = "alice") throws -> String {
        let header = Self.base64URL(Data(#"{"alg":"ES256","kid":"k1"}"#.utf8))
        let exp = Int(Date().timeIntervalSince1970) + 600
        let claims = Self.base64URL(Data(#"{"iss":"\#(issuer)","aud":"roster","sub":"\#(sub)","exp":\#(exp)}"#.utf8))
        let signature = try key.signature(for: Data("\(header).\(claims)".utf8))
        return "\(header).\(claims).\(Self.base64URL(signature.rawRepresentation))"
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

@Suite("OpenID Connect: one fetch per issuer, failures remembered")
struct OIDCVerifierTests {
    @Test func concurrentSignInsShareOneFetch() async throws {
        let idp = FakeIssuer(delay: .milliseconds(150))
        let verifier = OIDCVerifier(fetch: idp.fetch)
        let token = try idp.token()
        let subjects = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<16 {
                group.addTask { try await verifier.verify(token, issuer: idp.issuer, audience: "roster").sub }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(subjects == Array(repeating: "alice", count: 16))
        // One discovery document and one key set for all sixteen.
        #expect(idp.calls.withLock { $0 } == ["/.well-known/openid-configuration", "/jwks"])
        // Cached afterwards.
        _ = try await verifier.verify(token, issuer: idp.issuer, audience: "roster")
        #expect(idp.fetchCount == 2)
    }

    @Test func aFailedFetchIsRememberedForAWhile() async throws {
        let idp = FakeIssuer()
        var options = OIDCVerifier.Options()
        options.failureLifetime = .milliseconds(400)
        let verifier = OIDCVerifier(options: options, fetch: idp.fetch)
        let token = try idp.token()
        idp.failing.withLock { $0 = true }
        for _ in 0..<5 {
            await #expect(throws: TokenRejection.discoveryFailed) {
                try await verifier.verify(token, issuer: idp.issuer, audience: "roster")
            }
        }
        // Five refusals, one fetch: the failure stood in for the other four.
        #expect(idp.fetchCount == 1)
        idp.failing.withLock { $0 = false }
        await #expect(throws: TokenRejection.discoveryFailed) {
            try await verifier.verify(token, issuer: idp.issuer, audience: "roster")
        }
        #expect(idp.fetchCount == 1)
        try await Task.sleep(for: .milliseconds(500))
        // The failure has aged out: the provider is asked again, and answers.
        #expect(try await verifier.verify(token, issuer: idp.issuer, audience: "roster").sub == "alice")
        #expect(idp.fetchCount == 3)
    }

    @Test func cachedKeysOutliveAFailedRefresh() async throws {
        let idp = FakeIssuer()
        var options = OIDCVerifier.Options()
        options.keyLifetime = .zero
        let verifier = OIDCVerifier(options: options, fetch: idp.fetch)
        let token = try idp.token()
        _ = try await verifier.verify(token, issuer: idp.issuer, audience: "roster")
        idp.failing.withLock { $0 = true }
        // Keys expired, provider down: the cached keys still verify, and the failure is not retried at once.
        #expect(try await verifier.verify(token, issuer: idp.issuer, audience: "roster").sub == "alice")
        #expect(try await verifier.verify(token, issuer: idp.issuer, audience: "roster").sub == "alice")
        #expect(idp.fetchCount == 3)
    }
}

@Suite struct PKCETests {
    /// RFC 7636, appendix B.
    @Test func challengeOfTheRFCsVerifier() {
        #expect(OIDCSignIn.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func endpointsMustBeOnTheIssuersOrigin() {
        #expect(OIDCSignIn.sameOrigin("https://idp.example/oauth2/authorize", "https://idp.example"))
        #expect(OIDCSignIn.sameOrigin("https://IDP.example:443/x", "https://idp.example/realms/a"))
        #expect(OIDCSignIn.sameOrigin("http://127.0.0.1:9400/token", "http://127.0.0.1:9400"))
        #expect(!OIDCSignIn.sameOrigin("https://evil.example/authorize", "https://idp.example"))
        #expect(!OIDCSignIn.sameOrigin("http://idp.example/authorize", "https://idp.example"))
        #expect(!OIDCSignIn.sameOrigin("https://idp.example:8443/authorize", "https://idp.example"))
        #expect(!OIDCSignIn.sameOrigin("javascript:alert(1)", "https://idp.example"))
        #expect(!OIDCSignIn.sameOrigin("https://idp.example.evil.example/x", "https://idp.example"))
    }

    @Test func verifiersAreLongEnoughAndFresh() {
        let values = (0..<100).map { _ in OIDCSignIn.random() }
        #expect(Set(values).count == 100)
        #expect(values.allSatisfy { $0.count == 43 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
    }
}
