import Foundation
public import RosterCore
public import RosterStore

/// The fields of a user a client may set; `nil` means not given.
public struct UserInput: Sendable {
    public var email: String?
    public var ssoIssuer: String?
    public var ssoSubject: String?
    public var employeeID: String?
    public var displayName: String?
    public var designation: String?
    public var department: String?
    public var role: User.Role?
    public var isActive: Bool?
    public var partyID: Party.ID?

    public init(email: String? = nil, ssoIssuer: String? = nil, ssoSubject: String? = nil, employeeID: String? = nil,
                displayName: String? = nil, designation: String? = nil, department: String? = nil, role: User.Role? = nil,
                isActive: Bool? = nil, partyID: Party.ID? = nil) {
        self.email = email
        self.ssoIssuer = ssoIssuer
        self.ssoSubject = ssoSubject
        self.employeeID = employeeID
        self.displayName = displayName
        self.designation = designation
        self.department = department
        self.role = role
        self.isActive = isActive
        self.partyID = partyID
    }
}

/// Users (seed 001): one table, unique email and (issuer, subject) per tenant, optionally linked to their person party.
/// A user row carries an email and names: reading one is audited like reading a party (`user.read`, `user.list`).
public struct UserService: Sendable {
    let store: any Store
    let audit: AuditLog

    public init(store: any Store, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    public func create(tenant slug: String, _ input: UserInput, context: OperationContext) async throws -> User {
        try await mapUnique {
            try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                try access.require("users.manage")
                try await access.requireCovers(role: input.role ?? .user, roles: [], what: "the new user")
                let tenant = access.tenant
                let now = Date.rosterNow
                var user = User(id: .make(), tenantID: tenant.id, email: nil, role: input.role ?? .user, isActive: input.isActive ?? true,
                                createdAt: now, updatedAt: now)
                try Self.apply(input, to: &user, requireEmail: true)
                try await Self.checkUnique(user, access: access)
                try await Self.checkParty(user, access: access)
                try await Self.insert(user, tx: tx, context: context)
                return user
            }
        }
    }

    /// A new user's rules, checked without the database: the HTTP layer names what they refuse beside what the decoder
    /// refused.
    public static func checkNew(_ input: UserInput) throws {
        let now = Date.rosterNow
        var user = User(id: .make(), tenantID: .make(), email: nil, role: input.role ?? .user, isActive: true, createdAt: now, updatedAt: now)
        try apply(input, to: &user, requireEmail: true)
    }

