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

    /// A key with a coarse `role` and, optionally, access roles whose policies it holds besides.
    public func create(tenant slug: String, name: String, role: User.Role, roleIDs: [AccessRole.ID] = [],
                       context: OperationContext) async throws -> (APIKey, String) {
        guard let name = try Text.optional(name, field: "name", max: 100) else { throw RosterError.invalid("name", "must not be empty") }
        guard roleIDs.count <= 100 else { throw RosterError.invalid("roleIds", "at most 100 roles") }
        // Each role once, as the spec says (`uniqueItems`): a repeated one was taken silently (found by a probe).
        guard Set(roleIDs).count == roleIDs.count else { throw RosterError.invalid("roleIds", "names a role more than once") }
        let prefix = String(PlatformAuth.generateToken().dropFirst(4).prefix(8))
        let secret = "rk_\(prefix)_" + PlatformAuth.generateToken().dropFirst(4)
        return try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            try access.require("users.manage")
            let tenant = access.tenant
            var roles: [AccessRole] = []
            for (index, id) in roleIDs.enumerated() {
                guard let role = try await tx.lockedRole(tenant: tenant.id, id: id) else {
                    throw RosterError.notFound("no role \(id) in this tenant (roleIds[\(index)])")
                }
                roles.append(role)
            }
            // A key holds nothing its maker lacks: its role, and every policy of its access roles as widely.
            try await access.requireCovers(role: role, roles: roles, what: "the new key")
            // Made by a user, or by a key made for one: made for that user, and it ends with it (a deactivated user's key
            // went on working; found by a probe). A platform token's key, or one of a key made by it, stands alone.
            var owner: User.ID?
            switch context.principal {
            case .user(let id): owner = User.ID(uuidString: id)
            case .apiKey(let id):
                if let id = APIKey.ID(uuidString: id) { owner = try await tx.apiKey(tenant: tenant.id, id: id)?.createdBy }
            default: owner = nil
            }
            let key = APIKey(id: .make(), tenantID: tenant.id, name: name, prefix: prefix, role: role,
                             roleIDs: roleIDs.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }, createdAt: Date.rosterNow,
                             createdBy: owner)
            try await tx.insertAPIKey(key, hash: PlatformAuth.hash(secret))
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "api_key.create", targetType: "api_key",
                                                 targetID: key.id.description, fields: roleIDs.isEmpty ? ["name", "role"] : ["name", "role", "roleIds"])])
            return (key, secret)
        }
    }

    /// A page of `list`, oldest first (the API's list); the cursor is the last key's id.
    public func page(tenant slug: String, cursor: String?, limit: Int?, context: OperationContext) async throws -> Page<APIKey> {
        let after: APIKey.ID? = try decodeCursor(cursor)
        return try Page.of(try await list(tenant: slug, context: context), key: { $0.id.rawValue.uuidString.lowercased() },
                           cursor: after?.rawValue.uuidString.lowercased(), limit: limit)
    }

    public func list(tenant slug: String, context: OperationContext) async throws -> [APIKey] {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            // A list of keys holds no secret (names, prefixes, roles): a read, which MANAGEMENT may make (DESIGN.md §2).
            try access.require("users.read")
            // The roles a key holds that still exist: a deleted role grants nothing and was listed on (found by a probe).
            let live = Set(try await tx.roles(tenant: access.tenant.id).map(\.id))
            return try await tx.apiKeys(tenant: access.tenant.id).map { key in
                var key = key
                key.roleIDs.removeAll { !live.contains($0) }
                return key
            }
        }
    }

    public func revoke(tenant slug: String, id: APIKey.ID, context: OperationContext) async throws {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.require("users.manage")
            let tenant = access.tenant
            guard let key = try await tx.apiKey(tenant: tenant.id, id: id) else {
                throw RosterError.notFound("no live API key \(id)")
            }
            let roles = try await tx.accessGraph(for: tenant).read { $0.roles(key.roleIDs) }
            try await access.requireCovers(role: key.role, roles: roles, what: "API key \(id)")
            guard try await tx.revokeAPIKey(tenant: tenant.id, id: id, at: Date.rosterNow) else {
                throw RosterError.notFound("no live API key \(id)")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "api_key.revoke", targetType: "api_key",
                                                 targetID: id.description)])
        }
    }
}

/// Turns a bearer token into a caller: tenant API keys (`rk_...`, checked on every request so that a
/// revocation counts at once), OpenID Connect ID tokens on a tenant's paths, or platform tokens.
public struct Authenticator: Sendable {
    let store: any Store
    let platform: PlatformAuth
    public let signIn: OIDCSignIn?

    public init(store: any Store, platform: PlatformAuth, signIn: OIDCSignIn? = nil) {
        self.store = store
        self.platform = platform
        self.signIn = signIn
    }

    /// `tenant` is the tenant of the request's path, which decides which ID tokens count. Returns `nil` for
    /// a token that is not valid; throws 401 or 403 problems that say why an ID token is refused.
    public func authenticate(bearer token: String, tenant: String?, requestID: String) async throws -> Caller? {
        guard !token.isEmpty, token.utf8.count <= 16_384 else { return nil }
        if token.hasPrefix("rk_") {
            let hash = PlatformAuth.hash(token)
            guard let (key, slug) = try await store.read({ tx in try await tx.apiKey(hash: hash) }) else { return nil }
            return Caller(principal: .apiKey(key.id.description), tenantSlug: slug, role: key.role, roleIDs: key.roleIDs)
        }
        if Self.looksLikeJWT(token) {
            guard let signIn, let tenant else { return nil }
            let user = try await signIn.signIn(token: token, tenant: tenant, requestID: requestID)
            return Caller(principal: .user(user.id.description), tenantSlug: tenant, role: user.role)
        }
        return try await platform.authenticate(bearer: token).map { Caller(principal: $0) }
    }

    /// The caller a console session signed in through OpenID Connect stands for, read again on every request so that
    /// a user made inactive (or removed) is out at once; `nil` when it no longer may sign in.
    public func sessionUser(_ id: User.ID, tenant slug: String) async throws -> Caller? {
        guard let user = try await store.read({ tx -> User? in
            guard let tenant = try await tx.tenant(slug: slug) else { return nil }
            return try await tx.user(tenant: tenant.id, id: id)
        }), user.isActive else { return nil }
        return Caller(principal: .user(user.id.description), tenantSlug: slug, role: user.role)
    }

    /// Three base64url parts, the first a JSON object.
    static func looksLikeJWT(_ token: String) -> Bool {
        token.hasPrefix("eyJ") && token.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }
}
