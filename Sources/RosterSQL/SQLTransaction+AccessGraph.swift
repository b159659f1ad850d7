import Foundation
import RosterCore
import RosterStore

// The access versions, the recorded changes, and the graphs built from them (see `AccessIndex`).
extension SQLTransaction {
    func accessGraph(for tenant: Tenant) async throws -> AccessIndex.TenantGraph {
        try await index.graph(for: tenant, changes: { after in try await accessChanges(tenant: tenant.id, after: after) },
                              snapshot: { try await accessSnapshot(tenant: tenant.id) })
    }

    func pruneAccessChanges(before: Date) async throws {
        try await conn.execute("DELETE FROM access_changes WHERE at < $1", [.date(before)])
    }

    /// Bumps the tenant's access version and records the change that made it, in this transaction. On PostgreSQL the
    /// tenant's row stays locked until the end of the transaction, so versions follow commit order per tenant.
    func recordAccessChange(tenant: Tenant.ID, _ change: AccessChange) async throws {
        let rows = try await conn.query("UPDATE tenants SET access_version = access_version + 1 WHERE id = $1 RETURNING access_version",
                                        [.uuid(tenant.rawValue)])
        guard let version = rows.first?.int("access_version") else { throw SQLError.unavailable("no tenant \(tenant) to version") }
        try await conn.execute("INSERT INTO access_changes (tenant_id, version, change, at) VALUES ($1, $2, $3, $4)",
                               [.uuid(tenant.rawValue), .int(version), .text(try AccessChangeCoding.encode(change)), .date(Date.rosterNow)])
    }

    /// Several changes in order, with consecutive versions: one version update and one multi-row insert.
    func recordAccessChanges(tenant: Tenant.ID, _ changes: [AccessChange]) async throws {
        guard !changes.isEmpty else { return }
        let rows = try await conn.query("UPDATE tenants SET access_version = access_version + $2 WHERE id = $1 RETURNING access_version",
                                        [.uuid(tenant.rawValue), .int(Int64(changes.count))])
        guard let last = rows.first?.int("access_version") else { throw SQLError.unavailable("no tenant \(tenant) to version") }
        let first = last - Int64(changes.count) + 1
        let now = SQLValue.date(Date.rosterNow)
        try await insertRows("access_changes", "tenant_id, version, change, at", width: 4, try changes.enumerated().map { offset, change in
            [.uuid(tenant.rawValue), .int(first + Int64(offset)), .text(try AccessChangeCoding.encode(change)), now]
        })
    }

    /// The changes after `version`, in order; nil when some are no longer kept.
    func accessChanges(tenant: Tenant.ID, after version: Int64) async throws -> [(version: Int64, change: AccessChange)]? {
        let rows = try await conn.query("""
            SELECT version, change FROM access_changes WHERE tenant_id = $1 AND version > $2 ORDER BY version
            """, [.uuid(tenant.rawValue), .int(version)])
        var changes: [(version: Int64, change: AccessChange)] = []
        changes.reserveCapacity(rows.count)
        for row in rows {
            let next = row.int("version") ?? 0
            guard next == (changes.last?.version ?? version) + 1 else { return nil }
            changes.append((next, try AccessChangeCoding.decode(try row.requiredString("change"))))
        }
        return changes
    }

    /// The whole graph. The version is read first: under READ COMMITTED the rest may already hold later changes,
    /// never earlier ones, and replaying a change the graph already holds changes nothing.
    func accessSnapshot(tenant: Tenant.ID) async throws -> AccessGraph {
        let version = try await conn.query("SELECT access_version FROM tenants WHERE id = $1", [.uuid(tenant.rawValue)])
            .first?.int("access_version") ?? 0
        let edges = try await conn.query("SELECT \(Self.relationshipColumns) FROM relationships WHERE tenant_id = $1",
                                         [.uuid(tenant.rawValue)]).map(makeRelationship)
        let roles = try await roles(tenant: tenant)
        let grants = try await conn.query("SELECT user_id, role_id, valid_from, valid_to FROM user_roles WHERE tenant_id = $1",
                                          [.uuid(tenant.rawValue)])
            .map { row in
                (user: User.ID(try row.uuid("user_id")), role: AccessRole.ID(try row.uuid("role_id")),
                 window: ValidityWindow(validFrom: try row.optionalDate("valid_from"), validTo: try row.optionalDate("valid_to")))
            }
        return AccessGraph(version: version, edges: edges, roles: roles, grants: grants)
    }
}

