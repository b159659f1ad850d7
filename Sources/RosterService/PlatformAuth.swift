import Foundation
public import RosterCore
public import RosterStore
import Crypto

/// Platform tokens: the bootstrap token (from `ROSTER_BOOTSTRAP_TOKEN`, or generated on first start) and
/// platform keys. Only SHA-256 hashes are stored.
public struct PlatformAuth: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
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
    public func bootstrap(configuredToken: String?) async throws -> String? {
        if let configuredToken, !configuredToken.isEmpty {
            let hash = Self.hash(configuredToken)
            try await store.write { tx in
                if try await tx.platformToken(hash: hash) == nil {
                    try await tx.insertPlatformToken(PlatformToken(id: "bootstrap-" + hash.prefix(8), name: "bootstrap (configured)",
                                                                   tokenHash: hash, createdAt: Date.rosterNow))
                }
            }
            return nil
        }
        let token = Self.generateToken()
        let created = try await store.write { tx -> Bool in
            guard try await tx.platformTokenCount() == 0 else { return false }
            let hash = Self.hash(token)
            try await tx.insertPlatformToken(PlatformToken(id: "bootstrap-" + hash.prefix(8), name: "bootstrap (generated)",
                                                           tokenHash: hash, createdAt: Date.rosterNow))
            return true
        }
        return created ? token : nil
    }

    /// The principal a bearer token stands for, or `nil`.
    public func authenticate(bearer token: String) async throws -> Principal? {
        guard !token.isEmpty, token.count <= 512 else { return nil }
        let hash = Self.hash(token)
        guard let stored = try await store.read({ tx in try await tx.platformToken(hash: hash) }) else { return nil }
        return .platform(stored.id)
    }
}
