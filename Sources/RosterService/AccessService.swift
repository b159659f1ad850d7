public import Foundation
public import RosterCore
public import RosterStore

/// Roles, grants and access decisions (DESIGN.md §2 Access, seed 004): a role's policies hold
/// tenant-wide, or on its organization and everything below it.
public struct AccessService: Sendable {
    let store: any Store
    let audit: AuditLog

    public init(store: any Store, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    /// A role's own fields by its rules, each problem added to `errors` (the console adds its form's to the same list).
    public static func roleFields(name: String, policies: [String], relationshipType: String?, scoped: Bool,
                                  errors: inout ValidationErrors) -> (name: String?, policies: [String]?, type: String?) {
        let name = errors.check { try Tag.validateText(name, field: "name") }
        let policies = errors.check { try AccessRole.validatePolicies(policies) }
        let type = relationshipType.flatMap { raw in errors.check { try Relationship.validateLabel(raw, field: "relationshipType") } }
        if type != nil, !scoped { errors.add("relationshipType", "only for a role scoped to an organization") }
        return (name, policies, type)
    }

    public func createRole(tenant slug: String, name: String, policies: [String], organizationID: Party.ID?, relationshipType: String?,
                           context: OperationContext) async throws -> AccessRole {
        var errors = ValidationErrors()
        let (name, policies, type) = Self.roleFields(name: name, policies: policies, relationshipType: relationshipType,
                                                     scoped: organizationID != nil, errors: &errors)
        try errors.throwIfAny()
        return try await onceMoreOnDuplicate(RosterError.conflict("a role with this name exists")) {
            try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                try access.requireSomewhere("roles.manage")
                let tenant = access.tenant
                if let organizationID {
                    let organization = try await access.party(organizationID)
                    guard organization.kind == .organization, organization.isLive else {
                        throw RosterError.invalid("organizationId", "must be a live organization")
                    }
                }
                if let existing = try await tx.roles(tenant: tenant.id).first(where: { $0.name.lowercased() == name!.lowercased() }) {
                    // Named only to a caller who may know the role (a scoped caller read other roles' ids; a probe).
                    guard try await access.mayKnow(existing) else { throw RosterError.conflict("a role with this name exists") }
                    throw RosterError.conflict("a role \(existing.name) exists", existingID: existing.id.description)
                }
                let role = AccessRole(id: .make(), tenantID: tenant.id, name: name!, policies: policies!, organizationID: organizationID,
                                      relationshipType: type, createdAt: Date.rosterNow)
                try await access.requireMayGive(role)
                try await tx.insertRole(role)
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "role.create", targetType: "role",
                                                     targetID: role.id.description, fields: ["name", "policies", "organizationId", "relationshipType"])])
                return role
            }
        }
    }

    /// The roles this caller may know (`TenantAccess.mayKnow`): every role for one that lists them (`users.read` on the
    /// whole tenant), else the roles scoped inside the subtrees it reads users or manages roles in, and its own. For the
    /// API's list and the console's access page alike (the API refused a scoped caller the list the console showed it;
    /// found by a probe).
    /// A page of `roles`, by name (the API's list).
    public func rolesPage(tenant slug: String, cursor: String?, limit: Int?, context: OperationContext) async throws -> Page<AccessRole> {
        try Page.of(try await roles(tenant: slug, context: context), key: { $0.name.lowercased() }, cursor: cursor, limit: limit)
    }

    public func roles(tenant slug: String, context: OperationContext) async throws -> [AccessRole] {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            guard access.isPlatform || access.grants.scope(of: "users.read") != nil || access.grants.scope(of: "roles.manage") != nil else {
                throw RosterError.forbidden("this needs the users.read or roles.manage policy")
            }
            var known: [AccessRole] = []
            for role in try await tx.roles(tenant: access.tenant.id) where try await access.mayKnow(role) { known.append(role) }
            return known
        }
    }

    /// Deletes a role: every grant of it ends now (recorded, so that "as of" answers before now still see the role and its
    /// grants), API keys holding it hold it no more, and an organization it was scoped to may be erased or merged. The
    /// caller needs `roles.manage` over everything the role grants (as to create it). 404 when there is no such role.
    public func deleteRole(tenant slug: String, id: AccessRole.ID, context: OperationContext) async throws {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            try access.requireSomewhere("roles.manage")
            let tenant = access.tenant
            guard let role = try await tx.role(tenant: tenant.id, id: id) else { throw RosterError.notFound("no role \(id)") }
            try await access.requireGivable(role)
            guard try await tx.deleteRole(tenant: tenant.id, id: id) else { throw RosterError.notFound("no role \(id)") }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "role.delete", targetType: "role",
                                                 targetID: id.description)])
        }
    }

    /// Grants `role` to `user` for `window` (always, when open), or gives a grant held a new window; answers the user's
    /// grants.
    public func grant(tenant slug: String, user: User.ID, role: AccessRole.ID, window: ValidityWindow = ValidityWindow(),
                      context: OperationContext) async throws -> [RoleGrant] {
        let window = try ValidityWindow.validated(validFrom: window.validFrom, validTo: window.validTo)
        return try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant
            let grantee = try await access.requireGrantee(user)
            guard let found = try await tx.lockedRole(tenant: tenant.id, id: role) else { throw RosterError.notFound("no role \(role)") }
            try await access.requireGivable(found)
            try await UserService.requireLinkedPartyLive(grantee, tx: tx, giving: "a role")
            if try await tx.grantRole(tenant: tenant.id, user: user, role: role, window: window) {
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "role.grant", targetType: "user",
                                                     targetID: user.description, fields: ["roles"])])
            }
            return try await tx.grants(tenant: tenant.id, user: user)
        }
    }

    public func revoke(tenant slug: String, user: User.ID, role: AccessRole.ID, context: OperationContext) async throws {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant
            try await access.requireGrantee(user)
            if let found = try await tx.role(tenant: tenant.id, id: role) { try await access.requireGivable(found) }
            guard try await tx.revokeRole(tenant: tenant.id, user: user, role: role) else {
                throw RosterError.notFound("the user has no role \(role)")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "role.revoke", targetType: "user",
                                                 targetID: user.description, fields: ["roles"])])
        }
    }

    /// The roles a user was granted, each with its grant's window (in force or not).
    public func roles(tenant slug: String, user: User.ID, context: OperationContext) async throws -> [RoleGrant] {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            _ = try await access.readableUser(user)
            return try await tx.grants(tenant: access.tenant.id, user: user)
        }
    }

    /// May `user` exercise `policy` on `party`? The answer names the role and the path that grant it, or why not.
    /// The caller needs `users.read`, and may ask only about parties it may read itself (404 for others).
    /// With `at`, as of that instant: over the roles that existed then, the grants the user held then and the edges
    /// recorded and in force then (the history of edges and grants). The user's coarse role and whether it is active
    /// are as they stand now.
    public func check(tenant slug: String, user userID: User.ID, policy rawPolicy: String, party partyID: Party.ID,
                      at: Date? = nil, context: OperationContext) async throws -> AccessDecision {
        let policy = try AccessRole.validatePolicies([rawPolicy], field: "policy").first!
        return try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            // About another user: users.read, or a user the caller manages. About itself, any caller may ask.
            let tenant = access.tenant
            let user = try await access.readableUser(userID, itself: true)
            try await access.requireParty(partyID)
            if let at {
                let graph = try await tx.accessGraph(tenant: tenant.id, user: user.id, above: [partyID], asOf: at)
                var decision = Self.decide(user: user, policy: policy, party: partyID, at: at, graph: graph)
                decision.at = at
                return try await Self.shown([partyID: decision], to: access)[partyID]!
            }
            let decision = Self.decide(user: user, policy: policy, party: partyID, graph: try await tx.accessGraph(for: tenant))
            return try await Self.shown([partyID: decision], to: access)[partyID]!
        }
    }

    /// Decisions as `access`'s caller may see them: a path holds only parties the caller may read (it runs from the
    /// role's organization down, through organizations a caller that reads part of the tenant may not know of; found by
    /// a probe), and only real edges: its part from the last hidden party on, the reason saying that it goes on through
    /// parties the caller may not read (dropping a hidden party from the middle joined two parties no edge joins; found
    /// by another probe). One read of readability for them all.
    static func shown<Key>(_ decisions: [Key: AccessDecision], to access: TenantAccess) async throws -> [Key: AccessDecision] {
        let paths = Set(decisions.values.flatMap(\.path))
        guard !paths.isEmpty, access.readable != nil else { return decisions }
        let readable = try await access.readableAmong(Array(paths))
        return decisions.mapValues { decision in
            guard let hidden = decision.path.lastIndex(where: { !readable.contains($0) }) else { return decision }
            var shown = decision
            shown.path = Array(decision.path[(hidden + 1)...])
            shown.reason += ", through parties this caller may not read"
            return shown
        }
    }

    /// The decision over the edges in force at `at`, from the tenant's access graph: no statement. The path is a
    /// shortest one from the role's organization down to the party, over edges of the role's type or of any type.
    static func decide(user: User, policy: String, party: Party.ID, at: Date = Date.rosterNow,
                       graph: AccessIndex.TenantGraph) -> AccessDecision {
        graph.read { decide(user: user, policy: policy, party: party, at: at, graph: $0) }
    }

    static func decide(user: User, policy: String, party: Party.ID, at: Date, graph: AccessGraph) -> AccessDecision {
        guard user.isActive else { return AccessDecision(allowed: false, reason: "the user is inactive") }
        if user.role == .admin { return AccessDecision(allowed: true, reason: "the user is ADMIN of the tenant") }
        if user.role == .management, AccessRole.readPolicies.contains(policy) {
            return AccessDecision(allowed: true, reason: "the user is MANAGEMENT, which reads everything in the tenant")
        }
        do {
            let roles = graph.roles(of: user.id, at: at).filter { $0.policies.contains(policy) }
            func reaches(_ role: AccessRole) -> Bool {
                guard let organization = role.organizationID else { return true }
                return graph.path(to: party, within: Subtree(organizationID: organization, relationshipType: role.relationshipType), at: at) != nil
            }
            // Grants of the policy the user holds outside their window (ended, or not begun): read on a refusal only, the
            // decisions that allow stay as short as they were.
            func idleGrants() -> [(role: AccessRole, window: ValidityWindow)] {
                graph.grants(of: user.id).filter { grant in grant.role.policies.contains(policy) && !roles.contains { $0.id == grant.role.id } }
            }
            if roles.isEmpty, idleGrants().isEmpty { return AccessDecision(allowed: false, reason: "no role of the user grants \(policy)") }
            if let wide = roles.first(where: { $0.organizationID == nil }) {
                return AccessDecision(allowed: true, reason: "role \(wide.name) grants \(policy) tenant-wide", roleID: wide.id)
            }
            for role in roles {
                guard let organization = role.organizationID else { continue }
                let subtree = Subtree(organizationID: organization, relationshipType: role.relationshipType)
                guard let path = graph.path(to: party, within: subtree, at: at) else { continue }
                let reason = if path.count == 1 {
                    "role \(role.name) grants \(policy) on this organization"
                } else if let type = role.relationshipType {
                    "role \(role.name) grants \(policy) below its organization in \(type)"
                } else {
                    "role \(role.name) grants \(policy) below its organization"
                }
                return AccessDecision(allowed: true, reason: reason, roleID: role.id, path: path)
            }
            // Refused. A grant outside its window is the reason only when its role reaches the party, and then ahead of
            // roles in force that lie elsewhere (the window was blamed for a role scoped elsewhere, as though access would
            // come with it, and an ended grant that reached the party went unnamed beside a role elsewhere; found by probes).
            let idle = idleGrants()
            if let reaching = idle.first(where: { reaches($0.role) }) {
                return AccessDecision(allowed: false,
                                      reason: "role \(Self.named(reaching.role)) grants \(policy), but the user's grant of it holds only\(reaching.window.described)")
            }
            if roles.isEmpty {
                return AccessDecision(allowed: false, reason: Self.elsewhere(idle.map(\.role), policy: policy, party: party, at: at, graph: graph)
                                          + (idle.count == 1 ? ", and the user's grant of it is not in force" : ", and the user's grants of them are not in force"))
            }
            return AccessDecision(allowed: false, reason: Self.elsewhere(roles, policy: policy, party: party, at: at, graph: graph))
        }
    }

    /// A role as a reason names it: a typed role with its type, over whose edges alone it reaches.
    static func named(_ role: AccessRole) -> String {
        role.relationshipType.map { "\(role.name) (in \($0))" } ?? role.name
    }

    /// Why `roles`, scoped to organizations the party does not lie below, do not grant `policy` on it: the tree's other
    /// parts, or the walk's bound when the party lies deeper than hierarchies are read.
    static func elsewhere(_ roles: [AccessRole], policy: String, party: Party.ID, at: Date, graph: AccessGraph) -> String {
        let names = roles.map(named).joined(separator: ", ")
        let verb = roles.count == 1 ? "grants" : "grant"
        let types = Set(roles.map(\.relationshipType))
        if types.contains(where: { graph.goesDeeperThanWalks(party, type: $0, at: at) }) {
            return "\(names) \(verb) \(policy) only on other parts of the organization tree as far as it is read: this party lies more than "
                + "\(AccessGraph.maxDepth) levels below some of its ancestors, and hierarchies are read \(AccessGraph.maxDepth) levels up and down"
        }
        return "\(names) \(verb) \(policy) only on other parts of the organization tree"
    }

    /// A decider on the tenant's access graph as it stands now, for many questions at once (`roster bench access`
    /// measures decisions with it): the caller needs `users.read`; each answer reads nothing but the graph, and is
    /// the same as `check` gives for a user found and a party the caller may read.
    public func decider(tenant slug: String, context: OperationContext) async throws -> @Sendable (User, String, Party.ID) -> AccessDecision {
        let graph = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.require("users.read")
            return try await tx.accessGraph(for: access.tenant)
        }
        return { user, policy, party in Self.decide(user: user, policy: policy, party: party, graph: graph) }
    }

    /// The policies the caller holds in tenant `slug`, and where (the console offers only the pages they open). No
    /// personal data, so not an audited read. 404 when the tenant does not exist or is not the caller's.
    public func grants(tenant slug: String, context: OperationContext) async throws -> Grants {
        try await store.read { tx in try await TenantAccess.open(tx, slug, context, write: false).grants }
    }

    /// Who the caller is in tenant `slug`: its user (when it is one), the roles it holds, and its effective grants.
    /// 404 when the tenant does not exist.
    public func me(tenant slug: String, context: OperationContext) async throws -> (user: User?, roles: [AccessRole], grants: Grants) {
        let caller = context.caller
        let found = try await store.read { tx -> (user: User?, roles: [AccessRole], grants: Grants) in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            let tenant = access.tenant
            var user: User?
            if case .user(let raw) = caller.principal {
                guard let id = User.ID(uuidString: raw), let found = try await tx.user(tenant: tenant.id, id: id) else {
                    throw RosterError.notFound("no user \(raw.prefix(40))")
                }
                user = found
            }
            // The grants came with the access; an ADMIN's roles are read only to list them.
            var roles = access.roles
            if access.grants.everything { roles = TenantAccess.roles(of: caller, graph: try await tx.accessGraph(for: tenant)) }
            return (user, roles, access.grants)
        }
        // A user reading its own row is a read of personal data like any other.
        if let user = found.user {
            try await audit.record([AuditEvent(tenantID: user.tenantID, context: context, action: "user.read", targetType: "user",
                                               targetID: user.id.description)])
        }
        return found
    }

    /// The parties `user` may exercise `policy` on, keyset by id, among those the caller may read itself (the others
    /// are passed over: `Page.visible`). Listing them is a read of their data, audited.
    /// With `at`, as of that instant (as for `check`): the parties that exist now and lay then where the user's
    /// grants of then reached, over the edges recorded and in force then.
    /// With each party, its decision: the role and the path that grant the policy on it (DESIGN.md: "decisions, with the
    /// reason"), decided on the same graph as `check`.
    public func decidedParties(tenant slug: String, user userID: User.ID, policy rawPolicy: String, at: Date? = nil, cursor: String?,
                               limit: Int?, context: OperationContext) async throws -> (page: Page<Party>, decisions: [Party.ID: AccessDecision]) {
        let policy = try AccessRole.validatePolicies([rawPolicy], field: "policy").first!
        let limit = try pageSize(limit)
        let after: Party.ID? = try decodeCursor(cursor)
        let (page, decisions) = try await store.read { tx -> (Page<Party>, [Party.ID: AccessDecision]) in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            // About another user: users.read, or a user the caller manages. About itself, any caller may ask.
            let tenant = access.tenant
            let user = try await access.readableUser(userID, itself: true)
            guard user.isActive else { return (Page(items: [], nextCursor: nil), [:]) }
            // The same grants as enforcement, and the same subtree filter as a scoped caller's search.
            var query = PartyQuery(after: after, limit: limit + 1)
            let roles: [AccessRole]
            if let at {
                roles = try await tx.accessGraph(tenant: tenant.id, user: user.id, above: [], asOf: at).roles(of: user.id, at: at)
                query.scopeAt = at
                query.scopeAsOf = at
            } else {
                roles = try await tx.accessGraph(for: tenant).read { $0.roles(of: user.id) }
            }
            switch Grants(role: user.role, roles: roles).scope(of: policy) {
            case .tenant: break
            case .subtrees(let subtrees): query.within = subtrees
            case nil: return (Page(items: [], nextCursor: nil), [:])
            }
            let page = try await Page.visible(limit: limit, after: after, fetch: { after, count in
                var batch = query
                batch.after = after
                batch.limit = count
                return try await access.searchParties(batch)
            }, key: \.id, cursor: { $0.id.description }) { try await access.visible($0) { [$0.id] } }
            var decisions: [Party.ID: AccessDecision] = [:]
            if let at {
                let graph = try await tx.accessGraph(tenant: tenant.id, user: user.id, above: page.items.map(\.id), asOf: at)
                for party in page.items {
                    var decision = Self.decide(user: user, policy: policy, party: party.id, at: at, graph: graph)
                    decision.at = at
                    decisions[party.id] = decision
                }
            } else {
                let now = Date.rosterNow
                try await tx.accessGraph(for: tenant).read { graph in
                    for party in page.items {
                        decisions[party.id] = Self.decide(user: user, policy: policy, party: party.id, at: now, graph: graph)
                    }
                }
            }
            return (page, try await Self.shown(decisions, to: access))
        }
        try await audit.record(page.items.map { party in
            AuditEvent(tenantID: party.tenantID, context: context, action: "party.list", targetType: "party", targetID: party.id.description)
        })
        return (page, decisions)
    }
}
