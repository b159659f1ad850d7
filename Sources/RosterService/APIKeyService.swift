import Crypto
import Foundation
public import RosterCore
public import RosterStore

/// Tenant API keys: `rk_<prefix>_<secret>`, shown once, stored as a SHA-256 hash; revocation takes effect at once.
public struct APIKeyService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public func create(tenant slug: String, name: String, role: User.Role, context: OperationContext) async throws -> (APIKey, String) {
        guard let name = try Text.optional(name, field: "name", max: 100) else { throw RosterError.invalid("name", "must not be empty") }
        let prefix = String(PlatformAuth.generateToken().dropFirst(4).prefix(8))
        let secret = "rk_\(prefix)_" + PlatformAuth.generateToken().dropFirst(4)
        return try await store.write { tx in
            let tenant = try await tx.requireWritableTenant(slug)
            let key = APIKey(id: .make(), tenantID: tenant.id, name: name, prefix: prefix, role: role, createdAt: Date.rosterNow)
            try await tx.insertAPIKey(key, hash: PlatformAuth.hash(secret))
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "api_key.create", targetType: "api_key",
                                                 targetID: key.id.description, fields: ["name", "role"])])
            return (key, secret)
        }
    }

    public func list(tenant slug: String) async throws -> [APIKey] {
        try await store.read { tx in
            let tenant = try await tx.requireTenant(slug)
            return try await tx.apiKeys(tenant: tenant.id)
        }
    }

    public func revoke(tenant slug: String, id: APIKey.ID, context: OperationContext) async throws {
        try await store.write { tx in
            let tenant = try await tx.requireTenant(slug)
            guard try await tx.revokeAPIKey(tenant: tenant.id, id: id, at: Date.rosterNow) else {
                throw RosterError.notFound("no live API key \(id)")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "api_key.revoke", targetType: "api_key",
                                                 targetID: id.description)])
        }
    }
}

/// Turns a bearer token into a caller: tenant API keys (`rk_...`, checked on every request so that a
/// revocation counts at once) or platform tokens.
public struct Authenticator: Sendable {
    let store: any Store
    let platform: PlatformAuth

    public init(store: any Store, platform: PlatformAuth) {
        self.store = store
        self.platform = platform
    }

    public func authenticate(bearer token: String) async throws -> Caller? {
        guard !token.isEmpty, token.count <= 512 else { return nil }
        if token.hasPrefix("rk_") {
            let hash = PlatformAuth.hash(token)
            guard let (key, slug) = try await store.read({ tx in try await tx.apiKey(hash: hash) }) else { return nil }
            return Caller(principal: .apiKey(key.id.description), tenantSlug: slug, role: key.role)
        }
        return try await platform.authenticate(bearer: token).map { Caller(principal: $0) }
    }
}
