import Foundation
public import RosterCore
public import RosterStore

public struct AuditService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Newest first; the cursor is the last seq seen. `filter`: only the entries about one record, of one action or by
    /// one actor (each an exact match; all given must hold). A caller whose audit.read reaches part of the tenant lists
    /// one party's entries at a time (`targetID`), as without the other conditions.
    public func list(tenant slug: String, filter: AuditFilter = AuditFilter(), cursor: String?, limit: Int?,
                     context: OperationContext) async throws -> Page<AuditEntry> {
        let limit = try pageSize(limit)
        var errors = ValidationErrors()
        // As the spec bounds them (lengths in code points); a control character (a NUL was a 500 on PostgreSQL) is refused.
        for (field, value, range) in [("action", filter.action, 1...200), ("actor", filter.actor, 1...200), ("targetId", filter.targetID, 0...100)] {
            guard let value else { continue }
            if !range.contains(value.unicodeScalars.count) {
                errors.add(field, range.lowerBound == 0 ? "must be at most \(range.upperBound) characters"
                                                        : "must be \(range.lowerBound) to \(range.upperBound) characters")
            } else if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                errors.add(field, "must not contain control characters")
            }
        }
        try errors.throwIfAny()
        var before: Int64?
        if let cursor {
            guard let seq = Cursor.sequence(cursor) else {
                throw RosterError.invalid("cursor", "is not a cursor from this API")
            }
            before = seq
        }
        let rows = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try await access.requireAuditReader(of: filter.targetID)
            return try await tx.auditEntries(tenant: access.tenant.id, filter: filter, beforeSeq: before, limit: limit + 1)
        }
        return Page(rows: rows, limit: limit) { String($0.seq) }
    }

    /// The chain's head as an anchor to keep outside the database: `count` entries, the last one's hash and time.
    public func head(tenant slug: String, context: OperationContext) async throws -> AuditAnchor {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.require("audit.read")
            guard let head = try await tx.auditHead(tenant: access.tenant.id), head.seq > 0 else {
                return AuditAnchor(count: 0, hash: AuditChain.genesis, at: access.tenant.createdAt)
            }
            let last = try await tx.auditChain(tenant: access.tenant.id, afterSeq: head.seq - 1, limit: 1).first
            return AuditAnchor(count: head.seq, hash: head.hash, at: last?.at ?? access.tenant.createdAt)
        }
    }

    /// Checks the tenant's chain; names the first entry that does not match.
    ///
    /// Rehashes every entry (DESIGN.md: verify recomputes the chain; a probe found an entry rewritten behind Roster's back
    /// passed the incremental check that was the default). `incremental`: only the entries after the last verified
    /// checkpoint are rehashed, and the checkpoint's own entry must still have the hash it had then (a change before it
    /// that left its hash alone passes). Either way a valid run moves the checkpoint to the end. With an anchor, the chain must also extend it: at least `count` entries
    /// and the hash of entry `count` equal to the anchor's (a truncated or rewritten tail fails).
    /// `anchorTenant`: the tenant the anchor names, when it names one; another tenant's anchor is one this chain does
    /// not extend (a verification that fails, as the CLI's).
    public func verify(tenant slug: String, anchor: AuditAnchor? = nil, anchorTenant: String? = nil, incremental: Bool = false,
                       context: OperationContext) async throws -> AuditVerification {
        let tenant = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.require("audit.read")
            return access.tenant
        }
        // A malformed anchor is refused whoever's chain it names (another tenant's answered `valid: false` to one; a probe).
        if let anchor { try Self.check(anchor) }
        if let anchorTenant, anchorTenant != tenant.slug {
            return AuditVerification(valid: false, checked: 0, reason: "the anchor was taken of another tenant's chain")
        }
        return try await verify(tenantID: tenant.id, anchor: anchor, incremental: incremental)
    }

    static func check(_ anchor: AuditAnchor) throws {
        var errors = ValidationErrors()
        if anchor.count < 0 { errors.add("count", "must be at least 0") }
        if anchor.hash.utf8.count != 64
            || !anchor.hash.utf8.allSatisfy({ (48...57).contains($0) || (65...70).contains($0) || (97...102).contains($0) }) {
            errors.add("hash", "must be a 64-digit hex hash")
        }
        try errors.throwIfAny()
    }

    func verify(tenantID: Tenant.ID, anchor: AuditAnchor? = nil, incremental: Bool = false) async throws -> AuditVerification {
        if let anchor { try Self.check(anchor) }
        var prev = AuditChain.genesis
        var expectedSeq: Int64 = 1
        var checked: Int64 = 0
        var anchorHash: String? = anchor?.count == 0 ? AuditChain.genesis : nil
        if incremental, anchor == nil, let checkpoint = try await store.read({ tx in try await tx.auditCheckpoint(tenant: tenantID) }),
           checkpoint.seq > 0 {
            let entry = try await store.read { tx in try await tx.auditChain(tenant: tenantID, afterSeq: checkpoint.seq - 1, limit: 1).first }
            guard let entry, entry.seq == checkpoint.seq, entry.hash == checkpoint.hash else {
                return AuditVerification(valid: false, checked: 0, brokenAt: checkpoint.seq,
                                         reason: "entry \(checkpoint.seq) changed since a verification found it intact")
            }
            prev = checkpoint.hash
            expectedSeq = checkpoint.seq + 1
        }
        let start = expectedSeq - 1
        // The head first: entries appended while this runs (reads are audited) lie beyond it and are left to the next run.
        let head = try await store.read { tx in try await tx.auditHead(tenant: tenantID) }
        while head.map({ expectedSeq <= $0.seq }) ?? true {
            let limit = head.map { Int(min(1000, $0.seq - expectedSeq + 1)) } ?? 1000
            let batch = try await store.read { tx in try await tx.auditChain(tenant: tenantID, afterSeq: expectedSeq - 1, limit: limit) }
            for entry in batch {
                guard entry.seq == expectedSeq else {
                    return AuditVerification(valid: false, checked: checked, brokenAt: expectedSeq, reason: "entry \(expectedSeq) is missing")
                }
                guard entry.prevHash == prev else {
                    return AuditVerification(valid: false, checked: checked, brokenAt: entry.seq, reason: "link to the previous entry is broken")
                }
                guard AuditChain.recompute(entry, prev: prev) == entry.hash else {
                    return AuditVerification(valid: false, checked: checked, brokenAt: entry.seq, reason: "content does not match its hash")
                }
                // The hash joins the field names with commas, which no field name holds (they are names Roster writes:
                // property keys have none): names split or joined otherwise hash alike, so such an entry was rewritten
                // (["a,b"] passed for ["a", "b"]; found by a probe).
                guard !entry.fields.contains(where: { $0.contains(",") || $0.isEmpty }) else {
                    return AuditVerification(valid: false, checked: checked, brokenAt: entry.seq,
                                             reason: "its field names were rewritten (a name holds a comma, or is empty)")
                }
                if entry.seq == anchor?.count { anchorHash = entry.hash }
                prev = entry.hash
                expectedSeq += 1
                checked += 1
            }
            if batch.count < limit { break }
        }
        let end = start + checked
        if let head, head.seq != end || (end > 0 && head.hash != prev) {
            return AuditVerification(valid: false, checked: checked, brokenAt: end + 1,
                                     reason: "the chain ends at \(end) but its head says \(head.seq)")
        }
        // Entries beyond the head read first are appends since, unless the head, read after them, is behind them: a
        // head deleted or set back, which every later append then collides with. Verify passed such a chain, checking it
        // only up to its head (found by a probe). The entry first: a head moves in the commit of its entries and only
        // forward, so a head read after an entry is at or past it (on PostgreSQL each read has a snapshot of its own).
        let beyond = try await store.read { tx in try await tx.auditChain(tenant: tenantID, afterSeq: end, limit: 1).first }
        let headNow = try await store.read { tx in try await tx.auditHead(tenant: tenantID) }
        if headNow == nil, end > 0 {
            return AuditVerification(valid: false, checked: checked, brokenAt: end,
                                     reason: "the chain has \(end) entries but no head")
        }
        if let beyond, (headNow?.seq ?? 0) < beyond.seq {
            return AuditVerification(valid: false, checked: checked, brokenAt: beyond.seq,
                                     reason: "entry \(beyond.seq) lies beyond the chain's head at \(headNow?.seq ?? 0)")
        }
        if let anchor {
            guard anchor.count <= end else {
                return AuditVerification(valid: false, checked: checked, brokenAt: end + 1,
                                         reason: "the chain has \(end) entries, fewer than the anchor's \(anchor.count): it was truncated")
            }
            guard anchorHash == anchor.hash.lowercased() else {
                return AuditVerification(valid: false, checked: checked, brokenAt: anchor.count,
                                         reason: "entry \(anchor.count) is not the one anchored: the chain was rewritten")
            }
        }
        if end > start {
            let (seq, hash) = (end, prev)
            try await store.write { tx in try await tx.saveAuditCheckpoint(tenant: tenantID, seq: seq, hash: hash, at: Date.rosterNow) }
        }
        return AuditVerification(valid: true, checked: checked, count: end)
    }
}
