import Foundation
import RosterCore
import RosterStore

// What an erasure removes beyond the cascades.
extension SQLTransaction {
    func lockPartyForErasure(tenant: Tenant.ID, id: Party.ID) async throws -> Bool {
        try await !conn.query("SELECT id FROM parties WHERE tenant_id = $1 AND id = $2\(forUpdate)",
                              [.uuid(tenant.rawValue), .uuid(id.rawValue)]).isEmpty
    }

    /// PostgreSQL: a key-share lock on the parties a new row is about to refer to, taken before the row exists. An
    /// erasure holding a party's row then makes the writer wait here, with nothing inserted yet, and find the party
    /// gone (404). Left to the foreign key, the check would run after the insert, and the erasure's own check of the
    /// referring table would wait for that uncommitted row while it waits for the erasure: a deadlock.
    func lockReferencedParties(tenant: Tenant.ID, _ ids: [Party.ID]) async throws {
        guard let found = try await lockParties(tenant: tenant, ids) else { return }
        guard found == Set(ids).count else { throw SQLError.missingReference }
    }

    func lockPartiesForReference(tenant: Tenant.ID, _ ids: [Party.ID]) async throws {
        _ = try await lockParties(tenant: tenant, ids)
    }

    /// The key-share locks; how many of the parties exist (nil on SQLite, which takes none). A party this transaction
    /// locked already (an edge's service locks its ends, then its insert does) is not asked for again: one round trip an
    /// edge on PostgreSQL. Remembered with the advisory locks, so that a savepoint rolled back forgets them too.
    private func lockParties(tenant: Tenant.ID, _ ids: [Party.ID]) async throws -> Int? {
        guard dialect == .postgres, !ids.isEmpty else { return nil }
        func name(_ id: Party.ID) -> String { "party:\(id.rawValue.uuidString.lowercased())" }
        let unique = Set(ids)
        let held = advisoryLocks.held
        let wanted = unique.filter { !held.contains(name($0)) }.sorted()
        guard !wanted.isEmpty else { return unique.count }
        let placeholders = wanted.indices.map { "$\($0 + 2)" }.joined(separator: ", ")
        let found = try await conn.query("SELECT id FROM parties WHERE tenant_id = $1 AND id IN (\(placeholders)) ORDER BY id FOR KEY SHARE",
                                         [.uuid(tenant.rawValue)] + wanted.map { .uuid($0.rawValue) })
        for row in found { _ = advisoryLocks.insert(name(Party.ID(try row.uuid("id")))) }
        return unique.count - wanted.count + found.count
    }

