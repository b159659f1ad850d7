import Foundation
import RosterCore
import RosterStore

// Users, segments and API keys. Segment rules become SQL over lower-cased key columns written by
// Swift (`Segment.fold`), so that the database and `Segment.contains` fold case the same way.
extension SQLTransaction {
    static let userColumns = """
        tenant_id, id, email, sso_issuer, sso_subject, employee_id, display_name, designation, department, role, is_active, \
        party_id, created_at, updated_at, version
        """

    func insertUser(_ u: User) async throws {
        try await lockReferencedParties(tenant: u.tenantID, u.partyID.map { [$0] } ?? [])
        try await conn.execute("""
            INSERT INTO users (tenant_id, id, email, sso_issuer, sso_subject, employee_id, display_name, designation, department, role,
                is_active, party_id, created_at, updated_at, version, email_key, employee_key, display_key, designation_key, department_key,
                email_fold)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            """, userBinds(u))
    }

    func updateUser(_ u: User, expectedVersion: Int) async throws -> Bool {
        try await lockReferencedParties(tenant: u.tenantID, u.partyID.map { [$0] } ?? [])
        var binds = userBinds(u)
        binds.append(.int(Int64(expectedVersion)))
        return try await !conn.query("""
            UPDATE users SET email = $3, sso_issuer = $4, sso_subject = $5, employee_id = $6, display_name = $7, designation = $8,
                department = $9, role = $10, is_active = $11, party_id = $12, created_at = $13, updated_at = $14, version = $15,
                email_key = $16, employee_key = $17, display_key = $18, designation_key = $19, department_key = $20, email_fold = $21
            WHERE tenant_id = $1 AND id = $2 AND version = $22
            RETURNING id
            """, binds).isEmpty
    }

