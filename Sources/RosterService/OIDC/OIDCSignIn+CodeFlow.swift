import Crypto
public import Foundation
public import RosterCore

/// The authorization-code flow with PKCE (RFC 7636, S256) for the admin console: `begin` sends the browser to the
/// tenant's provider with a fresh `state`, `nonce` and code verifier, kept by the caller (the console seals them into
/// its cookie); `finish` checks `state`, trades the code for an ID token at the token endpoint, and signs the user in
/// as `signIn(token:)` does, with the nonce checked.
extension OIDCSignIn {
    /// What one sign-in must remember between leaving for the provider and coming back.
    public struct Pending: Codable, Sendable, Equatable {
        public var tenant: String
        public var state: String
        public var nonce: String
        public var codeVerifier: String
        public var redirectURI: String
    }

    /// Where to send the browser, and what to keep until it comes back to `redirectURI`.
    public func begin(tenant slug: String, redirectURI: String) async throws -> (authorization: URL, pending: Pending) {
        let (_, issuer, clientID) = try await provider(of: slug)
        let discovery: OIDCVerifier.Discovery
        do {
            discovery = try await verifier.discovery(issuer)
        } catch {
            throw RosterError.unavailable("the tenant's identity provider could not be reached")
        }
        // On the issuer's own origin only: a tenant's settings must not make Roster redirect browsers anywhere.
        guard let endpoint = discovery.authorizationEndpoint, var components = URLComponents(string: endpoint),
              Self.sameOrigin(endpoint, issuer)
        else {
            throw RosterError.unavailable("the tenant's identity provider names no authorization endpoint on its own origin")
        }
        let pending = Pending(tenant: slug, state: Self.random(), nonce: Self.random(), codeVerifier: Self.random(), redirectURI: redirectURI)
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "scope", value: "openid email profile phone"),
            URLQueryItem(name: "state", value: pending.state),
            URLQueryItem(name: "nonce", value: pending.nonce),
            URLQueryItem(name: "code_challenge", value: Self.challenge(pending.codeVerifier)),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        guard let url = components.url else { throw RosterError.unavailable("the tenant's authorization endpoint is not a URL") }
        return (url, pending)
    }

    /// The user the provider's answer (`code`, `state`) signs in. 401 when `state` is not this sign-in's, the code
    /// is refused, or the ID token is not valid or does not carry the nonce; 403 as `signIn(token:)`.
    public func finish(code: String, state: String, pending: Pending, requestID: String) async throws -> User {
        guard !state.isEmpty, state.utf8.elementsEqual(pending.state.utf8) else {
            throw RosterError.unauthorized("this sign-in answer does not belong to this browser's sign-in (state)")
        }
        guard let post else { throw RosterError.unavailable("single sign-on is not available here") }
        let (_, issuer, clientID) = try await provider(of: pending.tenant)
        let discovery: OIDCVerifier.Discovery
        do {
            discovery = try await verifier.discovery(issuer)
        } catch {
            throw RosterError.unavailable("the tenant's identity provider could not be reached")
        }
        guard let raw = discovery.tokenEndpoint, Self.sameOrigin(raw, issuer), let endpoint = URL(string: raw) else {
            throw RosterError.unavailable("the tenant's identity provider names no token endpoint on its own origin")
        }
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", pending.redirectURI),
                    ("code_verifier", pending.codeVerifier)]
        // A confidential client authenticates with HTTP basic (client_secret_basic); a public one names itself. The
        // secret belongs to the server's own provider (ROSTER_OIDC_ISSUER and _AUDIENCE): a tenant admin can point
        // its tenant at any issuer, which must never receive it.
        let isServerProvider = issuer == defaults.issuer && clientID == defaults.audience
        let basic = isServerProvider ? clientSecret.map { (user: clientID, password: $0) } : nil
        if basic == nil { form.append(("client_id", clientID)) }
        struct TokenAnswer: Decodable { var id_token: String? }
        let answer: TokenAnswer
        do {
            answer = try JSONDecoder().decode(TokenAnswer.self, from: try await post(endpoint, form, basic))
        } catch {
            throw RosterError.unauthorized("the identity provider did not accept the sign-in")
        }
        guard let idToken = answer.id_token else { throw RosterError.unauthorized("the identity provider sent no ID token") }
        return try await signIn(token: idToken, tenant: pending.tenant, requestID: requestID, nonce: pending.nonce)
    }

    /// Same scheme, host and port (RFC 6454), the scheme http or https.
    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = URLComponents(string: a), let y = URLComponents(string: b), let scheme = x.scheme?.lowercased(),
              ["https", "http"].contains(scheme), scheme == y.scheme?.lowercased(), let host = x.host?.lowercased(), !host.isEmpty,
              host == y.host?.lowercased()
        else { return false }
        func port(_ c: URLComponents) -> Int? { c.port ?? (c.scheme?.lowercased() == "https" ? 443 : 80) }
        return port(x) == port(y)
    }

    /// 32 random bytes, base64url: state, nonce and code verifier (43 characters, as RFC 7636 §4.1 asks).
    static func random() -> String {
        Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// RFC 7636 §4.2: BASE64URL(SHA256(verifier)).
    static func challenge(_ verifier: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data(verifier.utf8)))
    }
}
