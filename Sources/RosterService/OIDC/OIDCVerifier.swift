public import Foundation
import Synchronization

/// Verifies OpenID Connect ID tokens against their issuer's published keys.
///
/// The discovery document and the key set are fetched on first use and cached per issuer. A token whose
/// `kid` is unknown, or one without `kid` whose signature fails with the cached keys, makes the verifier
/// fetch the key set again, once, and at most every `minimumRefetchInterval`: that is how a key rotation
/// is picked up without letting a stream of bad tokens hammer the provider.
public final class OIDCVerifier: Sendable {
    /// Reads a URL's body; non-2xx answers must throw.
    public typealias Fetch = @Sendable (URL) async throws -> Data

    public struct Options: Sendable {
        /// Seconds of allowance on `exp` and `nbf` for clocks that disagree.
        public var clockSkew: TimeInterval = 60
        /// The least time between two fetches of one issuer's key set caused by unknown keys.
        public var minimumRefetchInterval: Duration = .seconds(10)
        /// Cached keys older than this are fetched again on next use.
        public var keyLifetime: Duration = .seconds(3600)
        /// A failed fetch is not tried again for this long (callers keep the cached keys, or get the failure).
        public var failureLifetime: Duration = .seconds(10)

        public init() {}
    }

    struct IssuerKeys: Sendable {
        var keys: [JSONWebKey]
        /// `id_token_signing_alg_values_supported` of the discovery document, when it says.
        var algorithms: Set<String>?
        var fetchedAt: ContinuousClock.Instant
    }

    struct IssuerState: Sendable {
        var keys: IssuerKeys?
        var failedAt: ContinuousClock.Instant?
    }

    private let fetch: Fetch
    private let options: Options
    private let now: @Sendable () -> Date
    private let cache = Mutex<[String: IssuerState]>([:])
    private let inFlight = Mutex<[String: Task<IssuerKeys, any Error>]>([:])

    public init(options: Options = Options(), now: @escaping @Sendable () -> Date = { Date() }, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.options = options
        self.now = now
    }

    /// Verifies signature and claims; returns the claims Roster uses.
    func verify(_ compact: String, issuer: String, audience: String) async throws(TokenRejection) -> JSONWebToken.Claims {
        let token = try JSONWebToken(compact)
        guard JSONWebToken.supportedAlgorithms.contains(token.header.alg) else { throw .algorithmNotAllowed(token.header.alg) }
        guard token.header.crit?.isEmpty ?? true else { throw .malformed }

        var set = try await keys(for: issuer, refresh: false)
        var outcome = Self.check(token, with: set)
        if outcome != nil, canRefetch(set) {
            set = try await keys(for: issuer, refresh: true)
            outcome = Self.check(token, with: set)
        }
        if let outcome { throw outcome }
        try token.checkClaims(issuer: issuer, audience: audience, now: now(), skew: options.clockSkew)
        return token.claims
    }

    /// `nil` when a key of the set verifies the token; else why not.
    static func check(_ token: JSONWebToken, with set: IssuerKeys) -> TokenRejection? {
        let alg = token.header.alg
        if let declared = set.algorithms, !declared.contains(alg) { return .algorithmNotAllowed(alg) }
        let usable = set.keys.filter { $0.allows(algorithm: alg) }
        guard !usable.isEmpty else { return .algorithmNotAllowed(alg) }
        let candidates: [JSONWebKey]
        if let kid = token.header.kid {
            candidates = usable.filter { $0.kid == kid }
        } else {
            // No `kid`: only unambiguous when the set has a single key for the algorithm.
            candidates = usable.count == 1 ? usable : []
        }
        guard !candidates.isEmpty else { return .unknownKey }
        return candidates.contains(where: token.isSigned(by:)) ? nil : .badSignature
    }

    private func canRefetch(_ keys: IssuerKeys) -> Bool {
        ContinuousClock.now - keys.fetchedAt >= options.minimumRefetchInterval
    }

    /// The issuer's keys: cached while fresh; else fetched, one fetch per issuer however many callers wait
    /// for it; a failed fetch is remembered for `failureLifetime`, during which callers get the cached
    /// keys, if any, or the failure, without another fetch.
    private func keys(for issuer: String, refresh: Bool) async throws(TokenRejection) -> IssuerKeys {
        let state = cache.withLock { $0[issuer] }
        let cached = state?.keys
        if let cached, !refresh, ContinuousClock.now - cached.fetchedAt < options.keyLifetime { return cached }
        if let failedAt = state?.failedAt, ContinuousClock.now - failedAt < options.failureLifetime {
            if let cached { return cached }
            throw .discoveryFailed
        }
        let fetch = inFlight.withLock { running in
            if let fetch = running[issuer] { return fetch }
            let fetch = Task { try await self.load(issuer) }
            running[issuer] = fetch
            return fetch
        }
        let result = await fetch.result
        inFlight.withLock { running in
            if running[issuer] == fetch { running[issuer] = nil }
        }
        switch result {
        case .success(let fresh):
            cache.withLock { $0[issuer] = IssuerState(keys: fresh, failedAt: nil) }
            return fresh
        case .failure:
            cache.withLock { $0[issuer, default: IssuerState()].failedAt = .now }
            // A provider that is briefly unreachable should not lock everyone out: keep using what we had.
            if let cached { return cached }
            throw .discoveryFailed
        }
    }

    struct Discovery: Decodable {
        var issuer: String
        var jwksURI: String
        var algorithms: [String]?
        var authorizationEndpoint: String?
        var tokenEndpoint: String?

        enum CodingKeys: String, CodingKey {
            case issuer, jwksURI = "jwks_uri", algorithms = "id_token_signing_alg_values_supported"
            case authorizationEndpoint = "authorization_endpoint", tokenEndpoint = "token_endpoint"
        }
    }

    /// The issuer's discovery document; OpenID Connect Discovery 4.3: it must name the issuer it was fetched for.
    func discovery(_ issuer: String) async throws -> Discovery {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard let discoveryURL = URL(string: base + "/.well-known/openid-configuration") else { throw TokenRejection.discoveryFailed }
        let discovery = try JSONDecoder().decode(Discovery.self, from: try await fetch(discoveryURL))
        guard discovery.issuer == issuer else { throw TokenRejection.discoveryFailed }
        return discovery
    }

    private func load(_ issuer: String) async throws -> IssuerKeys {
        let discovery = try await discovery(issuer)
        guard let jwksURL = URL(string: discovery.jwksURI) else { throw TokenRejection.discoveryFailed }
        let set = try JSONDecoder().decode(JSONWebKeySet.self, from: try await fetch(jwksURL))
        return IssuerKeys(keys: set.keys, algorithms: discovery.algorithms.map(Set.init), fetchedAt: .now)
    }
}
