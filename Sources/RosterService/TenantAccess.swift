import Foundation
public import RosterCore
import RosterStore

/// The caller's standing in one tenant, resolved inside the operation's own transaction: the one place where
/// Roster decides who may do what (DESIGN.md §2 Access, §4.3). Every service function opens one before it
/// touches tenant data, and asks it about the typed ids it is about to use.
///
/// Answers: 404 for another tenant and for a party the caller may not read at all (as if it did not exist),
/// 403 where the caller may see the record but lacks the policy, or for tenant-wide operations.
struct TenantAccess {
    let tenant: Tenant
    let context: OperationContext
    let grants: Grants
    /// The access roles the caller holds; read only when its grants are not everything already.
    let roles: [AccessRole]
    let tx: any StoreTransaction
    /// The tenant's access graph (edges, roles, grants in memory), at least as new as this transaction's view; nil for
    /// callers whose grants are everything, who never need it.
    let graph: AccessIndex.TenantGraph?
    /// The party `open` read with the tenant (`reading:`): its id, and the party when the tenant holds it.
    var prefetched: (id: Party.ID, party: Party?)? = nil

    /// Reads the tenant and the caller's grants (nothing more for platform callers and ADMIN).
    /// `write`: the operation changes the tenant's data, which a tenant that is not active refuses;
    /// a suspended tenant's own callers get 403 naming the suspension.
    /// `current`: the caller is read again (long work, batch by batch or page by page): a revoked key or an inactive
    /// user stops it (401), a changed role or set of access roles applies from there on.
    /// `reading`: a party the operation reads first, read with the tenant in one statement (`party(_:)` then answers
    /// from it; the decision is made there as for any other).
    static func open(_ tx: any StoreTransaction, _ slug: String, _ context: OperationContext, write: Bool,
                     current: Bool = false, reading: Party.ID? = nil) async throws -> TenantAccess {
        try context.requireHomeTenant(slug)
        let tenant: Tenant
        var prefetched: (id: Party.ID, party: Party?)?
        if let reading {
            guard let found = try await tx.tenant(slug: slug, withParty: reading) else { throw RosterError.notFound("no tenant \(slug)") }
            tenant = found.tenant
            prefetched = (reading, found.party)
        } else {
            tenant = try await tx.requireTenant(slug)
        }
        let context = current ? try await Self.current(context, tenant: tenant, tx: tx) : context
        if write, tenant.status != .active {
            if tenant.status == .suspended, !context.isPlatformOrSystem {
                throw RosterError.forbidden("tenant \(tenant.slug) is suspended: it accepts reads only")
            }
            throw RosterError.conflict("tenant \(tenant.slug) is \(tenant.status.rawValue); it accepts no changes")
        }
        // Platform callers, Roster itself and ADMIN hold every policy, without reading anything.
        if context.isPlatformOrSystem || context.caller.role == .admin {
            return TenantAccess(tenant: tenant, context: context, grants: .all, roles: [], tx: tx, graph: nil, prefetched: prefetched)
        }
        let graph = try await tx.accessGraph(for: tenant)
        let roles = roles(of: context.caller, graph: graph)
        return TenantAccess(tenant: tenant, context: context, grants: Grants(role: context.caller.role ?? .user, roles: roles), roles: roles,
                            tx: tx, graph: graph, prefetched: prefetched)
    }

    static func current(_ context: OperationContext, tenant: Tenant, tx: any StoreTransaction) async throws -> OperationContext {
        var context = context
        switch context.caller.principal {
        case .apiKey(let raw):
            guard let id = APIKey.ID(uuidString: raw), let key = try await tx.apiKey(tenant: tenant.id, id: id), key.revokedAt == nil else {
                throw RosterError.unauthorized("the API key was revoked")
            }
            context.caller.role = key.role
            context.caller.roleIDs = key.roleIDs
        case .user(let raw):
            guard let id = User.ID(uuidString: raw), let user = try await tx.user(tenant: tenant.id, id: id), user.isActive else {
                throw RosterError.unauthorized("the user is no longer active")
            }
            context.caller.role = user.role
        case .platform, .system:
            break
        }
        return context
    }

    /// The access roles a caller holds: a user's grants, or the roles an API key was given (those that still exist).
    static func roles(of caller: Caller, graph: AccessIndex.TenantGraph) -> [AccessRole] {
        switch caller.principal {
        case .user(let raw):
            guard let id = User.ID(uuidString: raw) else { return [] }
            return graph.read { $0.roles(of: id) }
        case .apiKey:
            return graph.read { $0.roles(caller.roleIDs) }
        case .platform, .system:
            return []
        }
    }