    private func userBinds(_ u: User) -> [SQLValue] {
        func text(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
        func key(_ s: String?) -> SQLValue { s.map { .text(Segment.fold($0)) } ?? .null }
        return [
            .uuid(u.tenantID.rawValue), .uuid(u.id.rawValue), text(u.email?.value), text(u.ssoIssuer), text(u.ssoSubject),
            text(u.employeeID), text(u.displayName), text(u.designation), text(u.department), .text(u.role.rawValue), .bool(u.isActive),
            u.partyID.map { .uuid($0.rawValue) } ?? .null, .date(u.createdAt), .date(u.updatedAt), .int(Int64(u.version)),
            text(u.email?.normalized), key(u.employeeID), key(u.displayName), key(u.designation), key(u.department), key(u.email?.value),
        ]
    }

    func user(tenant: Tenant.ID, id: User.ID) async throws -> User? {
        try await conn.query("SELECT \(Self.userColumns) FROM users WHERE tenant_id = $1 AND id = $2",
                             [.uuid(tenant.rawValue), .uuid(id.rawValue)]).first.map(makeUser)
    }

    func user(tenant: Tenant.ID, emailNormalized: String) async throws -> User? {
        try await conn.query("SELECT \(Self.userColumns) FROM users WHERE tenant_id = $1 AND email_key = $2",
                             [.uuid(tenant.rawValue), .text(emailNormalized)]).first.map(makeUser)
    }

    func user(tenant: Tenant.ID, issuer: String, subject: String) async throws -> User? {
        try await conn.query("SELECT \(Self.userColumns) FROM users WHERE tenant_id = $1 AND sso_issuer = $2 AND sso_subject = $3",
                             [.uuid(tenant.rawValue), .text(issuer), .text(subject)]).first.map(makeUser)
    }

    func user(tenant: Tenant.ID, party: Party.ID) async throws -> User? {
        try await conn.query("SELECT \(Self.userColumns) FROM users WHERE tenant_id = $1 AND party_id = $2",
                             [.uuid(tenant.rawValue), .uuid(party.rawValue)]).first.map(makeUser)
    }

    func users(tenant: Tenant.ID, query: UserQuery) async throws -> [User] {
        var sql = "SELECT \(Self.userColumns) FROM users WHERE tenant_id = $1"
        var binds: [SQLValue] = [.uuid(tenant.rawValue)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let role = query.role { sql += " AND role = \(bind(.text(role.rawValue)))" }
        if let active = query.isActive { sql += " AND is_active = \(bind(.bool(active)))" }
        if let text = query.text, !text.isEmpty {
            let pattern = bind(.text(Self.likePrefix(Segment.fold(text))))
            sql += " AND (email_fold LIKE \(pattern) ESCAPE '\\' OR display_key LIKE \(pattern) ESCAPE '\\' OR employee_key LIKE \(pattern) ESCAPE '\\')"
        }
        if let segment = query.segment {
            let clauses = segment.rules.map { rule -> String in
                let value = rule.comparedValue
                if rule.caseSensitive {
                    // The stored text itself. Not LIKE, which SQLite compares without case for ASCII.
                    let column = Self.textColumn(rule.field)
                    switch rule.op {
                    case .prefix:
                        return "substr(\(column), 1, CAST(\(bind(.int(Int64(value.unicodeScalars.count)))) AS INTEGER)) = \(bind(.text(value)))"
                    case .contains:
                        let find = dialect == .postgres ? "strpos" : "instr"
                        return "\(find)(\(column), \(bind(.text(value)))) > 0"
                    case .equals: return "\(column) = \(bind(.text(value)))"
                    }
                }
                let column = Self.keyColumn(rule.field)
                switch rule.op {
                case .prefix: return "\(column) LIKE \(bind(.text(Self.likePrefix(value)))) ESCAPE '\\'"
                case .contains: return "\(column) LIKE \(bind(.text("%" + Self.likePrefix(value)))) ESCAPE '\\'"
                case .equals: return "\(column) = \(bind(.text(value)))"
                }
            }
            sql += " AND is_active = \(bind(.bool(true))) AND (" + (clauses.isEmpty ? "1 = 0" : clauses.joined(separator: " OR ")) + ")"
        }
        if let after = query.after { sql += " AND id > \(bind(.uuid(after.rawValue)))" }
        sql += " ORDER BY id LIMIT \(bind(.int(Int64(query.limit))))"
        return try await conn.query(sql, binds).map(makeUser)
    }

    static func textColumn(_ field: Segment.Field) -> String {
        switch field {
        case .employeeID: "employee_id"
        case .designation: "designation"
        case .department: "department"
        case .email: "email"
        case .displayName: "display_name"
        }
    }

    static func keyColumn(_ field: Segment.Field) -> String {
        switch field {
        case .employeeID: "employee_key"
        case .designation: "designation_key"
        case .department: "department_key"
        case .email: "email_fold"
        case .displayName: "display_key"
        }
    }

    private func makeUser(_ row: SQLRow) throws -> User {
        User(id: .init(try row.uuid("id")), tenantID: .init(try row.uuid("tenant_id")),
             email: row.string("email").map(EmailAddress.init(stored:)), ssoIssuer: row.string("sso_issuer"),
             ssoSubject: row.string("sso_subject"), employeeID: row.string("employee_id"), displayName: row.string("display_name"),
             designation: row.string("designation"), department: row.string("department"),
             role: User.Role(rawValue: try row.requiredString("role")) ?? .user, isActive: row.bool("is_active") ?? false,
             partyID: try row.optionalUUID("party_id").map(Party.ID.init), createdAt: try row.date("created_at"),
             updatedAt: try row.date("updated_at"), version: Int(row.int("version") ?? 1))
    }

    // MARK: Segments

    func segment(tenant: Tenant.ID, name: String) async throws -> Segment? {
        guard let row = try await conn.query("SELECT rules FROM segments WHERE tenant_id = $1 AND name = $2",
                                             [.uuid(tenant.rawValue), .text(name)]).first else { return nil }
        return Segment(name: name, rules: try JSONText.decode([Segment.Rule].self, row.string("rules")) ?? [])
    }

    func saveSegment(tenant: Tenant.ID, _ segment: Segment) async throws {
        try await conn.execute("""
            INSERT INTO segments (tenant_id, name, rules, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id, name) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at
            """, [.uuid(tenant.rawValue), .text(segment.name), .json(try JSONText.encode(segment.rules)), .date(Date.rosterNow)])
    }

    func segments(tenant: Tenant.ID, after: String?, limit: Int) async throws -> [Segment] {
        // Names in byte order on both stores (SQLite's BINARY, the column's "C" on PostgreSQL: migration 25), which is
        // Swift's order of their scalars.
        let name = "name"
        var sql = "SELECT name, rules FROM segments WHERE tenant_id = $1"
        var binds: [SQLValue] = [.uuid(tenant.rawValue)]
        if let after {
            sql += " AND \(name) > $2"
            binds.append(.text(after))
        }
        sql += " ORDER BY \(name) LIMIT \(max(0, limit))"
        return try await conn.query(sql, binds).map { row in
            let name = try row.requiredString("name")
            return Segment(name: name, rules: try JSONText.decode([Segment.Rule].self, row.string("rules")) ?? [])
        }
    }

    func deleteSegment(tenant: Tenant.ID, name: String) async throws -> Bool {
        try await !conn.query("DELETE FROM segments WHERE tenant_id = $1 AND name = $2 RETURNING name",
                              [.uuid(tenant.rawValue), .text(name)]).isEmpty
    }

    // MARK: API keys

    func insertAPIKey(_ key: APIKey, hash: String) async throws {
        try await conn.execute("""
            INSERT INTO api_keys (tenant_id, id, name, prefix, key_hash, role, role_ids, created_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [.uuid(key.tenantID.rawValue), .uuid(key.id.rawValue), .text(key.name), .text(key.prefix), .text(hash),
                  .text(key.role.rawValue), .json(try JSONText.encode(key.roleIDs.map(\.description))), .date(key.createdAt),
                  key.createdBy.map { .uuid($0.rawValue) } ?? .null])
    }

    func apiKey(hash: String) async throws -> (key: APIKey, tenantSlug: String)? {
        guard let row = try await conn.query("""
            SELECT k.tenant_id, k.id, k.name, k.prefix, k.role, k.role_ids, k.created_at, k.revoked_at, k.created_by, t.slug
            FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
            LEFT JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.created_by
            WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.created_by IS NULL OR u.is_active = \(dialect == .postgres ? "TRUE" : "1"))
            """, [.text(hash)]).first else { return nil }
        return (try makeAPIKey(row), try row.requiredString("slug"))
    }

    func apiKeys(tenant: Tenant.ID) async throws -> [APIKey] {
        try await conn.query("""
            SELECT tenant_id, id, name, prefix, role, role_ids, created_at, revoked_at, created_by FROM api_keys WHERE tenant_id = $1 ORDER BY id
            """, [.uuid(tenant.rawValue)]).map(makeAPIKey)
    }

    func apiKey(tenant: Tenant.ID, id: APIKey.ID) async throws -> APIKey? {
        try await conn.query("""
            SELECT tenant_id, id, name, prefix, role, role_ids, created_at, revoked_at, created_by FROM api_keys WHERE tenant_id = $1 AND id = $2
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue)]).first.map(makeAPIKey)
    }

    func revokeAPIKey(tenant: Tenant.ID, id: APIKey.ID, at: Date) async throws -> Bool {
        try await !conn.query("""
            UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue), .date(at)]).isEmpty
    }

    private func makeAPIKey(_ row: SQLRow) throws -> APIKey {
        APIKey(id: .init(try row.uuid("id")), tenantID: .init(try row.uuid("tenant_id")), name: try row.requiredString("name"),
               prefix: try row.requiredString("prefix"), role: User.Role(rawValue: try row.requiredString("role")) ?? .user,
               roleIDs: (try JSONText.decode([String].self, row.string("role_ids")) ?? []).compactMap(AccessRole.ID.init(uuidString:)),
               createdAt: try row.date("created_at"), revokedAt: try row.optionalDate("revoked_at"),
               createdBy: try row.optionalUUID("created_by").map(User.ID.init))
    }
}
