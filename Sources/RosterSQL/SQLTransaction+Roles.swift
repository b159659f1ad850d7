import Foundation
import RosterCore
import RosterStore

extension SQLTransaction {
    func insertRole(_ r: AccessRole) async throws {
        try await conn.execute("""
            INSERT INTO roles (tenant_id, id, name, name_key, policies, organization_id, relationship_type, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [.uuid(r.tenantID.rawValue), .uuid(r.id.rawValue), .text(r.name), .text(r.name.lowercased()),
                  .json(try JSONText.encode(r.policies)), r.organizationID.map { .uuid($0.rawValue) } ?? .null,
                  r.relationshipType.map(SQLValue.text) ?? .null, .date(r.createdAt)])
    }

    static let roleColumns = "r.tenant_id, r.id, r.name, r.policies, r.organization_id, r.relationship_type, r.created_at"

    func role(tenant: Tenant.ID, id: AccessRole.ID) async throws -> AccessRole? {
        try await conn.query("SELECT \(Self.roleColumns) FROM roles r WHERE r.tenant_id = $1 AND r.id = $2",
                             [.uuid(tenant.rawValue), .uuid(id.rawValue)]).first.map(makeRole)
    }

    func roles(tenant: Tenant.ID) async throws -> [AccessRole] {
        try await conn.query("SELECT \(Self.roleColumns) FROM roles r WHERE r.tenant_id = $1 ORDER BY r.name_key",
                             [.uuid(tenant.rawValue)]).map(makeRole)
    }

    func grantRole(tenant: Tenant.ID, user: User.ID, role: AccessRole.ID) async throws -> Bool {
        try await !conn.query("""
            INSERT INTO user_roles (tenant_id, user_id, role_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING role_id
            """, [.uuid(tenant.rawValue), .uuid(user.rawValue), .uuid(role.rawValue)]).isEmpty
    }

    func revokeRole(tenant: Tenant.ID, user: User.ID, role: AccessRole.ID) async throws -> Bool {
        try await !conn.query("DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2 AND role_id = $3 RETURNING role_id",
                              [.uuid(tenant.rawValue), .uuid(user.rawValue), .uuid(role.rawValue)]).isEmpty
    }

    func roles(tenant: Tenant.ID, user: User.ID) async throws -> [AccessRole] {
        try await conn.query("""
            SELECT \(Self.roleColumns) FROM user_roles ur CROSS JOIN roles r
            WHERE ur.tenant_id = $1 AND ur.user_id = $2 AND r.tenant_id = ur.tenant_id AND r.id = ur.role_id ORDER BY r.name_key
            """, [.uuid(tenant.rawValue), .uuid(user.rawValue)]).map(makeRole)
    }

    func parties(tenant: Tenant.ID, within roots: [Party.ID], type: String?, after: Party.ID?, limit: Int) async throws -> [Party] {
        guard !roots.isEmpty else { return [] }
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .int(Int64(limit))]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let rootList = roots.map { bind(.uuid($0.rawValue)) }.joined(separator: ", ")
        let afterFilter = after.map { " AND p.id > \(bind(.uuid($0.rawValue)))" } ?? ""
        let below: String
        if let type {
            below = """
                EXISTS (SELECT 1 FROM party_closure c WHERE c.tenant_id = p.tenant_id AND c.type = \(bind(.text(type)))
                        AND c.descendant_id = p.id AND c.ancestor_id IN (\(rootList)))
                """
        } else {
            below = "p.id IN (SELECT id FROM walk)"
        }
        let walk = type == nil ? """
            WITH RECURSIVE walk(id, depth) AS (
                SELECT r.child_id, 1 FROM relationships r WHERE r.tenant_id = $1 AND r.parent_id IN (\(rootList))
                UNION
                SELECT r.child_id, w.depth + 1 FROM walk w CROSS JOIN relationships r
                WHERE r.parent_id = w.id AND r.tenant_id = $1 AND w.depth < \(Self.maxDepth)
            )
            """ : ""
        return try await withTags(conn.query("""
            \(walk)
            SELECT \(Self.prefixedPartyColumns) FROM parties p
            WHERE p.tenant_id = $1 AND p.state <> 'deleted' AND (p.id IN (\(rootList)) OR \(below))\(afterFilter)
            ORDER BY p.id LIMIT $2
            """, binds).map(makeParty))
    }

    private func makeRole(_ row: SQLRow) throws -> AccessRole {
        AccessRole(id: .init(try row.uuid("id")), tenantID: .init(try row.uuid("tenant_id")), name: try row.requiredString("name"),
                   policies: try JSONText.decode([String].self, row.string("policies")) ?? [],
                   organizationID: try row.optionalUUID("organization_id").map(Party.ID.init),
                   relationshipType: row.string("relationship_type"), createdAt: try row.date("created_at"))
    }
}