    /// Those of `ids` that lie in one of `subtrees` now, from the access graph: no statement.
    func inside(_ ids: [Party.ID], _ subtrees: [Subtree]) async throws -> Set<Party.ID> {
        guard !ids.isEmpty, !subtrees.isEmpty else { return [] }
        let graph: AccessIndex.TenantGraph
        if let held = self.graph { graph = held } else { graph = try await tx.accessGraph(for: tenant) }
        let now = Date.rosterNow
        return graph.read { $0.inside(ids, subtrees, at: now) }
    }

    var isPlatform: Bool { context.isPlatformOrSystem }

    /// The subtrees the caller may read parties in; `nil` for the whole tenant.
    var readable: [Subtree]? { grants.readableSubtrees }

    // MARK: Decisions

    /// The policy on the whole tenant (settings, users, roles, audit, creating parties).
    func require(_ policy: String) throws {
        switch grants.scope(of: policy) {
        case .tenant: return
        case .subtrees: throw RosterError.forbidden("this needs the \(policy) policy on the whole tenant, not only on part of it")
        case nil: throw RosterError.forbidden(needs(policy))
        }
    }

    /// The policy somewhere (lists, which then show only what the caller may read).
    func requireSomewhere(_ policy: String) throws {
        guard grants.scope(of: policy) != nil else { throw RosterError.forbidden(needs(policy)) }
    }

    /// Why a caller that holds no `policy` is refused: and, for a user whose grant of it lies outside its window, that
    /// window, as `access/check` says it of that user (the user itself was told only "this needs the policy"; a probe).
    func needs(_ policy: String) -> String {
        let message = "this needs the \(policy) policy"
        guard case .user(let raw) = context.caller.principal, let user = User.ID(uuidString: raw), let graph,
              let idle = graph.read({ $0.grants(of: user) }).first(where: { $0.role.policies.contains(policy) }) else { return message }
        return message + ": this user's grant of role \(idle.role.name) holds only\(idle.window.described)"
    }

    /// The audit log, or (`target`) the entries about one record: `audit.read` on the whole tenant reads any; one that
    /// reaches only subtrees reads the entries about a party inside them, one party at a time (the chain, its
    /// verification and head stay tenant-wide). A party the caller may not read at all is 404, as elsewhere.
    func requireAuditReader(of target: String?) async throws {
        guard case .subtrees = grants.scope(of: "audit.read") else { return try require("audit.read") }
        guard let target, let party = Party.ID(uuidString: target) else {
            throw RosterError.forbidden("audit.read on part of the tenant reads the entries of one party inside it at a time (targetId)")
        }
        do {
            try await require("audit.read", on: [party])
        } catch RosterError.notFound(let message) {
            // A login's entries, as its person's export shows them (they answered 404 here): the user linked to a party
            // whose entries the caller reads, and that it may read.
            guard let user = try await tx.user(tenant: tenant.id, id: User.ID(party.rawValue)), let linked = user.partyID,
                  try await mayRead(user) else { throw RosterError.notFound(message) }
            try await require("audit.read", on: [linked])
        }
    }

    /// Roles named in a refusal: by name to a caller who may list the tenant's roles (`users.read` on the whole tenant),
    /// else only counted (a probe read role names in a merge's 409 it could not list).
    func describe(_ roles: [AccessRole]) -> String {
        if case .tenant = grants.scope(of: "users.read") {
            return "the role\(roles.count == 1 ? "" : "s") \(roles.map(\.name).joined(separator: ", "))"
        }
        return roles.count == 1 ? "a role" : "\(roles.count) roles"
    }

    /// Platform callers only.
    func requirePlatform() throws {
        guard isPlatform else { throw RosterError.forbidden("only a platform token may do this") }
    }

