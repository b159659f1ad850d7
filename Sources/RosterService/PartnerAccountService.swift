import Foundation
public import RosterCore
public import RosterStore

public struct PartnerAccountInput: Sendable {
    public var partnerID: Party.ID
    public var customerID: Party.ID
    public var username: String
    public var secret: String
    public var active: Bool

    public init(partnerID: Party.ID, customerID: Party.ID, username: String, secret: String, active: Bool = true) {
        self.partnerID = partnerID
        self.customerID = customerID
        self.username = username
        self.secret = secret
        self.active = active
    }
}

/// A change to a partner account: what is nil stays.
public struct PartnerAccountPatch: Sendable, Equatable {
    public var username: String?
    /// A new secret (rotated): sealed anew, never compared with the old one.
    public var secret: String?
    public var active: Bool?

    public init(username: String? = nil, secret: String? = nil, active: Bool? = nil) {
        self.username = username
        self.secret = secret
        self.active = active
    }
}

/// Partner accounts (seed 000): credentials in a partner's system for one customer, unique per
/// (partner, customer), the secret sealed at rest and revealed only by an audited call.
public struct PartnerAccountService: Sendable {
    let store: any Store
    let secrets: SecretKeyring
    let audit: AuditLog

    public init(store: any Store, secrets: SecretKeyring, audit: AuditLog? = nil) {
        self.store = store
        self.secrets = secrets
        self.audit = audit ?? AuditLog(store: store)
    }

