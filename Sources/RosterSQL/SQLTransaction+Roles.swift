import Foundation
import RosterCore
import RosterStore

extension SQLTransaction {
    func insertRole(_ r: AccessRole) async throws {
        try await lockReferencedParties(tenant: r.tenantID, r.organizationID.map { [$0] } ?? [])
        try await conn.execute("""
            INSERT INTO roles (tenant_id, id, name, name_key, policies, organization_id, relationship_type, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [.uuid(r.tenantID.rawValue), .uuid(r.id.rawValue), .text(r.name), .text(r.name.lowercased()),
                  .json(try JSONText.encode(r.policies)), r.organizationID.map { .uuid($0.rawValue) } ?? .null,
                  r.relationshipType.map(SQLValue.text) ?? .null, .date(r.createdAt)])
        try await recordAccessChange(tenant: r.tenantID, .roleAdded(r))
    }

    static let roleColumns = "r.tenant_id, r.id, r.name, r.policies, r.organization_id, r.relationship_type, r.created_at"

    func role(tenant: Tenant.ID, id: AccessRole.ID) async throws -> AccessRole? {
        try await conn.query("SELECT \(Self.roleColumns) FROM roles r WHERE r.tenant_id = $1 AND r.id = $2 AND r.deleted_at IS NULL",
                             [.uuid(tenant.rawValue), .uuid(id.rawValue)]).first.map(makeRole)
    }

    func lockedRole(tenant: Tenant.ID, id: AccessRole.ID) async throws -> AccessRole? {
        try await conn.query("""
            SELECT \(Self.roleColumns) FROM roles r WHERE r.tenant_id = $1 AND r.id = $2 AND r.deleted_at IS NULL\(dialect == .postgres ? " FOR SHARE" : "")
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue)]).first.map(makeRole)
    }

    func roles(tenant: Tenant.ID) async throws -> [AccessRole] {
        try await conn.query("SELECT \(Self.roleColumns) FROM roles r WHERE r.tenant_id = $1 AND r.deleted_at IS NULL ORDER BY r.name_key",
                             [.uuid(tenant.rawValue)]).map(makeRole)
    }

    func deleteRole(tenant: Tenant.ID, id: AccessRole.ID) async throws -> Bool {
        let now = Date.rosterNow
        // Its name is free again: the deleted row keeps it, under a key no live role can have (names hold no control character).
        guard try await !conn.query("""
            UPDATE roles SET deleted_at = $3, name_key = $4 WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue), .date(now), .text("\u{1}deleted \(id)")]).isEmpty else { return false }
        try await conn.execute("DELETE FROM user_roles WHERE tenant_id = $1 AND role_id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
        try await conn.execute("""
            UPDATE role_grant_history SET revoked_at = $3 WHERE tenant_id = $1 AND role_id = $2 AND revoked_at IS NULL
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue), .date(now)])
        try await recordAccessChange(tenant: tenant, .roleRemoved(id))
        return true
    }

    func grantRole(tenant: Tenant.ID, user: User.ID, role: AccessRole.ID, window: ValidityWindow) async throws -> Bool {
        let binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(user.rawValue), .uuid(role.rawValue),
                                 window.validFrom.map(SQLValue.date) ?? .null, window.validTo.map(SQLValue.date) ?? .null]
        // A new grant, or a new window for one held: a row comes back; the same window again changes nothing.
        let differs = dialect == .postgres ? "IS DISTINCT FROM" : "IS NOT"
        let changed = try await !conn.query("""
            INSERT INTO user_roles (tenant_id, user_id, role_id, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tenant_id, user_id, role_id) DO UPDATE SET valid_from = excluded.valid_from, valid_to = excluded.valid_to
            WHERE user_roles.valid_from \(differs) excluded.valid_from OR user_roles.valid_to \(differs) excluded.valid_to
            RETURNING role_id
            """, binds).isEmpty
        if changed {
            // The history keeps each grant with the window it had: a new window closes the row of the old one.
            let now = Date.rosterNow
            try await conn.execute("""
                UPDATE role_grant_history SET revoked_at = $4 WHERE tenant_id = $1 AND user_id = $2 AND role_id = $3 AND revoked_at IS NULL
                """, [.uuid(tenant.rawValue), .uuid(user.rawValue), .uuid(role.rawValue), .date(now)])
            try await conn.execute("""
                INSERT INTO role_grant_history (tenant_id, user_id, role_id, granted_at, valid_from, valid_to) VALUES ($1, $2, $3, $6, $4, $5)
                ON CONFLICT (tenant_id, user_id, role_id, granted_at) DO UPDATE
                SET revoked_at = NULL, valid_from = excluded.valid_from, valid_to = excluded.valid_to
                """, binds + [.date(now)])
            try await recordAccessChange(tenant: tenant, .granted(user: user, role: role, validFrom: window.validFrom, validTo: window.validTo))
        }
        return changed
    }

    func revokeRole(tenant: Tenant.ID, user: User.ID, role: AccessRole.ID) async throws -> Bool {
        let revoked = try await !conn.query("DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2 AND role_id = $3 RETURNING role_id",
                                            [.uuid(tenant.rawValue), .uuid(user.rawValue), .uuid(role.rawValue)]).isEmpty
        if revoked {
            try await conn.execute("""
                UPDATE role_grant_history SET revoked_at = $4 WHERE tenant_id = $1 AND user_id = $2 AND role_id = $3 AND revoked_at IS NULL
                """, [.uuid(tenant.rawValue), .uuid(user.rawValue), .uuid(role.rawValue), .date(Date.rosterNow)])
            try await recordAccessChange(tenant: tenant, .revoked(user: user, role: role))
        }
        return revoked
    }

    func grants(tenant: Tenant.ID, user: User.ID) async throws -> [RoleGrant] {
        try await conn.query("""
            SELECT \(Self.roleColumns), ur.valid_from, ur.valid_to FROM user_roles ur CROSS JOIN roles r
            WHERE ur.tenant_id = $1 AND ur.user_id = $2 AND r.tenant_id = ur.tenant_id AND r.id = ur.role_id ORDER BY r.name_key
            """, [.uuid(tenant.rawValue), .uuid(user.rawValue)]).map { row in
            RoleGrant(role: try makeRole(row), window: ValidityWindow(validFrom: try row.optionalDate("valid_from"),
                                                                        validTo: try row.optionalDate("valid_to")))
        }
    }

    func visibleParties(tenant: Tenant.ID, among ids: [Party.ID], within subtrees: [Subtree], at: Date) async throws -> Set<Party.ID> {
        guard !ids.isEmpty, !subtrees.isEmpty else { return [] }
        var binds: [SQLValue] = [.uuid(tenant.rawValue)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let idList = ids.map { bind(.uuid($0.rawValue)) }.joined(separator: ", ")
        let condition = Self.scopeCondition(subtrees, party: "p.id", at: at, asOf: nil, bind: bind)
        let rows = try await conn.query("SELECT p.id FROM parties p WHERE p.tenant_id = $1 AND p.id IN (\(idList)) AND \(condition)", binds)
        return Set(try rows.map { Party.ID(try $0.uuid("id")) })
    }

    /// A condition, true when `party` is one of the subtrees' organizations or below one over edges in force at `at`.
    /// `$1` must be the tenant. Typed subtrees use the closure table while no edge of their type has a window, and
    /// otherwise a bounded walk over the edges in force (the closure table holds every edge, in force or not);
    /// untyped ones always walk, over every type. Self-contained subqueries, so that the condition can go into any WHERE.
    /// With `asOf`, over the edges as recorded at that instant (their history, never the closure table).
    static func scopeCondition(_ subtrees: [Subtree], party: String, at: Date, asOf: Date?, bind: (SQLValue) -> String) -> String {
        guard !subtrees.isEmpty else { return "1 = 0" }
        let roots = subtrees.map { bind(.uuid($0.organizationID.rawValue)) }
        var clauses = ["\(party) IN (\(roots.joined(separator: ", ")))"]
        var byType: [String: [String]] = [:]
        var untyped: [String] = []
        for (subtree, root) in zip(subtrees, roots) {
            if let type = subtree.relationshipType { byType[type, default: []].append(root) } else { untyped.append(root) }
        }
        let atParam = bind(.date(at))
        let source = edges("r", asOf: asOf.map { bind(.date($0)) })
        func walk(from roots: [String], type: String?) -> String {
            let typeFilter = (type.map { " AND r.type = \($0)" } ?? "") + source.recorded
            return """
                \(party) IN (WITH RECURSIVE scope_walk(id, depth) AS (
                    SELECT r.child_id, 1 FROM \(source.table) r WHERE r.tenant_id = $1 AND r.parent_id IN (\(roots.joined(separator: ", ")))\(typeFilter)
                      AND \(inForce("r", at: atParam))
                    UNION
                    SELECT r.child_id, w.depth + 1 FROM scope_walk w CROSS JOIN \(source.table) r
                    WHERE r.parent_id = w.id AND r.tenant_id = $1\(typeFilter) AND w.depth < \(Self.maxDepth) AND \(inForce("r", at: atParam))
                ) SELECT id FROM scope_walk)
                """
        }
        for (type, typeRoots) in byType.sorted(by: { $0.key < $1.key }) {
            let typeParam = bind(.text(type))
            if asOf != nil {
                clauses.append(walk(from: typeRoots, type: typeParam))
                continue
            }
            clauses.append("""
                (NOT EXISTS (\(windowedEdges(type: typeParam)))
                 AND EXISTS (SELECT 1 FROM party_closure c WHERE c.tenant_id = $1 AND c.type = \(typeParam)
                             AND c.descendant_id = \(party) AND c.ancestor_id IN (\(typeRoots.joined(separator: ", ")))
                             AND c.depth <= \(Self.maxDepth)))
                OR (EXISTS (\(windowedEdges(type: typeParam))) AND \(walk(from: typeRoots, type: typeParam)))
                """)
        }
        if !untyped.isEmpty { clauses.append(walk(from: untyped, type: nil)) }
        return "(" + clauses.joined(separator: " OR ") + ")"
    }

    func makeRole(_ row: SQLRow) throws -> AccessRole {
        AccessRole(id: .init(try row.uuid("id")), tenantID: .init(try row.uuid("tenant_id")), name: try row.requiredString("name"),
                   policies: try JSONText.decode([String].self, row.string("policies")) ?? [],
                   organizationID: try row.optionalUUID("organization_id").map(Party.ID.init),
                   relationshipType: row.string("relationship_type"), createdAt: try row.date("created_at"))
    }
}