    /// The policy on each of these parties. A party that does not exist, or that the caller may not read, is 404.
    /// `edgeType`: the policy is to make or remove an edge of this type, which a role scoped to one relationship type
    /// gives only for edges of its type (a role scoped to `structure` made a `sales` edge between two parties it reached,
    /// and brought a `sales` subtree none of the caller's roles reached within the reach of its `sales` roles and
    /// everyone's; found by a probe).
    func require(_ policy: String, on ids: [Party.ID], edgeType: String? = nil, what: String? = nil) async throws {
        let scope = grants.scope(of: policy)
        if scope == .tenant { return }
        let granted: [Subtree]
        if case .subtrees(let subtrees) = scope { granted = subtrees } else { granted = [] }
        let typed = edgeType.map { type in granted.filter { $0.relationshipType == nil || $0.relationshipType == type } } ?? granted
        let allowed = typed.isEmpty ? [] : try await inside(ids, typed)
        guard ids.contains(where: { !allowed.contains($0) }) else { return }
        let seen = try await readableAmong(ids)
        for id in ids where !allowed.contains(id) {
            guard seen.contains(id) else { throw RosterError.notFound("no \(what ?? "party \(id)")") }
            if let edgeType, typed.count < granted.count, try await inside([id], granted).contains(id) {
                let types = Set(granted.compactMap(\.relationshipType)).sorted().joined(separator: ", ")
                throw RosterError.forbidden("the \(policy) policy of this caller reaches party \(id) only for edges of type \(types), not \(edgeType)")
            }
            throw RosterError.forbidden(scope == nil ? needs(policy) : "the \(policy) policy of this caller does not reach party \(id)")
        }
    }

    /// A party the caller may exercise `policy` on: read, then decided. 404 when missing or unreadable.
    func party(_ id: Party.ID, _ policy: String = "parties.read") async throws -> Party {
        let read: Party?
        if let prefetched, prefetched.id == id { read = prefetched.party } else { read = try await tx.party(tenant: tenant.id, id: id) }
        guard let party = read else { throw RosterError.notFound("no party \(id)") }
        try await require(policy, on: [id])
        return party
    }

    /// A change whose answer is the party (its data) needs `parties.read` on it as well as the change's own policy: a
    /// caller that could change a party but not read it was answered the whole record (found by a probe). 403: the
    /// caller reaches the party for the change, so its existence is no secret to it.
    func requireAnswerable(_ id: Party.ID) async throws {
        let scope = grants.scope(of: "parties.read")
        if scope == .tenant { return }
        if case .subtrees(let subtrees) = scope, try await inside([id], subtrees).contains(id) { return }
        throw RosterError.forbidden("the answer is party \(id)'s data, which needs the parties.read policy on it too")
    }

    /// The party an import row's `field` names: as `party(_:)`, its 404 a refusal of that field (a refused row names
    /// the column it comes from).
    func party(_ id: Party.ID, named field: String) async throws -> Party {
        do {
            return try await party(id)
        } catch RosterError.notFound(let message) {
            throw RosterError.invalid(field, message)
        }
    }

    /// A party the caller may exercise `policy` on, known to exist but not read (a question about it, not a read of its
    /// data). 404 when missing or unreadable.
    func requireParty(_ id: Party.ID, _ policy: String = "parties.read") async throws {
        guard try await tx.partyExists(tenant: tenant.id, id: id) else { throw RosterError.notFound("no party \(id)") }
        try await require(policy, on: [id])
    }

    /// An edge the caller may exercise `policy` on (on both its ends; to change it, for its type). 404 when missing or
    /// unreadable.
    func relationship(_ id: Relationship.ID, _ policy: String) async throws -> Relationship {
        guard let edge = try await tx.relationship(tenant: tenant.id, id: id) else { throw RosterError.notFound("no relationship \(id)") }
        try await require(policy, on: [edge.parentID, edge.childID], edgeType: policy == "relationships.write" ? edge.type : nil,
                          what: "relationship \(id)")
        return edge
    }

    /// Which of these parties exist and the caller may read.
    func readableAmong(_ ids: [Party.ID]) async throws -> Set<Party.ID> {
        guard let subtrees = readable else {
            var found = Set<Party.ID>()
            for id in Set(ids) where try await tx.partyExists(tenant: tenant.id, id: id) { found.insert(id) }
            return found
        }
        return subtrees.isEmpty ? [] : try await inside(Array(Set(ids)), subtrees)
    }

    /// Which of these parties, known to exist (just read), the caller may read: all of them without a read of each
    /// when its reads cover the tenant.
    func readableAmongExisting(_ ids: [Party.ID]) async throws -> Set<Party.ID> {
        readable == nil ? Set(ids) : try await readableAmong(ids)
    }

