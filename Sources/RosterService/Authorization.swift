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
        if caller.principal.isPlatform || caller.role == .admin { return .all }
        let role = caller.role ?? .user
        return try await store.read { tx in
            guard let tenant = try await tx.tenant(slug: slug) else { throw RosterError.notFound("no tenant \(slug.prefix(63))") }
            var roles: [AccessRole] = []
            switch caller.principal {
            case .user(let raw):
                if let id = User.ID(uuidString: raw) { roles = try await tx.roles(tenant: tenant.id, user: id) }
            case .apiKey:
                for id in caller.roleIDs { if let found = try await tx.role(tenant: tenant.id, id: id) { roles.append(found) } }
            case .platform, .system:
                break
            }
            return Grants(role: role, roles: roles)
        }
    }

    /// Decides whether `caller` may exercise `policy` on `target` in tenant `slug` (DESIGN.md §4.3, seed 004).
    /// Returns the subtrees the caller may see parties in (`nil`: the whole tenant), for the operation's context.
    /// Throws 403 when the caller lacks the policy but may see the record (or the refusal reveals no record),
    /// and 404 for a party it may not see at all, as if it did not exist.
    public func authorize(_ caller: Caller, tenant slug: String, policy: String, target: AccessTarget) async throws -> [Subtree]? {
        let grants = try await grants(for: caller, tenant: slug)
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
            try await requireOnParties(ids, slug: slug, policy: policy, scope: scope, visible: visible)
        case .relationship(let id):
            guard scope != .tenant else { break }
            let ends = try await store.read { tx -> [Party.ID]? in
                guard let tenant = try await tx.tenant(slug: slug),
                      let edge = try await tx.relationship(tenant: tenant.id, id: id) else { return nil }
                return [edge.parentID, edge.childID]
            }
            // A missing edge: the caller's request goes on to its 404, unless it can't even see one like it.
            if let ends {
                try await requireOnParties(ends, slug: slug, policy: policy, scope: scope, visible: visible, what: "relationship \(id)")
            } else if scope == nil {
                throw RosterError.forbidden("this needs the \(policy) policy")
            }
        }
        return visible
    }

    private func requireOnParties(_ ids: [Party.ID], slug: String, policy: String, scope: PolicyScope?, visible: [Subtree]?,
                                  what: String? = nil) async throws {
        if scope == .tenant { return }
        let granted: [Subtree]
        if case .subtrees(let subtrees) = scope { granted = subtrees } else { granted = [] }
        let (allowed, seen) = try await store.read { tx -> (Set<Party.ID>, Set<Party.ID>) in
            guard let tenant = try await tx.tenant(slug: slug) else { throw RosterError.notFound("no tenant \(slug.prefix(63))") }
            let allowed = try await tx.visibleParties(tenant: tenant.id, among: ids, within: granted)
            var seen = Set<Party.ID>()
            if let visible {
                seen = try await tx.visibleParties(tenant: tenant.id, among: ids, within: visible)
            } else {
                for id in ids where try await tx.party(tenant: tenant.id, id: id) != nil { seen.insert(id) }
            }
            return (allowed, seen)
        }
        for id in ids where !allowed.contains(id) {
            guard seen.contains(id) else { throw RosterError.notFound("no \(what ?? "party \(id)")") }
            throw RosterError.forbidden(scope == nil ? "this needs the \(policy) policy"
                                                     : "the \(policy) policy of this caller does not reach party \(id)")
        }
    }
}