    func deleteErasedParty(tenant: Tenant.ID, id: Party.ID) async throws {
        // Deleted roles scoped to it go with it (live ones block the erasure), and their grants' history.
        try await conn.execute("""
            DELETE FROM role_grant_history WHERE tenant_id = $1
              AND role_id IN (SELECT id FROM roles WHERE tenant_id = $1 AND organization_id = $2 AND deleted_at IS NOT NULL)
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue)])
        try await conn.execute("DELETE FROM roles WHERE tenant_id = $1 AND organization_id = $2 AND deleted_at IS NOT NULL",
                               [.uuid(tenant.rawValue), .uuid(id.rawValue)])
        try await conn.execute("DELETE FROM parties WHERE tenant_id = $1 AND id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
        // The access log's changes that name it (an edge's ends, its role and window): kept for other processes to catch
        // up, they outlived the erasure (until the server's hourly prune; for good without a server; found by a probe).
        // A process behind them finds the gap and loads the graph whole; the erasure's own edge removals come after.
        let text = id.rawValue.uuidString
        try await conn.execute("DELETE FROM access_changes WHERE tenant_id = $1 AND (change LIKE $2 OR change LIKE $3)",
                               [.uuid(tenant.rawValue), .text("%\(text.uppercased())%"), .text("%\(text.lowercased())%")])
    }

    func deletePartnerAccounts(tenant: Tenant.ID, party: Party.ID) async throws -> Int {
        try await conn.execute("DELETE FROM partner_account_history WHERE tenant_id = $1 AND (partner_id = $2 OR customer_id = $2)",
                               [.uuid(tenant.rawValue), .uuid(party.rawValue)])
        return try await conn.query("DELETE FROM partner_accounts WHERE tenant_id = $1 AND (partner_id = $2 OR customer_id = $2) RETURNING id",
                                    [.uuid(tenant.rawValue), .uuid(party.rawValue)]).count
    }

    func deleteRelationshipHistory(tenant: Tenant.ID, party: Party.ID) async throws {
        try await conn.execute("DELETE FROM relationship_history WHERE tenant_id = $1 AND (parent_id = $2 OR child_id = $2)",
                               [.uuid(tenant.rawValue), .uuid(party.rawValue)])
    }

    func deleteErasedUser(tenant: Tenant.ID, id: User.ID) async throws {
        try await conn.execute("DELETE FROM role_grant_history WHERE tenant_id = $1 AND user_id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
        try await conn.execute("DELETE FROM users WHERE tenant_id = $1 AND id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
    }

    func roles(tenant: Tenant.ID, scopedTo organization: Party.ID) async throws -> [AccessRole] {
        try await conn.query("""
            SELECT \(Self.roleColumns) FROM roles r WHERE r.tenant_id = $1 AND r.organization_id = $2 AND r.deleted_at IS NULL ORDER BY r.name_key
            """,
                             [.uuid(tenant.rawValue), .uuid(organization.rawValue)]).map(makeRole)
    }

    func deletedSince(tenant: Tenant.ID, id: Party.ID) async throws -> Date? {
        guard let row = try await conn.query("""
            SELECT (SELECT MAX(h.at) FROM party_state_history h WHERE h.tenant_id = p.tenant_id AND h.party_id = p.id AND h.to_state = 'deleted') AS since
            FROM parties p WHERE p.tenant_id = $1 AND p.id = $2 AND p.state = 'deleted'
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue)]).first, row["since"] != .null else { return nil }
        return try row.date("since")
    }

    func partiesDeleted(tenant: Tenant.ID, before cutoff: Date, after: Party.ID?, limit: Int) async throws -> [Party.ID] {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .date(cutoff), .int(Int64(limit))]
        var sql = """
            SELECT p.id FROM parties p WHERE p.tenant_id = $1 AND p.state = 'deleted'
            AND (SELECT MAX(h.at) FROM party_state_history h WHERE h.tenant_id = p.tenant_id AND h.party_id = p.id AND h.to_state = 'deleted') <= $2
            """
        if let after {
            binds.append(.uuid(after.rawValue))
            sql += " AND p.id > $4"
        }
        sql += " ORDER BY p.id LIMIT $3"
        return try await conn.query(sql, binds).map { Party.ID(try $0.uuid("id")) }
    }

    func importProgress(tenant: Tenant.ID, digest: String) async throws -> ImportProgress? {
        try await conn.query("SELECT rows_done, refused FROM import_progress WHERE tenant_id = $1 AND digest = $2",
                             [.uuid(tenant.rawValue), .text(digest)]).first.map {
            ImportProgress(rows: Int($0.int("rows_done") ?? 0), refused: Int($0.int("refused") ?? 0))
        }
    }

    func advanceImportProgress(tenant: Tenant.ID, digest: String, from: ImportProgress, to: ImportProgress, fromStart reset: Bool,
                               at: Date) async throws -> Bool {
        let binds: [SQLValue] = [.uuid(tenant.rawValue), .text(digest), .int(Int64(to.rows)), .int(Int64(to.refused)), .date(at)]
        if reset {
            try await conn.execute("""
                INSERT INTO import_progress (tenant_id, digest, rows_done, refused, updated_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (tenant_id, digest) DO UPDATE SET rows_done = excluded.rows_done, refused = excluded.refused,
                updated_at = excluded.updated_at
                """, binds)
            return true
        }
        if from.rows == 0 {
            return try await !conn.query("""
                INSERT INTO import_progress (tenant_id, digest, rows_done, refused, updated_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (tenant_id, digest) DO NOTHING RETURNING rows_done
                """, binds).isEmpty
        }
        return try await !conn.query("""
            UPDATE import_progress SET rows_done = $3, refused = $4, updated_at = $5
            WHERE tenant_id = $1 AND digest = $2 AND rows_done = $6 RETURNING rows_done
            """, binds + [.int(Int64(from.rows))]).isEmpty
    }

    func liveOrganizations(tenant: Tenant.ID, named name: String) async throws -> [Party] {
        // The name key (`Text.searchKey`) finds them by index; the exact name decides.
        try await withTags(conn.query("""
            SELECT \(Self.partyColumns) FROM parties WHERE tenant_id = $1 AND name_key = $2 AND kind = 'organization' AND state NOT IN ('deleted', 'merged')
            """, [.uuid(tenant.rawValue), .text(Text.searchKey(name))]).map(makeParty)).filter { $0.name == name }
    }

    func liveOrganizations(tenant: Tenant.ID, named names: Set<String>) async throws -> [Party] {
        let keys = Array(Set(names.map(Text.searchKey)))
        var found: [Party] = []
        // A fixed number of keys a statement (the rest NULL, which matches nothing): one statement text.
        let size = Self.rowsPerInsert
        let list = (2...size + 1).map { "$\($0)" }.joined(separator: ", ")
        for start in stride(from: 0, to: keys.count, by: size) {
            let chunk = keys[start..<min(start + size, keys.count)]
            found += try await conn.query("""
                SELECT \(Self.partyColumns) FROM parties
                WHERE tenant_id = $1 AND name_key IN (\(list)) AND kind = 'organization' AND state NOT IN ('deleted', 'merged')
                """, [.uuid(tenant.rawValue)] + chunk.map(SQLValue.text) + Array(repeating: .null, count: size - chunk.count)).map(makeParty)
        }
        return try await withTags(found)
    }

    func liveOrganizationNames(tenant: Tenant.ID) async throws -> [(id: Party.ID, name: String)] {
        // From the organizations' partial index (SQLite 3.54 is told, as for the duplicate finder).
        let table = dialect == .sqlite ? "parties INDEXED BY parties_organization_name" : "parties"
        return try await conn.query("""
            SELECT id, name FROM \(table) WHERE tenant_id = $1 AND kind = 'organization' AND state NOT IN ('deleted', 'merged')
            AND name IS NOT NULL
            """, [.uuid(tenant.rawValue)]).map { row in (Party.ID(try row.uuid("id")), row.string("name") ?? "") }
    }

    func relationshipTypes(tenant: Tenant.ID) async throws -> [String] {
        try await conn.query("SELECT DISTINCT type FROM relationships WHERE tenant_id = $1", [.uuid(tenant.rawValue)]).compactMap { $0.string("type") }
    }

    func deleteIdempotencyKeys(tenant: Tenant.ID, keeping requestHash: String?) async throws {
        if let requestHash {
            try await conn.execute("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND request_hash <> $2",
                                   [.uuid(tenant.rawValue), .text(requestHash)])
        } else {
            try await conn.execute("DELETE FROM idempotency_keys WHERE tenant_id = $1", [.uuid(tenant.rawValue)])
        }
    }
}