    /// Whether the caller may read this existing party.
    /// A party as this caller is shown it: the party it was merged into is named only to a caller that may read that
    /// one (its id confirmed a party outside the caller's reach; found by a probe).
    func shown(_ party: Party) async throws -> Party {
        guard let survivor = party.mergedInto, try await !mayRead(survivor) else { return party }
        var party = party
        party.mergedInto = nil
        return party
    }

    func mayRead(_ id: Party.ID) async throws -> Bool {
        guard let subtrees = readable else { return true }
        guard !subtrees.isEmpty else { return false }
        return try await inside([id], subtrees).contains(id)
    }

    /// The items all of whose parties the caller may read.
    func visible<T>(_ items: [T], parties: (T) -> [Party.ID]) async throws -> [T] {
        guard let subtrees = readable else { return items }
        guard !subtrees.isEmpty else { return [] }
        let ids = Array(Set(items.flatMap(parties)))
        let seen = try await inside(ids, subtrees)
        return items.filter { parties($0).allSatisfy(seen.contains) }
    }

    /// A 409 that names an existing party only to a caller who may read it.
    func conflict(_ error: RosterError) async throws -> RosterError {
        guard case .conflict(let message, let existing?) = error, let id = Party.ID(uuidString: existing) else { return error }
        return try await mayRead(id) ? error : .conflict(message, existingID: nil)
    }

    // MARK: Escalation

    /// 403 unless the caller holds everything `target` holds: its coarse role, and every policy of its roles at
    /// least as widely (a tenant-wide policy covers every subtree; a subtree covers those inside it).
    func requireCovers(role: User.Role, roles: [AccessRole], what: String) async throws {
        if isPlatform { return }
        let own = context.callerRole ?? .user
        if role.rank > own.rank { throw RosterError.forbidden("a \(own.rawValue) caller may not manage \(what), which is \(role.rawValue)") }
        if grants.everything { return }
        let target = Grants(role: role, roles: roles)
        for (policy, scope) in target.policies.sorted(by: { $0.key < $1.key }) {
            guard try await covers(policy: policy, scope) else {
                throw RosterError.forbidden("\(what) holds \(policy) beyond this caller's own grants")
            }
        }
    }

    /// Whether the caller holds `policy` on everything `scope` covers.
    func covers(policy: String, _ scope: PolicyScope) async throws -> Bool {
        switch (grants.scope(of: policy), scope) {
        case (.tenant, _): return true
        case (nil, _), (.subtrees, .tenant): return false
        case (.subtrees(let own), .subtrees(let wanted)):
            for subtree in wanted where try await !inside(subtree, own) { return false }
            return true
        }
    }

    /// A subtree lies inside one of `subtrees` when its organization does and its type is no wider.
    func inside(_ subtree: Subtree, _ subtrees: [Subtree]) async throws -> Bool {
        for candidate in subtrees where candidate.relationshipType == nil || candidate.relationshipType == subtree.relationshipType {
            if candidate.organizationID == subtree.organizationID { return true }
            if try await inside([subtree.organizationID], [candidate])
                .contains(subtree.organizationID) { return true }
        }
        return false
    }

    /// A user this caller is about to change: one it may manage; else 403 when it may read the user (`users.read` on
    /// the whole tenant, or on subtrees its roles lie in), and 404 when it may not (nothing confirms the user exists).
    func requireChangeable(_ user: User) async throws {
        try await forbiddenOrMissing("no user \(user.id)", known: { try await mayRead(user) }) { try await requireManageable(user) }
    }

    /// A user this caller may manage (`users.manage`): it holds nothing the caller lacks, and for a caller whose
    /// `users.manage` reaches only some subtrees, all its scoped roles lie inside them.
    func requireManageable(_ user: User) async throws {
        if isPlatform { return }
        try requireSomewhere("users.manage")
        let roles = try await tx.roles(tenant: tenant.id, user: user.id)
        try await requireCovers(role: user.role, roles: roles, what: "user \(user.id)")
        try await requireInside(user, roles: roles, policy: "users.manage")
    }

    /// Every role the user was granted, in force or not, for a read: from the access graph the caller's own decisions use
    /// when it is loaded (a scoped caller's), without a statement (a page of users read them user by user), else from
    /// the store. Writes read the store, which holds what their own transaction changed.
    private func heldRoles(_ user: User.ID) async throws -> [AccessRole] {
        if let graph { return graph.read { $0.grants(of: user).map(\.role) } }
        return try await tx.roles(tenant: tenant.id, user: user)
    }