extension SQLTransaction {
    func accessGraph(tenant: Tenant.ID, user: User.ID, above parties: [Party.ID], asOf: Date) async throws -> AccessGraph {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .date(asOf)]
        let starts = parties.map { party -> String in
            binds.append(.uuid(party.rawValue))
            return "$\(binds.count)"
        }.joined(separator: ", ")
        let source = Self.edges("r", asOf: "$2")
        var edges: [Relationship] = []
        if !parties.isEmpty {
            // Every edge recorded then on the way up, whatever its type and window: the parties above, each once (UNION
            // keeps each once; the in-memory walk bounds the depth), then the edges below them. A walk that carried its
            // depth kept a party once for each length of path to it: on a graph of many parents, 2,340 edges took 3.5 s
            // (found by a probe); this one is as long as the edges above. The edges are read by their child, one index
            // range each (an OR of the starts and the parties above read every edge of the tenant's history on SQLite).
            edges = try await conn.query("""
                WITH RECURSIVE up(party) AS (
                    SELECT r.parent_id FROM \(source.table) r WHERE r.tenant_id = $1 AND r.child_id IN (\(starts))\(source.recorded)
                    UNION
                    SELECT r.parent_id FROM up u CROSS JOIN \(source.table) r
                    WHERE r.tenant_id = $1 AND r.child_id = u.party\(source.recorded)
                )
                SELECT \(Self.relationshipColumns) FROM \(source.table) r
                WHERE r.tenant_id = $1 AND r.child_id IN (SELECT party FROM up UNION SELECT \(starts.replacingOccurrences(of: ", ", with: " UNION SELECT ")))\(source.recorded)
                """, binds).map(makeRelationship)
        }
        let roles = try await conn.query("""
            SELECT \(Self.roleColumns) FROM roles r WHERE r.tenant_id = $1 AND r.created_at <= $2 AND (r.deleted_at IS NULL OR r.deleted_at > $2)
            """,
                                         [.uuid(tenant.rawValue), .date(asOf)]).map(makeRole)
        // The grants held then, with the window each had then.
        let grants = try await conn.query("""
            SELECT role_id, valid_from, valid_to FROM role_grant_history
            WHERE tenant_id = $1 AND user_id = $3 AND granted_at <= $2 AND (revoked_at IS NULL OR revoked_at > $2)
            """, [.uuid(tenant.rawValue), .date(asOf), .uuid(user.rawValue)])
            .map { row in
                (user: user, role: AccessRole.ID(try row.uuid("role_id")),
                 window: ValidityWindow(validFrom: try row.optionalDate("valid_from"), validTo: try row.optionalDate("valid_to")))
            }
        return AccessGraph(version: 0, edges: edges, roles: roles, grants: grants)
    }
}

/// JSON for recorded changes, with dates as whole microseconds (what both stores keep), so that a replayed edge's
/// window equals the stored one exactly.
enum AccessChangeCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.microsecondsSince1970)
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            Date(timeIntervalSince1970: Double(try decoder.singleValueContainer().decode(Int64.self)) / 1_000_000)
        }
        return decoder
    }()

    static func encode(_ change: AccessChange) throws -> String {
        String(decoding: try encoder.encode(change), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> AccessChange {
        try decoder.decode(AccessChange.self, from: Data(text.utf8))
    }
}