    /// `ifMatch`: the version the change is based on (`If-Match`); another is 412, as for a party.
    public func update(tenant slug: String, id: User.ID, _ input: UserInput, clearing: Set<String> = [], ifMatch: Int? = nil,
                       context: OperationContext) async throws -> User {
        try await mapUnique {
            try await againIfChanged(ifMatch: ifMatch) { try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                let tenant = access.tenant
                // A caller that may manage no user is told so before the user is looked for, as a read is (it had a 404 for
                // a user there and a 403 for a read of it; found by a probe).
                if !access.isPlatform { try access.requireSomewhere("users.manage") }
                guard let current = try await tx.user(tenant: tenant.id, id: id) else { throw RosterError.notFound("no user \(id)") }
                // No one changes (or deactivates) a user who holds more than it does, nor gives a role above its own.
                try await access.requireChangeable(current)
                try requireVersion(ifMatch, is: current.version, of: "user")
                if let role = input.role, role != current.role {
                    try await access.requireCovers(role: role, roles: [], what: "the user's new role")
                }
                var user = current
                try Self.apply(input, clearing: clearing, to: &user, requireEmail: false)
                if user.email == nil, current.email != nil, user.ssoSubject == nil {
                    throw RosterError.invalid("email", "a user needs an email or an SSO subject")
                }
                let changed = user.changedFields(from: current)
                guard !changed.isEmpty else {
                    // Nothing changes and the answer is the user: a read of its data, audited as one (found by a probe).
                    try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "user.read", targetType: "user",
                                                         targetID: id.description)])
                    return try await Self.shown(current, to: access)
                }
                // Whoever sets another user's email or SSO identity could sign in as that user.
                let identity = changed.filter { ["email", "ssoIssuer", "ssoSubject"].contains($0) }
                if !identity.isEmpty, !access.grants.everything, context.principal != .user(id.description) {
                    throw RosterError.forbidden("changing another user's \(identity.joined(separator: ", ")) needs ADMIN")
                }
                if changed.contains("email") || changed.contains("ssoSubject") || changed.contains("ssoIssuer") {
                    try await Self.checkUnique(user, access: access)
                }
                if changed.contains("partyId") { try await Self.checkParty(user, access: access) }
                if user.role != current.role || (user.isActive && !current.isActive) {
                    try await Self.requireLinkedPartyLive(user, tx: tx, giving: user.role != current.role ? "a new role" : "its access back")
                }
                user.updatedAt = Date.rosterNow
                user.version += 1
                guard try await tx.updateUser(user, expectedVersion: current.version) else { throw ChangedMeanwhile(what: "user") }
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "user.update", targetType: "user",
                                                     targetID: id.description, fields: changed)])
                return try await Self.shown(user, to: access)
            } }
        }
    }

    public func get(tenant slug: String, id: User.ID, context: OperationContext) async throws -> User {
        let user = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            return try await Self.shown(access.readableUser(id), to: access)
        }
        try await recordReads([user], action: "user.read", context: context)
        return user
    }

    /// The user with this email (the admin console's user fields take an email or an id), read and audited as `get`.
    public func get(tenant slug: String, email: EmailAddress, context: OperationContext) async throws -> User {
        let user = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            return try await Self.shown(access.readableUser(email: email), to: access)
        }
        try await recordReads([user], action: "user.read", context: context)
        return user
    }

    /// The user as this caller is shown it: a party the caller may not read is not named (its id would confirm it
    /// exists).
    static func shown(_ user: User, to access: TenantAccess) async throws -> User {
        try await shown([user], to: access)[0]
    }

    /// A page of users as `shown` gives one: the party of each only to a caller that may read it (the list named the
    /// party of a user outside the caller's parties, which a read of that user left out; found by a probe).
    static func shown(_ users: [User], to access: TenantAccess) async throws -> [User] {
        guard access.readable != nil else { return users }
        let visible = try await access.readableAmong(users.compactMap(\.partyID))
        return users.map { user in
            var user = user
            if let party = user.partyID, !visible.contains(party) { user.partyID = nil }
            return user
        }
    }

    private func recordReads(_ users: [User], action: String, context: OperationContext) async throws {
        try await audit.record(users.map { user in
            AuditEvent(tenantID: user.tenantID, context: context, action: action, targetType: "user", targetID: user.id.description)
        })
    }

    public func list(tenant slug: String, role: User.Role?, isActive: Bool?, q: String?, segment: String?, cursor: String?,
                     limit: Int?, context: OperationContext) async throws -> Page<User> {
        let limit = try pageSize(limit)
        let after: User.ID? = try decodeCursor(cursor)
        let text = try Text.optional(q, field: "q", max: 200)
        let page = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            // Tenant-wide users.read lists every user; users.read or users.manage on subtrees the users it may read (their
            // roles lie inside them); the others are passed over (`Page.visible`).
            try access.requireUserReader()
            let tenant = access.tenant
            var resolved: Segment?
            if let segment {
                resolved = try await SegmentService.resolve(segment, field: "segment", tenant: tenant.id, tx: tx)
            }
            let everyone = access.isPlatform || access.grants.scope(of: "users.read") == .tenant
            return try await Page.visible(limit: limit, after: after, fetch: { after, count in
                try await tx.users(tenant: tenant.id, query: UserQuery(role: role, isActive: isActive, text: text, segment: resolved,
                                                                       after: after, limit: count))
            }, key: \.id, cursor: { $0.id.description }) { users in
                var readable: [User] = []
                for user in users {
                    if everyone { readable.append(user) } else if try await access.mayRead(user) { readable.append(user) }
                }
                return try await Self.shown(readable, to: access)
            }
        }
        try await recordReads(page.items, action: "user.list", context: context)
        return page
    }

    /// Inserts a user with its audit entry, in the caller's transaction (shared with identities, sign-in, provisioning).
    static func insert(_ user: User, tx: any StoreTransaction, context: OperationContext) async throws {
        try await tx.insertUser(user)
        try await tx.appendAudit([AuditEvent(tenantID: user.tenantID, context: context, action: "user.create", targetType: "user",
                                             targetID: user.id.description, fields: user.presentFields)])
    }

    /// Links a user to its person party, audited. Throws `StoreError.uniqueViolation` when the user changed meanwhile,
    /// so that the callers' retry reads it again.
    static func link(_ user: inout User, to party: Party.ID, tx: any StoreTransaction, context: OperationContext) async throws {
        let before = user.version
        user.partyID = party
        user.updatedAt = Date.rosterNow
        user.version += 1
        guard try await tx.updateUser(user, expectedVersion: before) else { throw StoreError.uniqueViolation(constraint: "users") }
        try await tx.appendAudit([AuditEvent(tenantID: user.tenantID, context: context, action: "user.update", targetType: "user",
                                             targetID: user.id.description, fields: ["partyId"])])
    }

    /// Sets the given fields and clears those in `clearing` (a merge patch's nulls), then checks the user as a whole.
    static func apply(_ input: UserInput, clearing: Set<String> = [], to user: inout User, requireEmail: Bool) throws {
        var errors = ValidationErrors()
        if let raw = input.email { user.email = errors.check { try EmailAddress(raw) } }
        func text(_ raw: String?, _ field: String, max: Int) -> String?? {
            guard let raw else { return nil }
            return .some(errors.check { try Text.optional(raw, field: field, max: max) } ?? nil)
        }
        if let v = text(input.employeeID, "employeeId", max: 64) { user.employeeID = v }
        if let v = text(input.displayName, "displayName", max: Text.nameMax) { user.displayName = v }
        if let v = text(input.designation, "designation", max: 100) { user.designation = v }
        if let v = text(input.department, "department", max: 100) { user.department = v }
        if let v = text(input.ssoIssuer, "ssoIssuer", max: 500) {
            if let issuer = v, !SSOSettings.isIssuer(issuer) { errors.add("ssoIssuer", SSOSettings.issuerRule) }
            user.ssoIssuer = v
        }
        if let v = text(input.ssoSubject, "ssoSubject", max: 255) { user.ssoSubject = v }
        if let role = input.role { user.role = role }
        if let active = input.isActive { user.isActive = active }
        if let party = input.partyID { user.partyID = party }
        for field in clearing { clear(field, in: &user) }
        if (user.ssoSubject == nil) != (user.ssoIssuer == nil) {
            errors.add(user.ssoSubject == nil ? "ssoSubject" : "ssoIssuer", "ssoIssuer and ssoSubject go together")
        }
        if requireEmail, user.email == nil, user.ssoSubject == nil, !errors.errors.contains(where: { $0.field == "email" }) {
            errors.add("email", "a user needs an email or an SSO subject")
        }
        try errors.throwIfAny()
    }

    static func clear(_ field: String, in user: inout User) {
        switch field {
        case "employeeId": user.employeeID = nil
        case "displayName": user.displayName = nil
        case "designation": user.designation = nil
        case "department": user.department = nil
        case "partyId": user.partyID = nil
        case "email": user.email = nil
        case "ssoIssuer": user.ssoIssuer = nil
        case "ssoSubject": user.ssoSubject = nil
        default: break
        }
    }

    /// The user's email and SSO subject are no other user's: a 409 naming that user to a caller who may read it.
    static func checkUnique(_ user: User, access: TenantAccess) async throws {
        let tx = access.tx
        if let email = user.email, let other = try await tx.user(tenant: user.tenantID, emailNormalized: email.normalized), other.id != user.id {
            throw try await access.conflict("a user with this email exists", user: other)
        }
        if let issuer = user.ssoIssuer, let subject = user.ssoSubject,
           let other = try await tx.user(tenant: user.tenantID, issuer: issuer, subject: subject), other.id != user.id {
            throw try await access.conflict("a user with this SSO subject exists", user: other)
        }
    }

    /// The party a user is linked to: one the caller may read (else 404, as if it did not exist), a live person,
    /// and no other user's.
    static func checkParty(_ user: User, access: TenantAccess) async throws {
        guard let partyID = user.partyID else { return }
        let tx = access.tx
        // Before its state is read: a concurrent delete then either waits for this link or is seen by it.
        try await tx.lockPartiesForReference(tenant: user.tenantID, [partyID])
        let party = try await access.party(partyID)
        guard party.kind == .person, party.isLive else { throw RosterError.invalid("partyId", "must be a live person") }
        if let other = try await tx.user(tenant: user.tenantID, party: partyID), other.id != user.id {
            throw try await access.conflict("another user is linked to this party", user: other)
        }
    }

    /// A login linked to a deleted party is erased with it by the tenant's retention: meanwhile it gains nothing (a
    /// login made ADMIN after its person's delete was erased by the system a minute later; found by a probe). Restoring
    /// the party, or unlinking the login, comes first. The party's row is locked for share before its state is read, so
    /// an erasure running beside it either waits for this change or is seen by it.
    static func requireLinkedPartyLive(_ user: User, tx: any StoreTransaction, giving what: String) async throws {
        guard let partyID = user.partyID else { return }
        // A party merged into another goes with it: the login of a merged party whose survivor was deleted too (it was
        // made ADMIN after the delete, and kept its email after the erasure; found by a probe).
        var next: Party.ID? = partyID
        var hops = 0
        while let id = next, hops <= AccessGraph.maxDepth {
            try await tx.lockPartiesForReference(tenant: user.tenantID, [id])
            guard let party = try await tx.party(tenant: user.tenantID, id: id) else { return }
            if party.state == .deleted {
                throw RosterError.conflict("user \(user.id) is linked to party \(partyID), which is deleted\(id == partyID ? "" : " (the party it was merged into is)"): "
                                           + "the tenant's retention erases the login with it. Restore the party, or unlink the login (partyId: null), "
                                           + "before giving it \(what)")
            }
            next = party.state == .merged ? party.mergedInto : nil
            hops += 1
        }
    }

    func mapUnique<T>(_ body: () async throws -> T) async throws -> T {
        try await onceMoreOnDuplicate(RosterError.conflict("a user with this email, SSO subject or party exists"), body)
    }
}

