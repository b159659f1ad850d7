import Foundation
public import RosterCore
public import RosterStore

public struct TagService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Creates a tag; the text is unique per tenant regardless of case. Without a colour one is derived from the text.
    public func create(tenant slug: String, text: String, color: String?, context: OperationContext) async throws -> Tag {
        return try await onceMoreOnDuplicate(RosterError.conflict("a tag with this text exists")) {
            try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                try access.require("parties.write")
                let tenant = access.tenant
                let tag = try Self.validated(text: text, color: color, tenant: tenant.id)
                if let existing = try await tx.tag(tenant: tenant.id, text: tag.text) {
                    throw RosterError.conflict("a tag \(existing.text) exists", existingID: existing.id.description)
                }
                try await tx.insertTag(tag)
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "tag.create", targetType: "tag",
                                                     targetID: tag.id.description, fields: ["text", "color"])])
                return tag
            }
        }
    }

    static func validated(text: String, color: String?, tenant: Tenant.ID) throws -> Tag {
        var errors = ValidationErrors()
        let text = errors.check { try Tag.validateText(text) }
        // A CSV import or export separates a party's tags with ";": such a tag would come back as two (found by a probe).
        if let text, text.contains(";") { errors.add("text", "must not contain ; (it separates tags in CSV imports and exports)") }
        let color = color.flatMap { raw in errors.check { try Tag.validateColor(raw) } }
        try errors.throwIfAny()
        return Tag(id: .make(), tenantID: tenant, text: text!, color: color ?? Tag.derivedColor(for: text!), createdAt: Date.rosterNow)
    }

    /// The tag with this text, created (with a derived colour unless given) when missing, in the caller's transaction.
    static func findOrCreate(text: String, color: String? = nil, tenant: Tenant.ID, tx: any StoreTransaction,
                             context: OperationContext) async throws -> Tag {
        let candidate = try validated(text: text, color: color, tenant: tenant)
        if let existing = try await tx.tag(tenant: tenant, text: candidate.text) { return existing }
        try await tx.insertTag(candidate)
        try await tx.appendAudit([AuditEvent(tenantID: tenant, context: context, action: "tag.create", targetType: "tag",
                                             targetID: candidate.id.description, fields: ["text", "color"])])
        return candidate
    }

    /// Tags a party by text (the tag made when missing) and audits it, in the caller's transaction. Idempotent.
    /// `touching`: a tag newly attached is a change of the party (its version and `updatedAt`), as for a caller tagging
    /// a party that exists; a party being written in the same transaction (created, imported) counts its own change.
    /// `ifMatch`: the version the caller's change is based on, held to the party's in the statement that changes it.
    static func attach(text: String, color: String? = nil, to party: Party.ID, tenant: Tenant.ID, tx: any StoreTransaction,
                       context: OperationContext, touching: Bool = false, ifMatch: Int? = nil) async throws -> Tag {
        let tag = try await findOrCreate(text: text, color: color, tenant: tenant, tx: tx, context: context)
        if try await tx.attachTag(tenant: tenant, party: party, tag: tag.id) {
            if touching, try await !tx.touchParty(tenant: tenant, id: party, at: Date.rosterNow, expectedVersion: ifMatch) {
                throw RosterError.preconditionFailed("the party changed meanwhile: it is no longer at version \(ifMatch ?? 0)")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant, context: context, action: "party.tag", targetType: "party",
                                                 targetID: party.description, fields: ["tags"])])
        }
        return tag
    }

    /// A page of `list`, by text (the API's list).
    public func page(tenant slug: String, cursor: String?, limit: Int?, context: OperationContext) async throws -> Page<TagUsage> {
        try Page.of(try await list(tenant: slug, context: context), key: { $0.tag.text.lowercased() }, cursor: cursor, limit: limit)
    }

    public func list(tenant slug: String, context: OperationContext) async throws -> [TagUsage] {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            let usage = try await tx.tagUsage(tenant: access.tenant.id)
            guard let subtrees = access.readable else { return usage }
            // A caller that reads subtrees counts the parties it may read: every tag is listed (tags are the
            // tenant's vocabulary), with no count of the parties outside.
            let pairs = try await tx.taggedParties(tenant: access.tenant.id)
            let inside = try await access.inside(Array(Set(pairs.map(\.party))), subtrees)
            var counts: [Tag.ID: Int] = [:]
            for pair in pairs where inside.contains(pair.party) { counts[pair.tag, default: 0] += 1 }
            return usage.map { TagUsage(tag: $0.tag, usage: counts[$0.tag.id] ?? 0) }
        }
    }

    /// Tags a party by text, creating the tag when missing. Idempotent.
    /// `ifMatch`: the party's version the change is based on (a tag changes the party's version, as its ETag shows).
    public func attach(tenant slug: String, party id: Party.ID, text: String, color: String? = nil, ifMatch: Int? = nil,
                       context: OperationContext) async throws -> Tag {
        do {
            return try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                let tenant = access.tenant
                let party = try await access.party(id, "parties.write")
                try requireVersion(ifMatch, is: party.version, of: "party")
                guard party.isLive else { throw RosterError.conflict(party.notLiveReason) }
                return try await Self.attach(text: text, color: color, to: id, tenant: tenant.id, tx: tx, context: context, touching: true,
                                             ifMatch: ifMatch)
            }
        } catch StoreError.uniqueViolation {
            // A concurrent request created the same tag: attach that one.
            return try await attach(tenant: slug, party: id, text: text, color: color, ifMatch: ifMatch, context: context)
        }
    }

    public func detach(tenant slug: String, party id: Party.ID, tag tagID: Tag.ID, ifMatch: Int? = nil, context: OperationContext) async throws {
        try await detach(slug, id, ifMatch, context, named: "\(tagID)") { _, _ in tagID }
    }

    /// Removes the tag with this text (as `POST .../tags` names it) from the party.
    public func detach(tenant slug: String, party id: Party.ID, text: String, ifMatch: Int? = nil, context: OperationContext) async throws {
        let text = try Tag.validateText(text)
        try await detach(slug, id, ifMatch, context, named: text) { tx, tenant in try await tx.tag(tenant: tenant, text: text)?.id }
    }

    private func detach(_ slug: String, _ id: Party.ID, _ ifMatch: Int?, _ context: OperationContext, named: String,
                        tag: @Sendable (any StoreTransaction, Tenant.ID) async throws -> Tag.ID?) async throws {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant
            try requireVersion(ifMatch, is: try await access.party(id, "parties.write").version, of: "party")
            guard let tagID = try await tag(tx, tenant.id), try await tx.detachTag(tenant: tenant.id, party: id, tag: tagID) else {
                throw RosterError.notFound("the party has no tag \(named)")
            }
            guard try await tx.touchParty(tenant: tenant.id, id: id, at: Date.rosterNow, expectedVersion: ifMatch) else {
                throw RosterError.preconditionFailed("the party changed meanwhile: it is no longer at version \(ifMatch ?? 0)")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "party.untag", targetType: "party",
                                                 targetID: id.description, fields: ["tags"])])
        }
    }
}
