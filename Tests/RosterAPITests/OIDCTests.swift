import Foundation
import HTTPTypes
import RosterApp
import Testing

/// A real OpenID Connect provider process (oidc-provider-mock from PyPI; `scripts/test` installs it and
/// names it in `ROSTER_TEST_OIDC_PROVIDER`). Tokens come from its authorization-code flow, driven by curl.
final class OIDCProvider: @unchecked Sendable {
    let port: Int
    let maxAge: Int
    private var process: Process?

    var issuer: String { "http://127.0.0.1:\(port)" }

    init(port: Int, maxAge: Int = 600) {
        self.port = port
        self.maxAge = maxAge
    }

    static var executable: String {
        get throws {
            if let path = ProcessInfo.processInfo.environment["ROSTER_TEST_OIDC_PROVIDER"], !path.isEmpty { return path }
            let local = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../.venv-test/bin/oidc-provider-mock").standardizedFileURL.path
            guard FileManager.default.isExecutableFile(atPath: local) else {
                throw Failure("oidc-provider-mock not found: run scripts/test, or set ROSTER_TEST_OIDC_PROVIDER")
            }
            return local
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Starts (or restarts: a new signing key each time) and waits until discovery answers.
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable)
        process.arguments = ["-p", String(port), "-e", String(maxAge)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            if (try? Self.curl(["-sf", "\(issuer)/.well-known/openid-configuration"])) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure("the OIDC provider on port \(port) did not start")
    }

    func stop() {
        guard let process, process.isRunning else { return }
        // The provider's server does not always stop on SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    func setUser(_ sub: String, claims: String) throws {
        _ = try Self.curl(["-sf", "-X", "PUT", "-H", "Content-Type: application/json", "-d", claims, "\(issuer)/users/\(sub)"])
    }

    /// An ID token for `sub`, issued to `clientID`, through the authorization-code flow.
    func idToken(sub: String, clientID: String = "roster") throws -> String {
        let redirect = "http://127.0.0.1/cb"
        let authorize = "\(issuer)/oauth2/authorize?client_id=\(clientID)&response_type=code&scope=openid%20email%20profile%20phone"
            + "&redirect_uri=\(redirect)&state=s&nonce=n"
        let location = try Self.curl(["-s", "-o", "/dev/null", "-w", "%{redirect_url}", "-X", "POST", "-d", "sub=\(sub)", authorize])
        guard let code = URLComponents(string: location)?.queryItems?.first(where: { $0.name == "code" })?.value else {
            throw Failure("no code in \(location)")
        }
        let answer = try Self.curl(["-sf", "-u", "\(clientID):secret", "-d", "grant_type=authorization_code&code=\(code)&redirect_uri=\(redirect)",
                                    "\(issuer)/oauth2/token"])
        struct Token: Decodable { var id_token: String }
        return try JSONDecoder().decode(Token.self, from: Data(answer.utf8)).id_token
    }

    static func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure("curl \(arguments.last ?? "") failed: \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A port nobody listens on, from a range the tests own.
    static func freePort() -> Int {
        Int.random(in: 20_000..<30_000)
    }
}

extension String {
    /// Base64url of a JSON text.
    var base64URL: String {
        Data(utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

@Suite("HTTP: OpenID Connect sign-in against a real provider", .serialized)
struct OIDCTests {
    /// The public URL's paths are appended to it: a slash at its end is dropped (it made `//ui/sso/callback`, the
    /// redirect a provider had not registered; found by a probe).
    @Test func aPublicURLsSlashAtItsEndIsDropped() throws {
        let config = try RosterConfiguration.load(environment: ["ROSTER_PUBLIC_URL": "https://roster.example.com/base//"])
        #expect(config.publicURL == "https://roster.example.com/base")
    }

    struct Me: Codable { var kind: String; var id: String; var role: String?; var user: TUser? }
    struct TUserFull: Codable { var id: String; var email: String?; var ssoIssuer: String?; var ssoSubject: String?; var partyId: String?; var isActive: Bool }

    /// A tenant whose SSO names `provider`, with auto-provisioning for example.com.
    func ssoTenant(_ api: APIClient, _ provider: OIDCProvider, autoProvision: Bool = true, audience: String = "roster") async throws -> String {
        try await ssoTenant(api, issuer: provider.issuer, autoProvision: autoProvision, audience: audience)
    }

    func ssoTenant(_ api: APIClient, issuer: String, autoProvision: Bool = true, audience: String = "roster") async throws -> String {
        let t = try await api.makeTenant()
        let patched = try await api.send(.patch, "/v1/tenants/\(t)", json: #"""
            {"settings":{"sso":{"issuer":"\#(issuer)","audience":"\#(audience)","autoProvision":\#(autoProvision),"emailDomains":["example.com"]}}}
            """#)
        #expect(patched.status == .ok, "\(patched.text)")
        return t
    }

    func withProvider(maxAge: Int = 600, _ body: (OIDCProvider) async throws -> Void) async throws {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let provider = OIDCProvider(port: OIDCProvider.freePort(), maxAge: maxAge)
            do {
                try await provider.start()
            } catch {
                lastError = error
                provider.stop()
                continue
            }
            defer { provider.stop() }
            try await body(provider)
            return
        }
        throw lastError!
    }

    static func configure(_ config: inout RosterConfiguration) {
        config.oidcClockSkewSeconds = 1
        config.oidcKeyRefetchSeconds = 0
        config.oidcAllowLoopback = true
    }

    @Test func firstSignInCreatesLinksAndReusesTheUser() async throws {
        try await withProvider { provider in
            try await withApp(configure: Self.configure) { api in
                let t = try await ssoTenant(api, provider)
                try provider.setUser("alice", claims: #"{"email":"Alice@Example.com","email_verified":true,"name":"Alice A","given_name":"Alice","family_name":"A"}"#)
                let token = try provider.idToken(sub: "alice")
                let me = try await api.send(.get, "/v1/tenants/\(t)/me", token: token)
                #expect(me.status == .ok, "\(me.text)")
                let first = try me.decode(Me.self)
                #expect(first.kind == "user" && first.role == "USER")
                let user = try await api.send(.get, "/v1/tenants/\(t)/users/\(first.id)").decode(TUserFull.self)
                #expect(user.ssoIssuer == provider.issuer && user.ssoSubject == "alice" && user.email == "Alice@example.com")
                let party = try await api.send(.get, "/v1/tenants/\(t)/parties/\(try #require(user.partyId))").decode(TParty.self)
                #expect(party.kind == "person" && party.firstName == "Alice" && party.lastName == "A")
                // Signing in again is the same user; no second user or person.
                let again = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "alice")).decode(Me.self)
                #expect(again.id == first.id)
                let users = try await api.send(.get, "/v1/tenants/\(t)/users").decode(TList<TUserFull>.self)
                #expect(users.items.count == 1)
                // The audit names the user as the actor of its own first sign-in.
                let audit = try await api.send(.get, "/v1/tenants/\(t)/audit?limit=50").decode(TList<TAuditEntry>.self)
                #expect(audit.items.contains { $0.actor == "user:\(first.id)" && $0.action == "user.create" })
                // The token counts only on its tenant: elsewhere it is not valid (401), not a way to probe.
                let other = try await api.makeTenant()
                #expect(try await api.send(.get, "/v1/tenants/\(other)/me", token: token).status == .unauthorized)
                // A suspended tenant's known users sign in (reads); a first sign-in, which writes a user and a person, is
                // refused as any write there (it made both; found by a probe).
                #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"status":"suspended"}"#).status == .ok)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "alice")).status == .ok)
                try provider.setUser("gnew", claims: #"{"email":"gnew@example.com","email_verified":true}"#)
                let frozen = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "gnew"))
                #expect(frozen.status == .forbidden && frozen.problem?.detail?.contains("suspended") == true, "\(frozen.text)")
                #expect(try await api.send(.get, "/v1/tenants/\(t)/users").decode(TList<TUserFull>.self).items.count == 1)
                // A token with a full name only names the new person by it (it had no name; found by a probe).
                #expect(try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"status":"active"}"#).status == .ok)
                try provider.setUser("carol", claims: #"{"email":"carol@example.com","email_verified":true,"name":"Carol Ann Clark"}"#)
                let carol = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "carol")).decode(Me.self)
                let carolUser = try await api.send(.get, "/v1/tenants/\(t)/users/\(carol.id)").decode(TUserFull.self)
                let carolParty = try await api.send(.get, "/v1/tenants/\(t)/parties/\(try #require(carolUser.partyId))").decode(TParty.self)
                #expect(carolParty.firstName == "Carol Ann" && carolParty.lastName == "Clark", "\(carolParty)")
            }
        }
    }

    @Test func existingUsersAreMatchedByEmailAndRulesRefuseTheRest() async throws {
        try await withProvider { provider in
            try await withApp(configure: Self.configure) { api in
                let t = try await ssoTenant(api, provider, autoProvision: false)
                let made = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"bob@example.com","role":"MANAGEMENT"}"#)
                let bob = try made.decode(TUserFull.self)
                try provider.setUser("bob-sub", claims: #"{"email":"bob@example.com","email_verified":true}"#)
                let me = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "bob-sub")).decode(Me.self)
                #expect(me.id == bob.id && me.role == "MANAGEMENT")
                let linked = try await api.send(.get, "/v1/tenants/\(t)/users/\(bob.id)").decode(TUserFull.self)
                #expect(linked.ssoSubject == "bob-sub")

                // No such user and no auto-provisioning: 403 with a reason.
                try provider.setUser("carol", claims: #"{"email":"carol@example.com","email_verified":true}"#)
                let refused = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "carol"))
                #expect(refused.status == .forbidden && refused.problem?.detail?.contains("does not create users") == true)
                // Another subject claiming bob's email can't take his account.
                try provider.setUser("mallory", claims: #"{"email":"bob@example.com","email_verified":true}"#)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "mallory")).status == .forbidden)

                // Auto-provisioning on: only allowed domains; an unverified email does not count.
                let open = try await ssoTenant(api, provider, autoProvision: true)
                try provider.setUser("dave", claims: #"{"email":"dave@elsewhere.org","email_verified":true}"#)
                let domain = try await api.send(.get, "/v1/tenants/\(open)/me", token: try provider.idToken(sub: "dave"))
                #expect(domain.status == .forbidden && domain.problem?.detail?.contains("elsewhere.org") == true)
                try provider.setUser("erin", claims: #"{"email":"erin@example.com","email_verified":false}"#)
                #expect(try await api.send(.get, "/v1/tenants/\(open)/me", token: try provider.idToken(sub: "erin")).status == .forbidden)
                // An allowed IDN domain is one domain in either form, as an address is one address.
                let idn = try await ssoTenant(api, provider, autoProvision: true)
                #expect(try await api.send(.patch, "/v1/tenants/\(idn)",
                                           json: #"{"settings":{"sso":{"issuer":"\#(provider.issuer)","audience":"roster","autoProvision":true,"emailDomains":["bücher.example"]}}}"#).status == .ok)
                try provider.setUser("uwe", claims: #"{"email":"uwe@xn--bcher-kva.example","email_verified":true}"#)
                let punycode = try await api.send(.get, "/v1/tenants/\(idn)/me", token: try provider.idToken(sub: "uwe"))
                #expect(punycode.status == .ok, "\(punycode.text)")
                #expect(try await api.send(.patch, "/v1/tenants/\(idn)",
                                           json: #"{"settings":{"sso":{"issuer":"\#(provider.issuer)","audience":"roster","autoProvision":true,"emailDomains":["xn--mller-kva.example"]}}}"#).status == .ok)
                try provider.setUser("udo", claims: #"{"email":"udo@müller.example","email_verified":true}"#)
                let unicode = try await api.send(.get, "/v1/tenants/\(idn)/me", token: try provider.idToken(sub: "udo"))
                #expect(unicode.status == .ok, "\(unicode.text)")

                // An inactive user is refused even with a valid token.
                #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(bob.id)", json: #"{"isActive":false}"#).status == .ok)
                let inactive = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "bob-sub"))
                #expect(inactive.status == .forbidden && inactive.problem?.detail?.contains("inactive") == true)
            }
        }
    }

    /// Only a verified email links or provisions (an absent `email_verified` is not one), unless the tenant trusts its
    /// issuer's emails; an inactive user is refused before anything is attached to it (issue 9, item 5).
    @Test func onlyVerifiedEmailsLink() async throws {
        try await withProvider { provider in
            try await withApp(configure: Self.configure) { api in
                let t = try await ssoTenant(api, provider, autoProvision: true)
                let ivy = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"ivy@example.com"}"#).decode(TUserFull.self)
                try provider.setUser("ivy-sub", claims: #"{"email":"ivy@example.com"}"#)
                let silent = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "ivy-sub"))
                #expect(silent.status == .forbidden, "\(silent.text)")
                #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(ivy.id)").decode(TUserFull.self).ssoSubject == nil)
                // No user made for the unverified address either.
                let listed = try await api.send(.get, "/v1/tenants/\(t)/users?q=ivy").decode(TList<TUserFull>.self)
                #expect(listed.items.count == 1)

                // The tenant trusts its issuer's emails: the same token links.
                let trust = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"sso":{"issuer":"\#(provider.issuer)","audience":"roster","autoProvision":true,"emailDomains":["example.com"],"trustUnverifiedEmail":true}}}"#)
                #expect(trust.status == .ok, "\(trust.text)")
                let linked = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "ivy-sub"))
                #expect(linked.status == .ok, "\(linked.text)")

                // An inactive user found by email: refused, and no subject attached.
                let jo = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"jo@example.com","isActive":false}"#).decode(TUserFull.self)
                try provider.setUser("jo-sub", claims: #"{"email":"jo@example.com","email_verified":true}"#)
                let inactive = try await api.send(.get, "/v1/tenants/\(t)/me", token: try provider.idToken(sub: "jo-sub"))
                #expect(inactive.status == .forbidden && inactive.problem?.detail?.contains("inactive") == true)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(jo.id)").decode(TUserFull.self).ssoSubject == nil)
            }
        }
    }

    @Test func badTokensAreRefused() async throws {
        try await withProvider { provider in
            try await withApp(configure: Self.configure) { api in
                let t = try await ssoTenant(api, provider)
                try provider.setUser("frank", claims: #"{"email":"frank@example.com","email_verified":true}"#)
                let good = try provider.idToken(sub: "frank")
                #expect(try await api.send(.get, "/v1/tenants/\(t)/me", token: good).status == .ok)
                let parts = good.split(separator: ".").map(String.init)

                func refused(_ token: String, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                    let response = try await api.send(.get, "/v1/tenants/\(t)/me", token: token)
                    #expect(response.status == .unauthorized, "\(response.text)", sourceLocation: sourceLocation)
                    #expect(response.problem?.detail?.contains(reason) == true, "\(response.text)", sourceLocation: sourceLocation)
                }
                // alg none, with and without a signature.
                let none = #"{"alg":"none","typ":"JWT"}"#.base64URL
                try await refused("\(none).\(parts[1]).", "algorithm")
                try await refused("\(none).\(parts[1]).\(parts[2])", "algorithm")
                // HMAC, the public-key-as-secret confusion.
                try await refused("\(#"{"alg":"HS256","typ":"JWT"}"#.base64URL).\(parts[1]).\(parts[2])", "algorithm")
                // Tampered claims under the original signature.
                let claims = String(decoding: Data(base64Encoded: Self.padded(parts[1]))!, as: UTF8.self)
                let tampered = claims.replacingOccurrences(of: "\"frank\"", with: "\"admin\"").base64URL
                try await refused("\(parts[0]).\(tampered).\(parts[2])", "signature")
                // A flipped signature byte.
                var signature = Array(parts[2])
                signature[10] = signature[10] == "A" ? "B" : "A"
                try await refused("\(parts[0]).\(parts[1]).\(String(signature))", "signature")
                // Garbage that looks like a JWT.
                try await refused("eyJhbGciOiJSUzI1NiJ9.e30.AAAA", "signature")

                // Wrong audience: the same provider, a token issued to another client.
                try await refused(try provider.idToken(sub: "frank", clientID: "another-app"), "audience")

                // Wrong issuer: a token of another provider, on this tenant.
                try await withProvider { stranger in
                    try stranger.setUser("frank", claims: #"{"email":"frank@example.com","email_verified":true}"#)
                    let foreign = try stranger.idToken(sub: "frank")
                    let response = try await api.send(.get, "/v1/tenants/\(t)/me", token: foreign)
                    #expect(response.status == .unauthorized)
                    // The other provider's tenant takes it; then its own issuer check refuses this tenant's tokens.
                    let theirs = try await ssoTenant(api, stranger)
                    #expect(try await api.send(.get, "/v1/tenants/\(theirs)/me", token: foreign).status == .ok)
                    #expect(try await api.send(.get, "/v1/tenants/\(theirs)/me", token: good).status == .unauthorized)
                }
            }
        }
    }

    @Test func expiredTokensAreRefused() async throws {
        try await withProvider(maxAge: 1) { provider in
            try await withApp(configure: Self.configure) { api in
                let t = try await ssoTenant(api, provider)
                try provider.setUser("gina", claims: #"{"email":"gina@example.com","email_verified":true}"#)
                let token = try provider.idToken(sub: "gina")
                try await Task.sleep(for: .seconds(3))  // 1 s life + 1 s allowed skew + margin
                let response = try await api.send(.get, "/v1/tenants/\(t)/me", token: token)
                #expect(response.status == .unauthorized && response.problem?.detail?.contains("expired") == true, "\(response.text)")
            }
        }
    }

    /// The provider's own key set, republished by a small server as three issuers: served plainly it verifies
    /// the provider's token (which then fails only on its issuer); behind a redirect, or padded past 1 MiB,
    /// it is not read at all.
    @Test func redirectingAndOversizedKeyEndpointsAreRefused() async throws {
        try await withProvider { provider in
            struct Discovery: Decodable { var jwks_uri: String }
            let discovery = try OIDCProvider.curl(["-sf", provider.issuer + "/.well-known/openid-configuration"])
            let keySet = try OIDCProvider.curl(["-sf", try JSONDecoder().decode(Discovery.self, from: Data(discovery.utf8)).jwks_uri])
            try provider.setUser("kim", claims: #"{"email":"kim@example.com","email_verified":true}"#)
            let token = try provider.idToken(sub: "kim")
            try await withKeyServer(keySet: keySet) { base in
                try await withApp(configure: Self.configure) { api in
                    // A token the keys refuse is a 401; keys that could not be read say nothing of the token: a 503.
                    for (issuer, status, reason) in [("direct", HTTPResponse.Status.unauthorized, "another issuer"),
                                                     ("moved", .serviceUnavailable, "could not be read"), ("big", .serviceUnavailable, "could not be read")] {
                        let t = try await ssoTenant(api, issuer: base + "/" + issuer)
                        let response = try await api.send(.get, "/v1/tenants/\(t)/me", token: token)
                        #expect(response.status == status && response.problem?.detail?.contains(reason) == true, "\(issuer): \(response.text)")
                    }
                    // A provider that is not there at all.
                    let gone = try await ssoTenant(api, issuer: "http://127.0.0.1:\(OIDCProvider.freePort())")
                    let response = try await api.send(.get, "/v1/tenants/\(gone)/me", token: token)
                    #expect(response.status == .serviceUnavailable && response.problem?.detail?.contains("could not be reached") == true, "\(response.text)")
                }
            }
        }
    }

    /// The provider makes a new key on every restart and its tokens carry no `kid`: the cached key fails,
    /// the key set is fetched again, and the new token verifies; the old key's tokens no longer do.
    @Test func keyRotationIsPickedUp() async throws {
        try await withProvider { provider in
            try await withApp(configure: Self.configure) { api in
                let t = try await ssoTenant(api, provider)
                try provider.setUser("hal", claims: #"{"email":"hal@example.com","email_verified":true}"#)
                let before = try provider.idToken(sub: "hal")
                #expect(try await api.send(.get, "/v1/tenants/\(t)/me", token: before).status == .ok)
                provider.stop()
                try await provider.start()
                try provider.setUser("hal", claims: #"{"email":"hal@example.com","email_verified":true}"#)
                let after = try provider.idToken(sub: "hal")
                let response = try await api.send(.get, "/v1/tenants/\(t)/me", token: after)
                #expect(response.status == .ok, "\(response.text)")
                #expect(try await api.send(.get, "/v1/tenants/\(t)/me", token: before).status == .unauthorized)
            }
        }
    }

    /// A signed-in user's scoped role decides what it sees: its subtree, and 404 outside it.
    @Test func signedInUsersGetTheirScopedRoles() async throws {
        try await withProvider { provider in
            try await withApp(configure: Self.configure) { api in
                let t = try await ssoTenant(api, provider)
                let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
                let farm = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
                let south = try await api.createParty(t, #"{"kind":"organization","name":"South"}"#)
                _ = try await api.send(.post, "/v1/tenants/\(t)/relationships", json: #"{"parentId":"\#(north.id)","childId":"\#(farm.id)","type":"structure"}"#)
                try provider.setUser("ivy", claims: #"{"email":"ivy@example.com","email_verified":true}"#)
                let token = try provider.idToken(sub: "ivy")
                let me = try await api.send(.get, "/v1/tenants/\(t)/me", token: token).decode(Me.self)
                // No role yet: it may read no party, so a party is not there for it (404), and lists are refused (403).
                #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(farm.id)", token: token).status == .notFound)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/parties", token: token).status == .forbidden)

                struct ID: Codable { var id: String }
                let role = try await api.send(.post, "/v1/tenants/\(t)/roles",
                                              json: #"{"name":"North readers","policies":["parties.read"],"organizationId":"\#(north.id)"}"#).decode(ID.self)
                #expect(try await api.send(.post, "/v1/tenants/\(t)/users/\(me.id)/roles", json: #"{"roleId":"\#(role.id)"}"#).status == .ok)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(farm.id)", token: token).status == .ok)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(south.id)", token: token).status == .notFound)
                #expect(try await api.send(.patch, "/v1/tenants/\(t)/parties/\(farm.id)", json: #"{"note":"x"}"#, token: token).status == .forbidden)
                // Revoking the grant counts on the next request.
                #expect(try await api.send(.delete, "/v1/tenants/\(t)/users/\(me.id)/roles/\(role.id)").status == .noContent)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(farm.id)", token: token).status == .notFound)
            }
        }
    }

    static func padded(_ base64URL: String) -> String {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }
}