extension User {
    var presentFields: [String] {
        var fields = ["role", "isActive"]
        if email != nil { fields.append("email") }
        if ssoSubject != nil { fields += ["ssoIssuer", "ssoSubject"] }
        if employeeID != nil { fields.append("employeeId") }
        if displayName != nil { fields.append("displayName") }
        if designation != nil { fields.append("designation") }
        if department != nil { fields.append("department") }
        if partyID != nil { fields.append("partyId") }
        return fields
    }

    func changedFields(from old: User) -> [String] {
        var fields: [String] = []
        if email != old.email { fields.append("email") }
        if ssoIssuer != old.ssoIssuer { fields.append("ssoIssuer") }
        if ssoSubject != old.ssoSubject { fields.append("ssoSubject") }
        if employeeID != old.employeeID { fields.append("employeeId") }
        if displayName != old.displayName { fields.append("displayName") }
        if designation != old.designation { fields.append("designation") }
        if department != old.department { fields.append("department") }
        if role != old.role { fields.append("role") }
        if isActive != old.isActive { fields.append("isActive") }
        if partyID != old.partyID { fields.append("partyId") }
        return fields
    }
}

public struct SegmentService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// The tenant's definition, else the built-in one; 404 when neither exists.
    static func resolve(_ name: String, field: String = "name", tenant: Tenant.ID, tx: any StoreTransaction) async throws -> Segment {
        let name = try Segment.validateName(name, field: field)
        if let stored = try await tx.segment(tenant: tenant, name: name) { return stored }
        if let builtIn = Segment.builtIn[name] { return builtIn }
        throw RosterError.notFound("no segment \(name)")
    }

    public func get(tenant slug: String, name: String, context: OperationContext) async throws -> Segment {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            // Whoever may list users by a segment may read its rules (a scoped reader filtered by one it could not read;
            // found by a probe).
            try access.requireUserReader()
            return try await Self.resolve(name, tenant: access.tenant.id, tx: tx)
        }
    }

    public func put(tenant slug: String, name: String, rules: [Segment.Rule], context: OperationContext) async throws -> Segment {
        let segment = Segment(name: try Segment.validateName(name), rules: try Segment.validateRules(rules))
        return try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            try access.require("users.manage")
            let tenant = access.tenant
            try await tx.saveSegment(tenant: tenant.id, segment)
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "segment.put", targetType: "segment",
                                                 targetID: segment.name, fields: ["rules"])])
            return segment
        }
    }

    /// The segments the tenant can use, by name: its own definitions and the built-in ones it does not redefine.
    public func list(tenant slug: String, cursor: String?, limit: Int?, context: OperationContext) async throws -> Page<Segment> {
        let limit = try pageSize(limit)
        // A cursor is a name (kept lowercased by `Segment.validateName`): a position among them.
        let after = try cursor.flatMap(Cursor.decode).map { try Segment.validateName($0, field: "cursor") }
        return try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            // Whoever may list users by a segment may read its rules (a scoped reader filtered by one it could not read;
            // found by a probe).
            try access.requireUserReader()
            let tenant = access.tenant.id
            var found = try await tx.segments(tenant: tenant, after: after, limit: limit + 1)
            // The built-in ones after the cursor that the tenant does not redefine (further on, perhaps), in name order with
            // its own: the first `limit + 1` of the two lists together are among these.
            for builtIn in Segment.builtIn.values where after.map({ builtIn.name > $0 }) ?? true {
                if try await tx.segment(tenant: tenant, name: builtIn.name) == nil { found.append(builtIn) }
            }
            found.sort { $0.name < $1.name }
            return Page(rows: found, limit: limit, key: \.name)
        }
    }

    /// Removes the tenant's own definition of a segment (a built-in one of that name applies again); 404 when it has none.
    public func delete(tenant slug: String, name: String, context: OperationContext) async throws {
        let name = try Segment.validateName(name)
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            try access.require("users.manage")
            let tenant = access.tenant
            guard try await tx.deleteSegment(tenant: tenant.id, name: name) else {
                throw RosterError.notFound(Segment.builtIn[name] == nil ? "no segment \(name)"
                                           : "segment \(name) is built in; the tenant has no definition of its own to delete")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "segment.delete", targetType: "segment",
                                                 targetID: name, fields: ["rules"])])
        }
    }
}
