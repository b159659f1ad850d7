public import RosterCore
public import RosterStore

public struct AuditService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Newest first; the cursor is the last seq seen.
    public func list(tenant slug: String, targetID: String?, cursor: String?, limit: Int?,
                     context: OperationContext) async throws -> Page<AuditEntry> {
        let limit = try pageSize(limit)
        var before: Int64?
        if let cursor {
            guard let key = Cursor.decode(cursor), let seq = Int64(key) else {
                throw RosterError.invalid("cursor", "is not a cursor from this API")
            }
            before = seq
        }
        let rows = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.require("audit.read")
            return try await tx.auditEntries(tenant: access.tenant.id, targetID: targetID, beforeSeq: before, limit: limit + 1)
        }
        return Page(rows: rows, limit: limit) { String($0.seq) }
    }

    /// Recomputes the tenant's chain from the first entry; names the first entry that does not match.
    public func verify(tenant slug: String, context: OperationContext) async throws -> AuditVerification {
        let tenant = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.require("audit.read")
            return access.tenant
        }
        return try await verify(tenantID: tenant.id)
    }

    func verify(tenantID: Tenant.ID) async throws -> AuditVerification {
        var prev = AuditChain.genesis
        var expectedSeq: Int64 = 1
        var checked: Int64 = 0
        while true {
            let batch = try await store.read { tx in try await tx.auditChain(tenant: tenantID, afterSeq: expectedSeq - 1, limit: 1000) }
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
                prev = entry.hash
                expectedSeq += 1
                checked += 1
            }
            if batch.count < 1000 { break }
        }
        let head = try await store.read { tx in try await tx.auditHead(tenant: tenantID) }
        if let head, head.seq != checked || (checked > 0 && head.hash != prev) {
            return AuditVerification(valid: false, checked: checked, brokenAt: checked + 1,
                                     reason: "the chain ends at \(checked) but its head says \(head.seq)")
        }
        return AuditVerification(valid: true, checked: checked)
    }
}