    /// A caller whose `policy` reaches only subtrees acts on a user only when every role the user holds is scoped inside
    /// them (a user with no role lies in no subtree: only a tenant-wide holder reaches it). An ADMIN or MANAGEMENT user
    /// reaches the whole tenant, whatever its roles: it lies in no subtree either (a scoped reader of users read a tenant
    /// ADMIN holding one grant inside its subtree; found by a probe).
    private func requireInside(_ user: User, roles: [AccessRole], policy: String) async throws {
        guard case .subtrees(let scopes) = grants.scope(of: policy) else { return }
        let scoped = roles.compactMap { role in role.organizationID.map { Subtree(organizationID: $0, relationshipType: role.relationshipType) } }
        guard user.role == .user, !scoped.isEmpty, roles.allSatisfy({ $0.organizationID != nil }) else {
            throw RosterError.forbidden("user \(user.id) lies outside the subtrees this caller manages")
        }
        for subtree in scoped where try await !inside(subtree, scopes) {
            throw RosterError.forbidden("user \(user.id) lies outside the subtrees this caller manages")
        }
    }

    /// Before a user is read: the caller holds `users.read` (somewhere), or `users.manage` somewhere (it reads the users
    /// it manages: `requireReadable(_:)` decides once the user is found). Otherwise 403, before anything is read.
    func requireUserReader() throws {
        if isPlatform || grants.scope(of: "users.read") != nil || grants.scope(of: "users.manage") != nil { return }
        try require("users.read")
    }

    /// A user this caller may read: with `users.read` on the whole tenant any; with `users.read` on subtrees one whose
    /// roles all lie inside them (as a scoped manager's users do); otherwise one it may manage, else 404, as for a party
    /// outside the caller's reads: a 403 (naming a policy the user holds) confirmed the user exists.
    private func requireReadable(_ user: User) async throws {
        if isPlatform || grants.scope(of: "users.read") == .tenant { return }
        if case .subtrees = grants.scope(of: "users.read") {
            let roles = try await heldRoles(user.id)
            do {
                try await requireInside(user, roles: roles, policy: "users.read")
                return
            } catch RosterError.forbidden {}
        }
        do {
            try await requireManageable(user)
        } catch RosterError.forbidden {
            throw RosterError.notFound("no user \(user.id)")
        }
    }

    /// Whether this caller may read `user` (`requireReadable(_:)`): a list leaves out those it may not.
    func mayRead(_ user: User) async throws -> Bool {
        do {
            try await requireReadable(user)
            return true
        } catch RosterError.notFound {
            return false
        }
    }

    /// The user `id`, read for this caller: 403 before the read without `users.read` or `users.manage`, 404 when
    /// missing or when it neither reads it tenant-wide nor manages it. `itself`: a user asking about itself passes.
    func readableUser(_ id: User.ID, itself: Bool = false) async throws -> User {
        try await readableUser(checked: !itself || context.principal != .user(id.description), missing: "no user \(id)") {
            try await tx.user(tenant: tenant.id, id: id)
        }
    }

    /// The user whose email is `email` (compared as emails are), read for this caller as `readableUser(_:)` reads one.
    func readableUser(email: EmailAddress) async throws -> User {
        try await readableUser(checked: true, missing: "no user with that email") {
            try await tx.user(tenant: tenant.id, emailNormalized: email.normalized)
        }
    }

    /// The three steps of a read of a user: the caller may read users at all (before anything is read), the user is
    /// there, and the caller may read this one.
    private func readableUser(checked: Bool, missing: String, _ find: () async throws -> User?) async throws -> User {
        if checked { try requireUserReader() }
        guard let user = try await find() else { throw RosterError.notFound(missing) }
        // One answer for a user missing and one not readable: found by email, "no user <id>" named the id of a user the
        // caller was told does not exist (found by a probe of the console's grant form).
        do {
            if checked { try await requireReadable(user) }
        } catch RosterError.notFound {
            throw RosterError.notFound(missing)
        }
        return user
    }

