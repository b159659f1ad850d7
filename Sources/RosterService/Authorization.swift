import Foundation
public import RosterCore
import RosterStore

/// What an operation acts on, for an access decision.
public enum AccessTarget: Sendable, Hashable {
    /// The tenant as a whole (settings, users, roles, audit): the policy must hold tenant-wide.
    case tenant
    /// A list of parties or edges: the policy must hold somewhere; the list shows only what the caller sees.
    case list
    /// Parties: the policy must hold on each.
    case parties([Party.ID])
    /// An edge: the policy must hold on both its ends.
    case relationship(Relationship.ID)
}

extension AccessService {
    /// What `caller` may do in tenant `slug`: its coarse role plus its roles' policies (an API key's given roles).
    public func grants(for caller: Caller, tenant slug: String) async throws -> Grants {
        if Self.holdsEverything(caller) { return .all }
        return try await store.read { tx in try await Self.grants(for: caller, tenant: try await tx.requireTenant(slug), tx: tx) }
    }

    /// Platform callers and ADMIN: every policy, without reading anything.
    static func holdsEverything(_ caller: Caller) -> Bool {
        caller.principal.isPlatform || caller.role == .admin
    }

    static func grants(for caller: Caller, tenant: Tenant, tx: any StoreTransaction) async throws -> Grants {
        if holdsEverything(caller) { return .all }
        return Grants(role: caller.role ?? .user, roles: try await roles(of: caller, tenant: tenant, tx: tx))
    }

    /// The access roles a caller holds: a user's grants, or the roles an API key was given (those that still exist).
    static func roles(of caller: Caller, tenant: Tenant, tx: any StoreTransaction) async throws -> [AccessRole] {
        switch caller.principal {
        case .user(let raw):
            guard let id = User.ID(uuidString: raw) else { return [] }
            return try await tx.roles(tenant: tenant.id, user: id)
        case .apiKey:
            var roles: [AccessRole] = []
            for id in caller.roleIDs { if let found = try await tx.role(tenant: tenant.id, id: id) { roles.append(found) } }
            return roles
        case .platform, .system:
            return []
        }
    }

    /// Decides whether `caller` may exercise `policy` on `target` in tenant `slug` (DESIGN.md §4.3, seed 004), in one
    /// read. Returns the subtrees the caller may see parties in (`nil`: the whole tenant), for the operation's context.
    /// Throws 403 when the caller lacks the policy but may see the record (or the refusal reveals no record),
    /// and 404 for a party it may not see at all, as if it did not exist.
    public func authorize(_ caller: Caller, tenant slug: String, policy: String, target: AccessTarget) async throws -> [Subtree]? {
        // Holders of everything need no read at all.
        if Self.holdsEverything(caller) { return nil }
        return try await store.read { tx in
            let tenant = try await tx.requireTenant(slug)
            let grants = try await Self.grants(for: caller, tenant: tenant, tx: tx)
            let visible = grants.readableSubtrees
            let scope = grants.scope(of: policy)
            switch target {
            case .tenant:
                guard scope == .tenant else {
                    throw RosterError.forbidden(scope == nil ? "this needs the \(policy) policy"
                                                             : "this needs the \(policy) policy on the whole tenant, not only on part of it")
                }
            case .list:
                guard scope != nil else { throw RosterError.forbidden("this needs the \(policy) policy") }
            case .parties(let ids):
                try await Self.requireOnParties(ids, tenant: tenant.id, policy: policy, scope: scope, visible: visible, tx: tx)
            case .relationship(let id):
                guard scope != .tenant else { break }
                // A missing edge: the request goes on to its 404, unless the caller can't even see one like it.
                if let edge = try await tx.relationship(tenant: tenant.id, id: id) {
                    try await Self.requireOnParties([edge.parentID, edge.childID], tenant: tenant.id, policy: policy, scope: scope,
                                                    visible: visible, what: "relationship \(id)", tx: tx)
                } else if scope == nil {
                    throw RosterError.forbidden("this needs the \(policy) policy")
                }
            }
            return visible
        }
    }

    private static func requireOnParties(_ ids: [Party.ID], tenant: Tenant.ID, policy: String, scope: PolicyScope?, visible: [Subtree]?,
                                         what: String? = nil, tx: any StoreTransaction) async throws {
        if scope == .tenant { return }
        let granted: [Subtree]
        if case .subtrees(let subtrees) = scope { granted = subtrees } else { granted = [] }
        let allowed = try await tx.visibleParties(tenant: tenant, among: ids, within: granted)
        guard ids.contains(where: { !allowed.contains($0) }) else { return }
        var seen = Set<Party.ID>()
        if let visible {
            seen = try await tx.visibleParties(tenant: tenant, among: ids, within: visible)
        } else {
            for id in ids where try await tx.party(tenant: tenant, id: id) != nil { seen.insert(id) }
        }
        for id in ids where !allowed.contains(id) {
            guard seen.contains(id) else { throw RosterError.notFound("no \(what ?? "party \(id)")") }
            throw RosterError.forbidden(scope == nil ? "this needs the \(policy) policy"
                                                     : "the \(policy) policy of this caller does not reach party \(id)")
        }
    }
}