    public func create(tenant slug: String, _ input: PartnerAccountInput, context: OperationContext) async throws -> PartnerAccount {
        var errors = ValidationErrors()
        let username = Self.username(input.username, errors: &errors)
        Self.checkSecret(input.secret, errors: &errors)
        if input.partnerID == input.customerID { errors.add("customerId", "a partner can't be its own customer") }
        try errors.throwIfAny()
        let box = try secrets.require()
        return try await onceMoreOnDuplicate(RosterError.conflict("the partner has an account for this customer")) {
            try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                let tenant = access.tenant
                try await access.require("parties.write", on: [input.partnerID, input.customerID])
                try await SecretKeyService.requireCurrent(box, tx)
                // Before their states are read: a concurrent delete then either waits for this account or is seen by it.
                try await tx.lockPartiesForReference(tenant: tenant.id, [input.partnerID, input.customerID])
                guard let partner = try await tx.party(tenant: tenant.id, id: input.partnerID) else {
                    throw RosterError.notFound("no party \(input.partnerID)")
                }
                guard let customer = try await tx.party(tenant: tenant.id, id: input.customerID) else {
                    throw RosterError.notFound("no party \(input.customerID)")
                }
                var errors = ValidationErrors()
                if !partner.roles.contains("partner") { errors.add("partnerId", "the party does not have the role partner") }
                if !partner.isLive { errors.add("partnerId", "the party is deleted or merged") }
                if !customer.isLive { errors.add("customerId", "the party is deleted or merged") }
                try errors.throwIfAny()
                if let existing = try await tx.partnerAccount(tenant: tenant.id, partner: partner.id, customer: customer.id) {
                    throw RosterError.conflict("the partner has an account for this customer", existingID: existing.id.description)
                }
                let now = Date.rosterNow
                let account = PartnerAccount(id: .make(), tenantID: tenant.id, partnerID: partner.id, customerID: customer.id,
                                             username: username!, active: input.active, createdAt: now, updatedAt: now)
                let sealed = try box.seal(input.secret, tenant: tenant.id, account: account.id)
                try await tx.insertPartnerAccount(StoredPartnerAccount(account: account, sealedSecret: sealed))
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "partner_account.create",
                                                     targetType: "partner_account", targetID: account.id.description,
                                                     fields: ["partnerId", "customerId", "username", "secret", "active"])])
                return account
            }
        }
    }

    /// The account, with `policy` on both its partner and its customer; 404 when it is missing or either is unreadable.
    /// `party`: the party the caller reached it from (the console's path), which must be one of its ends.
    static func account(_ id: PartnerAccount.ID, _ policy: String, of party: Party.ID? = nil, access: TenantAccess,
                        tx: any StoreTransaction) async throws -> StoredPartnerAccount {
        guard let stored = try await tx.partnerAccount(tenant: access.tenant.id, id: id),
              party.map({ [stored.account.partnerID, stored.account.customerID].contains($0) }) ?? true else {
            throw RosterError.notFound("no partner account \(id)" + (party.map { " of party \($0)" } ?? ""))
        }
        try await access.require(policy, on: [stored.account.partnerID, stored.account.customerID], what: "partner account \(id)")
        return stored
    }

    /// An account holds its customer's login at the partner: a read of it is a read of that customer's data, audited on
    /// the customer (so that its export shows it).
    static func read(_ account: PartnerAccount, context: OperationContext) -> AuditEvent {
        AuditEvent(tenantID: account.tenantID, context: context, action: "partner_account.read", targetType: "party",
                   targetID: account.customerID.description, fields: ["username"])
    }

    static func username(_ raw: String, errors: inout ValidationErrors) -> String? {
        let username = errors.check { try Text.optional(raw, field: "username", max: 200) } ?? nil
        if username == nil, !errors.errors.contains(where: { $0.field == "username" }) { errors.add("username", "must not be empty") }
        return username
    }

    static func checkSecret(_ secret: String, errors: inout ValidationErrors) {
        if secret.isEmpty { errors.add("secret", "must not be empty") }
        if secret.count > 4096 { errors.add("secret", "must be at most 4096 characters") }
    }

    /// One account, without its secret; a read of its customer's data, audited as `list` audits it. 404 when it is
    /// missing or the caller may not read both its partner and its customer.
    public func get(tenant slug: String, id: PartnerAccount.ID, context: OperationContext) async throws -> PartnerAccount {
        let account = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            return try await Self.account(id, "parties.read", access: access, tx: tx).account
        }
        try await audit.record([Self.read(account, context: context)])
        return account
    }

    /// Changes the username, rotates the secret (sealed anew) or (de)activates; needs `parties.write` on the partner and
    /// the customer, and `parties.read` on them as the answer shows the account. `ifMatch`: the version the change is
    /// based on (412 when it moved on). A change that changes nothing is the read it answers, audited as one.
    /// `party`: when given (the console names the party it shows), the account must be one of its (else 404).
    public func update(tenant slug: String, id: PartnerAccount.ID, of party: Party.ID? = nil, _ patch: PartnerAccountPatch,
                       ifMatch: Int? = nil, context: OperationContext) async throws -> PartnerAccount {
        var errors = ValidationErrors()
        let username = patch.username.flatMap { Self.username($0, errors: &errors) }
        if let secret = patch.secret { Self.checkSecret(secret, errors: &errors) }
        try errors.throwIfAny()
        let box = try patch.secret.map { _ in try secrets.require() }
        return try await againIfChanged(ifMatch: ifMatch) { try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant
            var stored = try await Self.account(id, "parties.write", of: party, access: access, tx: tx)
            let current = stored.account
            if let box { try await SecretKeyService.requireCurrent(box, tx) }
            try await access.requireAnswerable(current.partnerID)
            try await access.requireAnswerable(current.customerID)
            try requireVersion(ifMatch, is: current.version, of: "partner account")
            var changed: [String] = []
            if let username, username != current.username {
                stored.account.username = username
                changed.append("username")
            }
            if let secret = patch.secret, let box {
                stored.sealedSecret = try box.seal(secret, tenant: tenant.id, account: id)
                changed.append("secret")
            }
            if let active = patch.active, active != current.active {
                stored.account.active = active
                changed.append("active")
            }
            guard !changed.isEmpty else {
                try await tx.appendAudit([Self.read(current, context: context)])
                return current
            }
            // A change is a write on both parties, refused while either is deleted as every other write on a deleted
            // party is (a username changed and a secret rotated for a deleted customer; found by a probe). Its reads, the
            // reveal and the delete stay: they are how its credentials are handed over or removed before an erasure.
            try await tx.lockPartiesForReference(tenant: tenant.id, [current.partnerID, current.customerID])
            for (role, id) in [("partner", current.partnerID), ("customer", current.customerID)] {
                if let held = try await tx.party(tenant: tenant.id, id: id), !held.isLive {
                    throw RosterError.conflict("the account's \(role): \(held.notLiveReason)")
                }
            }
            stored.account.updatedAt = Date.rosterNow
            stored.account.version += 1
            guard try await tx.updatePartnerAccount(stored, expectedVersion: current.version, secretChanged: changed.contains("secret")) else {
                throw ChangedMeanwhile(what: "partner account")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "partner_account.update",
                                                 targetType: "partner_account", targetID: id.description, fields: changed)])
            return stored.account
        } }
    }

    /// Deletes the account and its sealed secret for good; needs `parties.write` on the partner and the customer.
    /// `ifMatch` as for `update`.
    public func delete(tenant slug: String, id: PartnerAccount.ID, of party: Party.ID? = nil, ifMatch: Int? = nil,
                       context: OperationContext) async throws {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant
            let stored = try await Self.account(id, "parties.write", of: party, access: access, tx: tx)
            try requireVersion(ifMatch, is: stored.account.version, of: "partner account")
            guard try await tx.deletePartnerAccount(tenant: tenant.id, id: id) else {
                throw RosterError.notFound("no partner account \(id)")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "partner_account.delete",
                                                 targetType: "partner_account", targetID: id.description,
                                                 fields: ["partnerId", "customerId", "username", "secret", "active"])])
        }
    }

    /// Accounts by filters, keyset by id; a caller who reads only some subtrees sees the accounts between their parties
    /// (the others are passed over: `Page.visible`).
    public func list(tenant slug: String, partnerID: Party.ID?, customerID: Party.ID?, active: Bool?, cursor: String?,
                     limit: Int?, context: OperationContext) async throws -> Page<PartnerAccount> {
        let limit = try pageSize(limit)
        let after: PartnerAccount.ID? = try decodeCursor(cursor)
        let page = try await store.read { tx -> Page<PartnerAccount> in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            return try await Page.visible(limit: limit, after: after, fetch: { after, count in
                try await tx.partnerAccounts(tenant: access.tenant.id, query: PartnerAccountQuery(
                    partnerID: partnerID, customerID: customerID, active: active, after: after, limit: count))
            }, key: \.id, cursor: { $0.id.description }) { try await access.visible($0) { [$0.partnerID, $0.customerID] } }
        }
        // Each account a read of its customer's data (`read`), durable before the answer as every audited read is.
        try await audit.record(page.items.map { Self.read($0, context: context) })
        return page
    }

    /// The plaintext secret; the reveal is audited (in the same transaction, so no unaudited reveal is possible).
    public func revealSecret(tenant slug: String, id: PartnerAccount.ID, context: OperationContext) async throws -> (PartnerAccount, String) {
        let box = try secrets.require()
        let stored = try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            let tenant = access.tenant
            let stored = try await Self.account(id, "credentials.reveal", access: access, tx: tx)
            try await SecretKeyService.requireCurrent(box, tx)
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "partner_account.reveal",
                                                 targetType: "partner_account", targetID: id.description, fields: ["secret"])])
            return stored
        }
        do {
            return (stored.account, try box.open(stored.sealedSecret, tenant: stored.account.tenantID, account: stored.account.id))
        } catch let error as RosterError {
            throw error
        } catch {
            // Not sealed for this row with this key: a copied or altered value, never shown.
            throw RosterError.conflict("the stored secret of partner account \(id) does not open: it was not sealed for this account")
        }
    }
}
