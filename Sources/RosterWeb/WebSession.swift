import Crypto
import Foundation
import RosterService

/// What the console keeps of a browser between requests, sealed into its cookie (AES-256-GCM): nothing is stored
/// server-side, so that any `roster serve` process on the same database and key serves any browser.
///
/// A signed-in session holds the credential itself (the token pasted at sign-in, or the OpenID Connect user), and
/// every request authenticates it again, so that a revoked key or a disabled user is out at its next click.
struct WebSession: Codable, Sendable, Equatable {
    /// The token every form of this session carries (`csrf`), compared with the one sealed here.
    var csrf: String
    /// A bearer token (tenant API key or platform token) pasted at sign-in.
    var token: String?
    /// An OpenID Connect user: its id and tenant slug.
    var userID: String?
    var tenant: String?
    /// A single sign-on under way: what must match when the provider sends the browser back.
    var pending: OIDCSignIn.Pending?
    /// Signed in at, and last request at (seconds since 1970): the absolute and idle timeouts count from these.
    var issuedAt: Double
    var seenAt: Double

    var signedIn: Bool { token != nil || userID != nil }

    /// A session with no one signed in yet: it carries the sign-in form's CSRF token.
    static func anonymous(now: Date) -> WebSession {
        WebSession(csrf: randomToken(), issuedAt: now.timeIntervalSince1970, seenAt: now.timeIntervalSince1970)
    }

    /// A session for a caller who just signed in: a new CSRF token, so that one planted before is worth nothing after.
    static func signedIn(now: Date, token: String? = nil, userID: String? = nil, tenant: String? = nil) -> WebSession {
        WebSession(csrf: randomToken(), token: token, userID: userID, tenant: tenant, issuedAt: now.timeIntervalSince1970,
                   seenAt: now.timeIntervalSince1970)
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }
}

/// Seals sessions into cookie values and opens them, refusing expired and tampered ones.
struct SessionSealer: Sendable {
    static let cookieName = "roster_session"
    private static let associatedData = Data("roster-ui-session-v1".utf8)

    private let keyBytes: Data
    let idleTimeout: TimeInterval
    let absoluteTimeout: TimeInterval

    init(keyBytes: Data, idleTimeout: TimeInterval, absoluteTimeout: TimeInterval) {
        self.keyBytes = keyBytes
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
    }

    func seal(_ session: WebSession) throws -> String {
        let plain = try JSONEncoder().encode(session)
        let box = try AES.GCM.seal(plain, using: SymmetricKey(data: keyBytes), authenticating: Self.associatedData)
        guard let combined = box.combined else { throw CocoaError(.coderInvalidValue) }
        return Base64URL.encode(combined)
    }

    /// The session in `value`, or `nil` when it does not open (another key, altered) or has expired at `now`.
    func open(_ value: String, now: Date) -> WebSession? {
        guard value.count <= 8_192, let data = Base64URL.decode(value),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: SymmetricKey(data: keyBytes), authenticating: Self.associatedData),
              let session = try? JSONDecoder().decode(WebSession.self, from: plain)
        else { return nil }
        let seconds = now.timeIntervalSince1970
        guard seconds - session.seenAt <= idleTimeout, seconds - session.issuedAt <= absoluteTimeout else { return nil }
        return session
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