    /// A user this caller may grant roles to or revoke them from (`roles.manage`): one that holds nothing the caller
    /// lacks and, for a caller whose `roles.manage` reaches only subtrees, one whose roles all lie inside them (else a
    /// grant would bring any role-less user of the tenant into the caller's reach).
    @discardableResult
    func requireGrantee(_ id: User.ID) async throws -> User {
        try requireSomewhere("roles.manage")
        guard let user = try await tx.user(tenant: tenant.id, id: id) else { throw RosterError.notFound("no user \(id)") }
        let roles = try await tx.roles(tenant: tenant.id, user: id)
        // A user this caller may not read is not there for it (the 403 named the user's policies; found by a probe).
        try await forbiddenOrMissing("no user \(id)", known: { try await mayRead(user) }) {
            try await requireCovers(role: user.role, roles: roles, what: "user \(id)")
            try await requireInside(user, roles: roles, policy: "roles.manage")
        }
        return user
    }

    /// Whether this caller may know `role` exists: it lists the tenant's roles (`users.read` or `roles.manage` on the whole
    /// tenant), holds the role, or the role is scoped inside the subtrees it manages roles or reads users in.
    func mayKnow(_ role: AccessRole) async throws -> Bool {
        if isPlatform || grants.everything || grants.scope(of: "users.read") == .tenant || grants.scope(of: "roles.manage") == .tenant {
            return true
        }
        if roles.contains(where: { $0.id == role.id }) { return true }
        guard let organization = role.organizationID else { return false }
        let subtree = Subtree(organizationID: organization, relationshipType: role.relationshipType)
        for policy in ["roles.manage", "users.read"] {
            if case .subtrees(let own) = grants.scope(of: policy), try await inside(subtree, own) { return true }
        }
        return false
    }

    /// A role named by id to grant, revoke or delete: one the caller may hand out (`requireMayGive`); one it may not
    /// know exists is 404 (the 403 named the role and one of its policies; found by a probe).
    func requireGivable(_ role: AccessRole) async throws {
        try await forbiddenOrMissing("no role \(role.id)", known: { try await mayKnow(role) }) { try await requireMayGive(role) }
    }

    /// `decide`'s refusal (403), or 404 (`missing`) for a caller that may not know the record exists.
    private func forbiddenOrMissing(_ missing: String, known: () async throws -> Bool, _ decide: () async throws -> Void) async throws {
        do {
            try await decide()
        } catch RosterError.forbidden(let message) {
            guard try await known() else { throw RosterError.notFound(missing) }
            throw RosterError.forbidden(message)
        }
    }

    /// A tenant's workflow state as this caller may see it: the admin user's id only to a caller who may read that user
    /// (a scoped caller read the id of a user it is told does not exist; found by a probe). A caller that reads users
    /// tenant-wide reads it without a statement.
    func shown(_ state: Provisioning?) async throws -> Provisioning? {
        guard var state, let admin = state.adminUserID, !isPlatform, grants.scope(of: "users.read") != .tenant else { return state }
        let readable = if let user = try await tx.user(tenant: tenant.id, id: admin) { try await mayRead(user) } else { false }
        if !readable { state.adminUserID = nil }
        return state
    }

    /// A 409 for a record that holds a unique key: naming the user that holds it (`existingId`) only to a caller who may
    /// read that user (a scoped caller changing its own email read other users' ids; found by a probe).
    func conflict(_ message: String, user: User) async throws -> RosterError {
        try await mayRead(user) ? .conflict(message, existingID: user.id.description) : .conflict(message, existingID: nil)
    }

    /// An access role this caller may hand out (`roles.manage`): nothing in it beyond the caller's own grants.
    func requireMayGive(_ role: AccessRole) async throws {
        if isPlatform || grants.everything { return }
        try requireSomewhere("roles.manage")
        let scope: PolicyScope = role.organizationID.map { .subtrees([Subtree(organizationID: $0, relationshipType: role.relationshipType)]) } ?? .tenant
        for policy in role.policies where try await !covers(policy: policy, scope) {
            throw RosterError.forbidden("role \(role.name) grants \(policy) beyond this caller's own grants")
        }
        if case .subtrees(let own) = grants.scope(of: "roles.manage") {
            guard case .subtrees(let wanted) = scope, try await inside(wanted[0], own) else {
                throw RosterError.forbidden("role \(role.name) lies outside the subtrees this caller manages roles in")
            }
        }
    }
}

extension OperationContext {
    /// A caller of one tenant (an API key, a user) sees no other: 404, as for a tenant that does not exist. Callers that
    /// check a form before any service call (the console) ask it first, so that its refusal is not a form's 422.
    public func requireHomeTenant(_ slug: String) throws {
        if let home = caller.tenantSlug, home != slug { throw RosterError.notFound("no tenant \(slug.prefix(63))") }
    }
}
