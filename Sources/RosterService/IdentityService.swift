import Foundation
public import RosterCore
public import RosterStore

public struct IdentityResolution: Sendable {
    public var user: User
    public var partyID: Party.ID
    /// The person the identifier resolved to (the caller reads the whole tenant's parties).
    public var party: Party?
    public var userCreated: Bool
    public var partyCreated: Bool
}

/// First-login resolution for apps whose users sign in with an email or a phone (the planter flow of
/// seed 004): reuse the person with that email or phone, else create one; reuse its user, else create one.
public struct IdentityService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public func resolve(tenant slug: String, identifier: String, firstName: String? = nil, lastName: String? = nil,
                        context: OperationContext) async throws -> IdentityResolution {
        do {
            return try await attempt(slug, identifier, firstName, lastName, context)
        } catch StoreError.uniqueViolation {
            // A concurrent call created the same person or user first: what it made is now found.
            return try await attempt(slug, identifier, firstName, lastName, context)
        } catch RosterError.conflict {
            // The same race, seen by the duplicate check after the lookup found nothing.
            return try await attempt(slug, identifier, firstName, lastName, context)
        }
    }

    /// Sign-in refuses an inactive user; so does its first-login resolution (409, naming the user).
    static func inactive(_ user: User) -> RosterError {
        RosterError.conflict("user \(user.id) is inactive: it can't sign in until it is made active again", existingID: user.id.description)
    }

    private func attempt(_ slug: String, _ identifier: String, _ firstName: String?, _ lastName: String?,
                         _ context: OperationContext) async throws -> IdentityResolution {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            try access.require("users.manage")
            // It looks persons up by email or phone across the tenant, and its answer (found or made, the user linked)
            // says whether one exists: a caller that reads only part of the tenant would learn of persons outside it.
            try access.require("parties.read")
            let tenant = access.tenant
            let raw = identifier.trimmingWhitespace()
            guard !raw.isEmpty else { throw RosterError.invalid("identifier", "give an email or a phone number") }
            var email: EmailAddress?
            var phone: PhoneNumber?
            if raw.contains("@") {
                email = try EmailAddress(raw, field: "identifier")
            } else {
                phone = try PhoneNumber(raw, defaultCallingCode: tenant.settings.defaultCallingCode, field: "identifier")
            }
            var partyCreated = false
            var party: Party
            if let found = try await tx.liveParties(tenant: tenant.id, kind: .person, emailNormalized: email?.normalized,
                                                    phone: phone?.digits).first {
                party = found
            } else {
                party = try PartyRules.create(PartyInput(kind: .person, firstName: firstName, lastName: lastName, email: email?.value,
                                                         phone: phone.map { "+" + $0.digits }),
                                              id: .make(), tenantID: tenant.id, settings: tenant.settings, now: Date.rosterNow)
                // Linked to the organization of its email's domain as POST .../parties links it (it was not; a probe).
                if PartyService.linksByDomain(party, in: tenant) { try await tx.lockHierarchy(tenant: tenant.id, type: Relationship.employment) }
                try await PartyService.insertParty(party, tx: tx, context: context)
                _ = try await PartyService.autoLink(party, tenant: tenant, tx: tx, context: context)
                partyCreated = true
            }
            // The answer carries both records: what existed before is a read of personal data.
            var userCreated = false
            var user: User
            if let found = try await tx.user(tenant: tenant.id, party: party.id) {
                user = found
            } else if let email, var found = try await tx.user(tenant: tenant.id, emailNormalized: email.normalized) {
                // A first login of a deactivated user resolves nothing (and links nothing: the transaction is undone).
                guard found.isActive else { throw Self.inactive(found) }
                if found.partyID == nil {
                    try await access.requireManageable(found)
                    try await UserService.link(&found, to: party.id, tx: tx, context: context)
                }
                user = found
            } else {
                let now = Date.rosterNow
                let name = [firstName, lastName].compactMap { $0?.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
                user = User(id: .make(), tenantID: tenant.id, email: email, displayName: !name.isEmpty ? name : party.displayName,
                            role: .user, isActive: true, partyID: party.id, createdAt: now, updatedAt: now)
                try await UserService.insert(user, tx: tx, context: context)
                userCreated = true
            }
            guard user.isActive else { throw Self.inactive(user) }
            var reads: [AuditEvent] = []
            if !partyCreated {
                reads.append(AuditEvent(tenantID: tenant.id, context: context, action: "party.read", targetType: "party",
                                        targetID: party.id.description))
            }
            if !userCreated {
                reads.append(AuditEvent(tenantID: tenant.id, context: context, action: "user.read", targetType: "user",
                                        targetID: user.id.description))
            }
            if !reads.isEmpty { try await tx.appendAudit(reads) }
            return IdentityResolution(user: user, partyID: party.id, party: party, userCreated: userCreated, partyCreated: partyCreated)
        }
    }
}
