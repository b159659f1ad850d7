import Foundation
public import RosterCore
public import RosterStore
import Crypto
import Synchronization

/// Platform tokens: the bootstrap token (from `ROSTER_BOOTSTRAP_TOKEN`, or generated on first start) and
/// platform keys. Only SHA-256 hashes are stored.
public struct PlatformAuth: Sendable {
    let store: any Store
    /// Recently seen valid tokens, so that a busy client does not cost a database read per request.
    /// Platform keys are revoked only by an operator (`roster platform-keys revoke`), so a short life is safe.
    private let cache = TokenCache(lifetime: .seconds(10))

    public init(store: any Store) {
        self.store = store
    }

    public static func hash(_ token: String) -> String {
        var token = token
        return token.withUTF8 { bytes in SHA256.hash(data: bytes).withUnsafeBytes { hexString(bytes: $0) } }
    }

    /// A new random token: `rst_` and 43 base64url characters (256 bits).
    public static func generateToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "rst_" + base64
    }

    /// Makes sure a bootstrap token exists. Returns a newly generated token (to print once) when none was configured
    /// and none is stored; `nil` otherwise.
    static let configuredName = "bootstrap (configured)"
    static let generatedName = "bootstrap (generated)"
    static let generatedID = "bootstrap-generated"
    public static let minimumTokenLength = 32
    /// `roster_settings` names of bootstrap tokens revoked or replaced: by hash, never configured again.
    static let retiredPrefix = "retired-bootstrap-token:"
    public static let retired = RosterError.invalid("ROSTER_BOOTSTRAP_TOKEN", "must be the current bootstrap token: this one was revoked, or "
                                             + "replaced by a newer one (every process must carry the same value); set the current one, or none")

    public func bootstrap(configuredToken: String?) async throws -> String? {
        if let configuredToken, !configuredToken.isEmpty {
            guard configuredToken.count >= Self.minimumTokenLength else {
                throw RosterError.invalid("ROSTER_BOOTSTRAP_TOKEN", "must be at least \(Self.minimumTokenLength) characters")
            }
            let hash = Self.hash(configuredToken)
            try await store.write { tx in
                // A token revoked, or replaced by a newer one, stays so: a process started with it again brought it back
                // (a revoked token worked again after a restart; during a rolling restart the last process to start made
                // its own the one that works; found by a probe).
                if try await tx.installationSetting(Self.retiredPrefix + hash) != nil { throw Self.retired }
                // A new configured token replaces the earlier one, and the one generated before any was configured:
                // they stop working now.
                for old in try await tx.platformTokens()
                where (old.name == Self.configuredName || old.name == Self.generatedName) && old.tokenHash != hash {
                    _ = try await tx.deletePlatformToken(id: old.id)
                    try await tx.saveInstallationSetting(Self.retiredPrefix + old.tokenHash, value: Date.rosterNow.ISO8601Format())
                }
                if try await tx.platformToken(hash: hash) == nil {
                    try await tx.insertPlatformToken(PlatformToken(id: "bootstrap-" + hash.prefix(8), name: Self.configuredName,
                                                                   tokenHash: hash, createdAt: Date.rosterNow))
                }
            }
            return nil
        }
        let token = Self.generateToken()
        do {
            let created = try await store.write { tx -> Bool in
                guard try await tx.platformTokenCount() == 0 else { return false }
                // One id for every generated token: of processes starting together on an empty database (each counted
                // none), one inserts it and the others lose on the key; each printed a token of its own (a probe).
                try await tx.insertPlatformToken(PlatformToken(id: Self.generatedID, name: Self.generatedName,
                                                               tokenHash: Self.hash(token), createdAt: Date.rosterNow))
                return true
            }
            return created ? token : nil
        } catch StoreError.uniqueViolation {
            return nil
        }
    }

    /// A new platform key for an operator: acts on every tenant, like the bootstrap token. Shown once.
    public func createKey(name: String) async throws -> (PlatformToken, String) {
        guard let name = try Text.optional(name, field: "name", max: 100) else { throw RosterError.invalid("name", "must not be empty") }
        let secret = Self.generateToken()
        let key = PlatformToken(id: "key-" + UUIDv7.next().uuidString.lowercased().suffix(12), name: name,
                                tokenHash: Self.hash(secret), createdAt: Date.rosterNow)
        try await store.write { tx in try await tx.insertPlatformToken(key) }
        return (key, secret)
    }

    public func keys() async throws -> [PlatformToken] {
        try await store.read { tx in try await tx.platformTokens() }
    }

    /// Removes a platform key or token. Other processes may accept it for up to their cache's lifetime (10 s).
    public func revoke(id: String) async throws {
        try await store.write { tx in
            let tokens = try await tx.platformTokens()
            guard tokens.contains(where: { $0.id == id }) else { throw RosterError.notFound("no platform key \(id)") }
            guard tokens.count > 1 else {
                throw RosterError.conflict("the last platform token can't be removed; create another first")
            }
            _ = try await tx.deletePlatformToken(id: id)
            if let token = tokens.first(where: { $0.id == id }), [Self.configuredName, Self.generatedName].contains(token.name) {
                try await tx.saveInstallationSetting(Self.retiredPrefix + token.tokenHash, value: Date.rosterNow.ISO8601Format())
            }
        }
        cache.removeAll()
    }

    /// The principal a bearer token stands for, or `nil`.
    public func authenticate(bearer token: String) async throws -> Principal? {
        guard !token.isEmpty, token.utf8.count <= 512 else { return nil }
        let hash = Self.hash(token)
        if let principal = cache.principal(for: hash) { return principal }
        guard let stored = try await store.read({ tx in try await tx.platformToken(hash: hash) }) else { return nil }
        let principal = Principal.platform(stored.id)
        cache.remember(principal, for: hash)
        return principal
    }
}

/// Valid token hashes with the time they were checked; bounded, oldest dropped first.
final class TokenCache: Sendable {
    private let entries = Mutex<[String: (Principal, ContinuousClock.Instant)]>([:])
    private let lifetime: Duration
    private let capacity = 1000

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func principal(for hash: String) -> Principal? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let (principal, checked) = entries[hash] else { return nil }
            if now - checked > lifetime {
                entries[hash] = nil
                return nil
            }
            return principal
        }
    }

    func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    func remember(_ principal: Principal, for hash: String) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.1 < $1.value.1 })?.key { entries[oldest] = nil }
            entries[hash] = (principal, now)
        }
    }
}
