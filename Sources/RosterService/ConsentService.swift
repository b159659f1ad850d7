import Foundation
public import RosterCore
public import RosterStore

/// The consent ledger (seed 002, DESIGN.md §2 Compliance): append-only entries per party; the current consent for a
/// purpose is the latest entry. Entries are personal data: recording one is audited with its field names, reading a
/// party's ledger and listing the parties that consent are audited as reads of those parties.
public struct ConsentService: Sendable {
    let store: any Store
    let audit: AuditLog

    public init(store: any Store, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    /// Appends an entry (`parties.write` on the party). A withdrawal may be recorded for a deleted party (its data is
    /// kept until erased, and the withdrawal must count until then); a grant needs a live one. A merged party takes
    /// neither (409): its consents moved to the survivor, where an entry counts, and an entry here would be lost to
    /// the survivor and block the merge's undo.
    public func record(tenant slug: String, party id: Party.ID, _ input: ConsentInput, context: OperationContext) async throws -> Consent {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let party = try await access.party(id, "parties.write")
            let consent = try input.validated(tenant: access.tenant.id, party: id, now: Date.rosterNow,
                                              recordedBy: context.principal.description)
            if party.state == .merged { throw RosterError.conflict("party \(id): \(party.notLiveReason)") }
            if consent.status == .granted, !party.isLive {
                throw RosterError.conflict("party \(id) is deleted: restore it before recording a grant")
            }
            try await tx.appendConsent(consent)
            try await tx.appendAudit([AuditEvent(tenantID: access.tenant.id, context: context, action: "consent.record",
                                                 targetType: "party", targetID: id.description,
                                                 fields: ["purpose", "status", "source", "at"] + (consent.note == nil ? [] : ["note"]))])
            return consent
        }
    }

    /// A party's ledger in recording order (`parties.read` on the party); `current` gives only the current entry of
    /// each purpose, by purpose, in one page.
    public func list(tenant slug: String, party id: Party.ID, purpose: String?, current: Bool, cursor: String?, limit: Int?,
                     context: OperationContext) async throws -> Page<Consent> {
        let limit = try pageSize(limit)
        let after: Consent.ID? = try decodeCursor(cursor)
        let purpose = try purpose.map { try Consent.validatePurpose($0) }
        if current, cursor != nil { throw RosterError.invalid("cursor", "the current entries come in one page; give no cursor") }
        let (tenant, page) = try await store.read { tx -> (Tenant.ID, Page<Consent>) in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            _ = try await access.party(id)
            if current {
                let entries = try await tx.currentConsents(tenant: access.tenant.id, party: id).filter { purpose == nil || $0.purpose == purpose }
                return (access.tenant.id, Page(items: entries, nextCursor: nil))
            }
            let rows = try await tx.consents(tenant: access.tenant.id, party: id, purpose: purpose, after: after, limit: limit + 1)
            return (access.tenant.id, Page(rows: rows, limit: limit) { $0.id.description })
        }
        try await audit.record([AuditEvent(tenantID: tenant, context: context, action: "consent.read", targetType: "party",
                                           targetID: id.description)])
        return page
    }

    /// Live parties whose current consent for `purpose` has `status`, by party id, each with that entry: what a
    /// marketing export asks. Scoped like a party search (a caller sees the parties it may read); audited as reads.
    public func matching(tenant slug: String, purpose purposeText: String, status: Consent.Status, cursor: String?, limit: Int?,
                         context: OperationContext) async throws -> Page<ConsentMatch> {
        let limit = try pageSize(limit)
        var errors = ValidationErrors()
        let purpose = errors.check { try Consent.validatePurpose(purposeText) }
        let after: Party.ID? = errors.check { try decodeCursor(cursor) } ?? nil
        try errors.throwIfAny()
        let rows = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            return try await access.consentMatches(ConsentMatchQuery(purpose: purpose!, status: status, within: access.readable, after: after,
                                                                     limit: limit + 1))
        }
        let page = Page(rows: rows, limit: limit) { $0.party.id.description }
        try await audit.record(page.items.map { item in
            AuditEvent(tenantID: item.party.tenantID, context: context, action: "consent.list", targetType: "party",
                       targetID: item.party.id.description)
        })
        return page
    }
}
