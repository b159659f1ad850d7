import Foundation
import RosterCore
import RosterStore

// Merges: what undo reads back, and the moves a merge makes beyond edges, tags and parties.
extension SQLTransaction {
    func insertMerge(_ merge: StoredMerge) async throws {
        let tenant = SQLValue.uuid(merge.tenantID.rawValue)
        try await conn.execute("""
            INSERT INTO merges (tenant_id, id, survivor_id, actor, created_at, undone_at, record) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [tenant, .uuid(merge.id.rawValue), .uuid(merge.survivorID.rawValue), .text(merge.actor), .date(merge.createdAt),
                  merge.undoneAt.map(SQLValue.date) ?? .null, .json(merge.record)])
        for party in Set(merge.partyIDs) {
            try await conn.execute("INSERT INTO merge_parties (tenant_id, party_id, merge_id) VALUES ($1, $2, $3)",
                                   [tenant, .uuid(party.rawValue), .uuid(merge.id.rawValue)])
        }
    }

    func merge(tenant: Tenant.ID, id: StoredMerge.ID) async throws -> StoredMerge? {
        let binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(id.rawValue)]
        guard let row = try await conn.query("""
            SELECT survivor_id, actor, created_at, undone_at, record FROM merges WHERE tenant_id = $1 AND id = $2
            """, binds).first else { return nil }
        let parties = try await conn.query("SELECT party_id FROM merge_parties WHERE tenant_id = $1 AND merge_id = $2 ORDER BY party_id",
                                           binds).map { Party.ID(try $0.uuid("party_id")) }
        return StoredMerge(id: id, tenantID: tenant, survivorID: .init(try row.uuid("survivor_id")), partyIDs: parties,
                           actor: try row.requiredString("actor"), createdAt: try row.date("created_at"),
                           undoneAt: try row.optionalDate("undone_at"), record: try row.requiredString("record"))
    }

    func markMergeUndone(tenant: Tenant.ID, id: StoredMerge.ID, at: Date) async throws -> Bool {
        try await !conn.query("""
            UPDATE merges SET undone_at = $3, record = '{}' WHERE tenant_id = $1 AND id = $2 AND undone_at IS NULL RETURNING id
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue), .date(at)]).isEmpty
    }

    func moveConsents(tenant: Tenant.ID, ids: [Consent.ID], to party: Party.ID, recompute: [Party.ID]) async throws {
        let t = SQLValue.uuid(tenant.rawValue)
        for id in ids {
            try await conn.execute("UPDATE consents SET party_id = $3 WHERE tenant_id = $1 AND id = $2",
                                   [t, .uuid(id.rawValue), .uuid(party.rawValue)])
        }
        for party in Set(recompute) {
            let p = SQLValue.uuid(party.rawValue)
            try await conn.execute("DELETE FROM consent_current WHERE tenant_id = $1 AND party_id = $2", [t, p])
            // The entry that supersedes every other of its purpose: the latest `at`, then the highest id (as appends keep it).
            try await conn.execute("""
                INSERT INTO consent_current (tenant_id, purpose, party_id, status, at, consent_id)
                SELECT c.tenant_id, c.purpose, c.party_id, c.status, c.at, c.id FROM consents c
                WHERE c.tenant_id = $1 AND c.party_id = $2 AND NOT EXISTS (
                    SELECT 1 FROM consents d WHERE d.tenant_id = c.tenant_id AND d.party_id = c.party_id AND d.purpose = c.purpose
                    AND (d.at > c.at OR (d.at = c.at AND d.id > c.id)))
                """, [t, p])
        }
    }

    func repointPartnerAccount(tenant: Tenant.ID, id: PartnerAccount.ID, partner: Party.ID, customer: Party.ID) async throws {
        try await conn.execute("""
            UPDATE partner_accounts SET partner_id = $3, customer_id = $4 WHERE tenant_id = $1 AND id = $2
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue), .uuid(partner.rawValue), .uuid(customer.rawValue)])
    }

    func deleteMerges(tenant: Tenant.ID, party: Party.ID, at: Date) async throws -> [Party.ID] {
        let binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(party.rawValue)]
        try await conn.execute("""
            DELETE FROM merges WHERE tenant_id = $1 AND id IN (SELECT merge_id FROM merge_parties WHERE tenant_id = $1 AND party_id = $2)
            """, binds)
        // Also the merges whose record names the party otherwise: at an end of an edge it moved, or of a partner account
        // (the record kept an erased party's edges, their roles and times; found by a probe). Merges are few; their
        // records hold ids as JSON writes a UUID.
        try await conn.execute("DELETE FROM merges WHERE tenant_id = $1 AND CAST(record AS TEXT) LIKE $2",
                               [.uuid(tenant.rawValue), .text("%" + party.rawValue.uuidString + "%")])
        return try await conn.query("""
            UPDATE parties SET state = 'deleted', merged_into = NULL, version = version + 1, updated_at = $3
            WHERE tenant_id = $1 AND merged_into = $2 RETURNING id
            """, binds + [.date(at)]).map { Party.ID(try $0.uuid("id")) }
    }
}
