import Foundation
import Synchronization
import RosterCore
import RosterStore

/// The repositories over one connection in one transaction.
struct SQLTransaction: StoreTransaction {
    let conn: any SQLConnection
    let dialect: SQLDialect
    /// The store's access graphs, which this transaction brings up to its own view (`accessGraph(for:)`).
    let index: AccessIndex
    /// Audit events queued by `appendAudit`, written by `writeAudit()` just before the commit.
    let audit = AuditQueue()
    /// The audit chains' heads as this store last wrote them (a hint, see `writeAudit`).
    let heads: AuditHeads
    /// The advisory locks this transaction holds, hierarchies and imports (PostgreSQL holds them to its end: taken once).
    let advisoryLocks = HeldLocks()

    /// `FOR UPDATE` where the database has row locks; SQLite has one writer, which serializes anyway.
    var forUpdate: String { dialect == .postgres ? " FOR UPDATE" : "" }
}

extension SQLTransaction {
    func savepoint<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await conn.execute("SAVEPOINT roster_step")
        let queued = audit.count
        let locks = advisoryLocks.held
        do {
            let value = try await body()
            try await conn.execute("RELEASE SAVEPOINT roster_step")
            return value
        } catch {
            audit.truncate(to: queued)
            // A lock taken after the savepoint is released with it.
            advisoryLocks.held = locks
            try await conn.execute("ROLLBACK TO SAVEPOINT roster_step")
            try await conn.execute("RELEASE SAVEPOINT roster_step")
            switch error {
            case SQLError.uniqueViolation(let constraint): throw StoreError.uniqueViolation(constraint: constraint)
            case SQLError.unavailable(let detail): throw StoreError.unavailable(detail)
            case SQLError.missingReference: throw StoreError.missingReference
            case SQLError.concurrentWrite: throw StoreError.concurrentWrite
            default: throw error
            }
        }
    }
}

extension SQLTransaction {
    /// Runs `statement` once per chunk of at most 500 of `values` (a statement's parameters are bounded; one statement
    /// per value was 4,500 round trips for a partner's export, found by a probe): `statement` is given the chunk's
    /// placeholder list, numbered after the `leading` binds. The rows of every chunk, in chunk order.
    func inChunks<Value>(of values: [Value], after leading: [SQLValue], bind: (Value) -> SQLValue,
                         _ statement: (_ list: String) -> String) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for start in stride(from: 0, to: values.count, by: 500) {
            let chunk = values[start..<min(start + 500, values.count)]
            let list = (1...chunk.count).map { "$\(leading.count + $0)" }.joined(separator: ", ")
            rows += try await conn.query(statement(list), leading + chunk.map(bind))
        }
        return rows
    }

    /// The rows of `table` of the tenant with either end, the `ends` columns, among `parties` (and meeting `condition`,
    /// if any), each end through its own index.
    func rows(_ columns: String, of table: String, ends: (String, String), among parties: [Party.ID], tenant: Tenant.ID,
              condition: String = "") async throws -> [SQLRow] {
        try await inChunks(of: Array(Set(parties)).sorted(), after: [.uuid(tenant.rawValue)], bind: { .uuid($0.rawValue) }) { list in
            let rest = condition.isEmpty ? "" : " AND " + condition
            return """
                SELECT \(columns) FROM \(table) WHERE tenant_id = $1 AND \(ends.0) IN (\(list))\(rest)
                UNION SELECT \(columns) FROM \(table) WHERE tenant_id = $1 AND \(ends.1) IN (\(list))\(rest)
                """
        }
    }
}

// MARK: - Tenants

extension SQLTransaction {
    static let tenantColumns = "id, slug, name, status, settings, created_at, updated_at, version, access_version"

    func insertTenant(_ tenant: Tenant) async throws {
        try await conn.execute("""
            INSERT INTO tenants (id, slug, name, status, settings, created_at, updated_at, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, try tenantBinds(tenant))
    }

    func updateTenant(_ tenant: Tenant) async throws -> Bool {
        try await !conn.query("""
            UPDATE tenants SET slug = $2, name = $3, status = $4, settings = $5, created_at = $6, updated_at = $7, version = $8
            WHERE id = $1 AND version = $9 RETURNING id
            """, try tenantBinds(tenant) + [.int(Int64(tenant.version - 1))]).isEmpty
    }

    func tenant(slug: String) async throws -> Tenant? {
        try await conn.query("SELECT \(Self.tenantColumns) FROM tenants WHERE slug = $1", [.text(slug)]).first.map(makeTenant)
    }

    func tenant(id: Tenant.ID) async throws -> Tenant? {
        try await conn.query("SELECT \(Self.tenantColumns) FROM tenants WHERE id = $1", [.uuid(id.rawValue)]).first.map(makeTenant)
    }

    func tenants(afterSlug: String?, limit: Int) async throws -> [Tenant] {
        if let afterSlug {
            return try await conn.query("SELECT \(Self.tenantColumns) FROM tenants WHERE slug > $1 ORDER BY slug LIMIT $2",
                                        [.text(afterSlug), .int(Int64(limit))]).map(makeTenant)
        }
        return try await conn.query("SELECT \(Self.tenantColumns) FROM tenants ORDER BY slug LIMIT $1",
                                    [.int(Int64(limit))]).map(makeTenant)
    }

    private func tenantBinds(_ t: Tenant) throws -> [SQLValue] {
        [.uuid(t.id.rawValue), .text(t.slug), .text(t.name), .text(t.status.rawValue), .json(try JSONText.encode(t.settings)),
         .date(t.createdAt), .date(t.updatedAt), .int(Int64(t.version))]
    }

    private func makeTenant(_ row: SQLRow) throws -> Tenant {
        var tenant = Tenant(id: .init(try row.uuid("id")), slug: try row.requiredString("slug"), name: try row.requiredString("name"),
               status: Tenant.Status(rawValue: try row.requiredString("status")) ?? .failed,
               settings: try TenantSettingsMemo.decode(row.string("settings")),
               createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
               version: Int(row.int("version") ?? 1))
        tenant.accessVersion = row.int("access_version") ?? 0
        return tenant
    }
}

// MARK: - Parties

extension SQLTransaction {
    static let partyColumns = """
        id, tenant_id, kind, first_name, last_name, name, email, phone, website, email_domains, note, customer_type, \
        roles, properties, state, created_at, updated_at, version, merged_into
        """

    /// The party columns qualified with `p.`, for joins.
    static let prefixedPartyColumns = partyColumns.split(separator: ",")
        .map { "p." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    func insertParty(_ party: Party) async throws {
        try await conn.execute("""
            INSERT INTO parties (\(Self.partyInsertColumns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
            """, try partyBinds(party))
        try await replaceRoles(party, fresh: true)
        try await replaceDomains(party, fresh: true)
    }

    /// The columns `partyBinds` gives values for, in order.
    static let partyInsertColumns = """
        id, tenant_id, kind, first_name, last_name, name, email, phone, website, email_domains, note, customer_type, roles, \
        properties, state, created_at, updated_at, version, email_key, first_key, last_key, name_key, merged_into
        """

    func updateParty(_ party: Party, expectedVersion: Int) async throws -> Bool {
        var binds = try partyBinds(party)
        binds.append(.int(Int64(expectedVersion)))
        let rows = try await conn.query("""
            UPDATE parties SET kind = $3, first_name = $4, last_name = $5, name = $6, email = $7, phone = $8, website = $9,
                email_domains = $10, note = $11, customer_type = $12, roles = $13, properties = $14, state = $15,
                created_at = $16, updated_at = $17, version = $18, email_key = $19, first_key = $20, last_key = $21, name_key = $22,
                merged_into = $23
            WHERE tenant_id = $2 AND id = $1 AND version = $24
            RETURNING id
            """, binds)
        guard !rows.isEmpty else { return false }
        try await replaceRoles(party)
        try await replaceDomains(party)
        return true
    }

    /// Keeps `organization_domains` (the index behind auto-linking) equal to the organization's email domains
    /// (`fresh`: the party was inserted in this transaction, so it has none yet).
    func replaceDomains(_ party: Party, fresh: Bool = false) async throws {
        guard party.kind == .organization else { return }
        if !fresh {
            try await conn.execute("DELETE FROM organization_domains WHERE tenant_id = $1 AND party_id = $2",
                                   [.uuid(party.tenantID.rawValue), .uuid(party.id.rawValue)])
        }
        // Keyed in ASCII (punycode), as email keys are: an IDN domain claims addresses written in either form.
        for domain in Set(party.emailDomains.map(Punycode.asciiDomain)) {
            try await conn.execute("INSERT INTO organization_domains (tenant_id, domain, party_id) VALUES ($1, $2, $3)",
                                   [.uuid(party.tenantID.rawValue), .text(domain), .uuid(party.id.rawValue)])
        }
    }

    func organizations(tenant: Tenant.ID, claimingDomain domain: String) async throws -> [Party.ID] {
        try await conn.query("""
            SELECT d.party_id FROM organization_domains d JOIN parties p ON p.tenant_id = d.tenant_id AND p.id = d.party_id
            WHERE d.tenant_id = $1 AND d.domain = $2 AND p.state NOT IN ('deleted', 'merged') ORDER BY d.party_id
            """, [.uuid(tenant.rawValue), .text(Punycode.asciiDomain(domain))]).map { Party.ID(try $0.uuid("party_id")) }
    }

    func parents(tenant: Tenant.ID, of child: Party.ID, type: String, at: Date) async throws -> [Party] {
        try await withTags(conn.query("""
            SELECT \(Self.prefixedPartyColumns) FROM relationships r CROSS JOIN parties p
            WHERE r.tenant_id = $1 AND r.child_id = $2 AND r.type = $3 AND \(Self.inForce("r", at: "$4"))
              AND p.tenant_id = r.tenant_id AND p.id = r.parent_id AND p.state NOT IN ('deleted', 'merged') ORDER BY p.id
            """, [.uuid(tenant.rawValue), .uuid(child.rawValue), .text(type), .date(at)]).map(makeParty))
    }

    private func replaceRoles(_ party: Party, fresh: Bool = false) async throws {
        if !fresh {
            try await conn.execute("DELETE FROM party_roles WHERE tenant_id = $1 AND party_id = $2",
                                   [.uuid(party.tenantID.rawValue), .uuid(party.id.rawValue)])
        }
        for role in party.roles {
            try await conn.execute("INSERT INTO party_roles (tenant_id, party_id, role) VALUES ($1, $2, $3)",
                                   [.uuid(party.tenantID.rawValue), .uuid(party.id.rawValue), .text(role)])
        }
    }

    /// The party with its tags, in one statement (a row per tag; a GET of a party was a statement for each).
    func party(tenant: Tenant.ID, id: Party.ID) async throws -> Party? {
        let rows = try await conn.query("""
            SELECT \(Self.prefixedPartyColumns), t.id AS tag_id, t.text AS tag_text, t.color AS tag_color, t.created_at AS tag_created_at
            FROM parties p
            LEFT JOIN party_tags pt ON pt.tenant_id = p.tenant_id AND pt.party_id = p.id
            LEFT JOIN tags t ON t.tenant_id = pt.tenant_id AND t.id = pt.tag_id
            WHERE p.tenant_id = $1 AND p.id = $2
            ORDER BY t.text_key
            """, [.uuid(tenant.rawValue), .uuid(id.rawValue)])
        guard let first = rows.first else { return nil }
        var party = try makeParty(first)
        party.tags = try Self.tags(of: rows, tenant: tenant)
        return party
    }

    func tenant(slug: String, withParty id: Party.ID) async throws -> (tenant: Tenant, party: Party?)? {
        // SQLite: two statements, as before. A statement there is no round trip, and the join measured no faster (GET
        // party ÷ /health/live 0.35-0.37 against 0.37-0.44 in alternating runs, 2026-12-04).
        if dialect == .sqlite {
            guard let tenant = try await tenant(slug: slug) else { return nil }
            return (tenant, try await party(tenant: tenant.id, id: id))
        }
        // The party's columns first (a row's names resolve to their first column), the tenant's after them, renamed.
        let rows = try await conn.query("""
            SELECT \(Self.prefixedPartyColumns), t.id AS tag_id, t.text AS tag_text, t.color AS tag_color, t.created_at AS tag_created_at,
                   \(Self.tenantColumnsRenamed)
            FROM tenants tn
            LEFT JOIN parties p ON p.tenant_id = tn.id AND p.id = $2
            LEFT JOIN party_tags pt ON pt.tenant_id = p.tenant_id AND pt.party_id = p.id
            LEFT JOIN tags t ON t.tenant_id = pt.tenant_id AND t.id = pt.tag_id
            WHERE tn.slug = $1
            ORDER BY t.text_key
            """, [.text(slug), .uuid(id.rawValue)])
        guard let first = rows.first else { return nil }
        let start = first.cells.count - Self.tenantColumnNames.count
        let tenant = try makeTenant(SQLRow(columns: Self.tenantSQLColumns, cells: Array(first.cells[start...])))
        guard first["id"] != .null else { return (tenant, nil) }
        var party = try makeParty(first)
        party.tags = try Self.tags(of: rows, tenant: tenant.id)
        return (tenant, party)
    }

    static let tenantColumnNames = tenantColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    static let tenantSQLColumns = SQLColumns(tenantColumnNames)
    static let tenantColumnsRenamed = tenantColumnNames.map { "tn.\($0) AS tn_\($0)" }.joined(separator: ", ")

    /// The tags of a party read with its tags joined (`tag_*` columns, none when it has no tag).
    static func tags(of rows: [SQLRow], tenant: Tenant.ID) throws -> [Tag] {
        try rows.compactMap { row -> Tag? in
            guard let tagID = try row.optionalUUID("tag_id") else { return nil }
            return Tag(id: .init(tagID), tenantID: tenant, text: try row.requiredString("tag_text"), color: try row.requiredString("tag_color"),
                       createdAt: try row.date("tag_created_at"))
        }
    }

    func partyExists(tenant: Tenant.ID, id: Party.ID) async throws -> Bool {
        try await !conn.query("SELECT 1 AS found FROM parties WHERE tenant_id = $1 AND id = $2",
                              [.uuid(tenant.rawValue), .uuid(id.rawValue)]).isEmpty
    }

    /// Fills in the tags of parties just read, in one query.
    func withTags(_ parties: [Party]) async throws -> [Party] {
        guard let tenant = parties.first?.tenantID else { return parties }
        let tags = try await self.tags(tenant: tenant, parties: parties.map(\.id))
        guard !tags.isEmpty else { return parties }
        return parties.map { party in
            var party = party
            party.tags = tags[party.id] ?? []
            return party
        }
    }

    /// One indexed lookup per key: `email_key = ? OR phone = ?` in one statement made SQLite scan every party of the
    /// tenant (it can't use the two unique indexes for an OR), which made each create, and an import, O(parties).
    func liveParties(tenant: Tenant.ID, kind: Party.Kind?, emailNormalized: String?, phone: String?) async throws -> [Party] {
        var found: [Party.ID: Party] = [:]
        for (column, value) in [("email_key", emailNormalized), ("phone", phone)] {
            guard let value else { continue }
            var sql = "SELECT \(Self.partyColumns) FROM parties WHERE tenant_id = $1 AND state NOT IN ('deleted', 'merged') AND \(column) = $2"
            var binds: [SQLValue] = [.uuid(tenant.rawValue), .text(value)]
            if let kind {
                binds.append(.text(kind.rawValue))
                sql += " AND kind = $3"
            }
            // No ORDER BY: with one, SQLite walks the tenant's primary key in id order rather than seek the key's index
            // (20 ms a lookup at 50,000 parties, found by a probe). A live key names at most one party of each kind;
            // the limit only bounds the answer, which is sorted below.
            for party in try await conn.query(sql + " LIMIT 20", binds).map(makeParty) { found[party.id] = party }
        }
        return try await withTags(Array(found.values.sorted { $0.id < $1.id }.prefix(20)))
    }

    func searchParties(tenant: Tenant.ID, query: PartyQuery) async throws -> [Party] {
        let (sql, binds) = searchStatement(tenant: tenant, query: query, columns: Self.prefixedPartyColumns)
        return try await withTags(conn.query(sql, binds).map(makeParty))
    }

    func searchPartyIDs(tenant: Tenant.ID, query: PartyQuery) async throws -> [Party.ID] {
        let (sql, binds) = searchStatement(tenant: tenant, query: query, columns: "p.id")
        return try await conn.query(sql, binds).map { Party.ID(try $0.uuid("id")) }
    }

    private func searchStatement(tenant: Tenant.ID, query: PartyQuery, columns: String) -> (String, [SQLValue]) {
        var binds: [SQLValue] = [.uuid(tenant.rawValue)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        // A role or a tag asked for drives the read from its index, in party id order, so that a rare one reads its own
        // parties rather than every party of the tenant in id order, each tested (134 ms for a role no one holds at 300,000
        // parties; found by a probe); a common one stops as soon, at the page's end.
        var sql: String
        var order = "p.id"
        if let role = query.role {
            sql = """
                SELECT \(columns) FROM party_roles dr CROSS JOIN parties p WHERE dr.tenant_id = $1 AND dr.role = \(bind(.text(role)))
                 AND p.tenant_id = dr.tenant_id AND p.id = dr.party_id
                """
            order = "dr.party_id"
        } else if let tag = query.tag {
            sql = """
                SELECT \(columns) FROM tags dt CROSS JOIN party_tags dpt CROSS JOIN parties p
                WHERE dt.tenant_id = $1 AND dt.text_key = \(bind(.text(tag.lowercased())))
                 AND dpt.tenant_id = dt.tenant_id AND dpt.tag_id = dt.id AND p.tenant_id = dpt.tenant_id AND p.id = dpt.party_id
                """
            order = "dpt.party_id"
        } else {
            sql = "SELECT \(columns) FROM parties p WHERE p.tenant_id = $1"
        }
        if let state = query.state {
            sql += " AND p.state = \(bind(.text(state.rawValue)))"
        } else {
            sql += " AND p.state NOT IN ('deleted', 'merged')"
        }
        if let kind = query.kind { sql += " AND p.kind = \(bind(.text(kind.rawValue)))" }
        if let type = query.customerType { sql += " AND p.customer_type = \(bind(.text(type.rawValue)))" }
        if let tag = query.tag, query.role != nil {
            sql += """
                 AND EXISTS (SELECT 1 FROM party_tags pt JOIN tags t ON t.tenant_id = pt.tenant_id AND t.id = pt.tag_id
                 WHERE pt.tenant_id = p.tenant_id AND pt.party_id = p.id AND t.text_key = \(bind(.text(tag.lowercased()))))
                """
        }
        if let partner = query.partnerID {
            sql += """
                 AND EXISTS (SELECT 1 FROM relationships r WHERE r.tenant_id = p.tenant_id AND r.child_id = p.id
                 AND r.parent_id = \(bind(.uuid(partner.rawValue))) AND r.type = 'partnership'
                 AND \(Self.inForce("r", at: bind(.date(query.scopeAt ?? Date.rosterNow)))))
                """
        }
        if let text = query.text?.lowercased(), !text.isEmpty {
            // Names by their search keys (accents dropped); the email by its key, as written.
            let pattern = bind(.text(Self.likePrefix(text)))
            // An address typed with its Unicode domain, as answers show it, is searched by its key's punycode domain
            // (`ann@bücher.example` found nothing; found by a probe).
            let emailKey = EmailAddress.key(text)
            var clauses = ["p.email_key LIKE \(emailKey == text ? pattern : bind(.text(Self.likePrefix(emailKey)))) ESCAPE '\\'"]
            // A query of punctuation alone folds to nothing, which every name starts with: names are not searched then.
            let folded = Text.searchKey(text)
            if !folded.isEmpty {
                let namePattern = folded == text ? pattern : bind(.text(Self.likePrefix(folded)))
                clauses += ["p.name_key LIKE \(namePattern) ESCAPE '\\'", "p.first_key LIKE \(namePattern) ESCAPE '\\'",
                            "p.last_key LIKE \(namePattern) ESCAPE '\\'"]
            }
            let digits = text.filter(\.isNumber)
            if digits.count >= 3, text.allSatisfy({ $0.isNumber || " +-.()".contains($0) }) {
                clauses.append("p.phone LIKE \(bind(.text(Self.likePrefix(digits)))) ESCAPE '\\'")
            }
            if let prefix = query.phonePrefix, prefix != digits {
                clauses.append("p.phone LIKE \(bind(.text(Self.likePrefix(prefix)))) ESCAPE '\\'")
            }
            sql += " AND (" + clauses.joined(separator: " OR ") + ")"
        }
        if let within = query.within { sql += " AND " + Self.scopeCondition(within, party: "p.id", at: query.scopeAt ?? Date.rosterNow,
                                                                          asOf: query.scopeAsOf, bind: bind) }
        if let members = query.members { sql += " AND " + memberCondition(members, party: "p.id", bind: bind) }
        if let after = query.after { sql += " AND \(order) > \(bind(.uuid(after.rawValue)))" }
        sql += " ORDER BY \(order) LIMIT \(bind(.int(Int64(query.limit))))"
        return (sql, binds)
    }

    /// `party` is one of `members`: one bound parameter, a JSON array (one statement text whatever their number, so that
    /// PostgreSQL prepares it once).
    func memberCondition(_ members: [Party.ID], party: String, bind: (SQLValue) -> String) -> String {
        var json = "["
        json.reserveCapacity(members.count * 39 + 2)
        for (index, id) in members.enumerated() {
            if index > 0 { json += "," }
            json += "\"" + id.rawValue.lowercasedText + "\""
        }
        json += "]"
        let list = bind(.text(json))
        switch dialect {
        case .sqlite: return "\(party) IN (SELECT value FROM json_each(\(list)))"
        case .postgres: return "\(party) IN (SELECT jsonb_array_elements_text(\(list)::jsonb)::uuid)"
        }
    }

    static func likePrefix(_ text: String) -> String {
        // By scalar, as SQL reads it: a `%` followed by a combining mark is one Swift Character that equals no "%", and
        // went through unescaped, a wildcard (found by a probe, reading the code).
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "%" || scalar == "_" || scalar == "\\" { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped) + "%"
    }

    func appendStateChange(tenant: Tenant.ID, _ change: StateChange) async throws {
        try await conn.execute("INSERT INTO party_state_history (\(Self.stateChangeColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                               Self.stateChangeBinds(tenant: tenant, change))
    }

    static let stateChangeColumns = "tenant_id, id, party_id, from_state, to_state, at, actor, reason"

    /// The values of `stateChangeColumns`, in order.
    static func stateChangeBinds(tenant: Tenant.ID, _ change: StateChange) -> [SQLValue] {
        [.uuid(tenant.rawValue), .uuid(change.id.rawValue), .uuid(change.partyID.rawValue), change.from.map { .text($0.rawValue) } ?? .null,
         .text(change.to.rawValue), .date(change.at), .text(change.actor), change.reason.map(SQLValue.text) ?? .null]
    }

    func stateHistory(tenant: Tenant.ID, party: Party.ID, after: StateChange.ID?, limit: Int?) async throws -> [StateChange] {
        try await conn.query("""
            SELECT id, party_id, from_state, to_state, at, actor, reason FROM party_state_history
            WHERE tenant_id = $1 AND party_id = $2 AND id > $3 ORDER BY id LIMIT $4
            """, [.uuid(tenant.rawValue), .uuid(party.rawValue), .uuid(after?.rawValue ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))),
                  .int(Int64(limit ?? Int(Int32.max)))]).map { row in
            StateChange(id: .init(try row.uuid("id")), partyID: .init(try row.uuid("party_id")),
                        from: row.string("from_state").flatMap(Party.State.init(rawValue:)),
                        to: Party.State(rawValue: try row.requiredString("to_state")) ?? .active,
                        at: try row.date("at"), actor: try row.requiredString("actor"), reason: row.string("reason"))
        }
    }

    func customerCounts(tenant: Tenant.ID) async throws -> [Party.CustomerType: Int] {
        let rows = try await conn.query("""
            SELECT customer_type, COUNT(*) AS n FROM parties
            WHERE tenant_id = $1 AND state NOT IN ('deleted', 'merged') AND customer_type IS NOT NULL GROUP BY customer_type
            """, [.uuid(tenant.rawValue)])
        var counts: [Party.CustomerType: Int] = [:]
        for row in rows {
            if let type = row.string("customer_type").flatMap(Party.CustomerType.init(rawValue:)) {
                counts[type] = Int(row.int("n") ?? 0)
            }
        }
        return counts
    }

    func partyBinds(_ p: Party) throws -> [SQLValue] {
        let keys = p.searchKeys
        func text(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
        return [
            .uuid(p.id.rawValue), .uuid(p.tenantID.rawValue), .text(p.kind.rawValue), text(p.firstName), text(p.lastName),
            text(p.name), text(p.email?.value), text(p.phone?.digits), text(p.website), .json(try JSONText.encode(p.emailDomains)),
            text(p.note), text(p.customerType?.rawValue), .json(try JSONText.encode(p.roles)),
            .json(try JSONText.encode(p.properties)), .text(p.state.rawValue), .date(p.createdAt), .date(p.updatedAt),
            .int(Int64(p.version)), text(p.email?.normalized), text(keys.first), text(keys.last), .text(keys.name),
            p.mergedInto.map { SQLValue.uuid($0.rawValue) } ?? .null,
        ]
    }

    func makeParty(_ row: SQLRow) throws -> Party {
        let email = row.string("email").map(EmailAddress.init(stored:))
        var party = Party(
            id: .init(try row.uuid("id")), tenantID: .init(try row.uuid("tenant_id")),
            kind: Party.Kind(rawValue: try row.requiredString("kind")) ?? .person,
            firstName: row.string("first_name"), lastName: row.string("last_name"), name: row.string("name"),
            email: email, phone: row.string("phone").map(PhoneNumber.init(storedDigits:)), website: row.string("website"),
            emailDomains: try JSONText.decode([String].self, row.string("email_domains")) ?? [],
            note: row.string("note"), customerType: row.string("customer_type").flatMap(Party.CustomerType.init(rawValue:)),
            roles: try JSONText.decode([String].self, row.string("roles")) ?? [],
            properties: try JSONText.decode([String: JSONScalar].self, row.string("properties")) ?? [:],
            state: Party.State(rawValue: try row.requiredString("state")) ?? .active,
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), version: Int(row.int("version") ?? 1))
        party.mergedInto = try row.optionalUUID("merged_into").map(Party.ID.init)
        return party
    }
}

// MARK: - Audit

extension SQLTransaction {
    func appendAudit(_ events: [AuditEvent]) async throws {
        audit.append(events)
    }

    /// Writes the queued audit events (`SQLStore` calls it as the transaction's last step).
    ///
    /// The chain's head is remembered by the store (`AuditHeads`): when this transaction's entries are all of one
    /// tenant whose head is remembered, they are chained onto it and written with a compare-and-set of the head (its
    /// seq and hash as remembered), in one statement on PostgreSQL and two on SQLite, where reading the head, inserting
    /// and updating it took three (a round trip each on PostgreSQL, in every write and every group commit of reads).
    /// The head is only a hint: written by another process, or by a transaction that then rolled back, it no longer
    /// matches, nothing is written, and the entries are chained again onto the head read under its row lock.
    ///
    /// A chain whose head lies behind its entries (a head deleted or set back by hand) refuses every append: an entry
    /// of the next seq exists. That is `DamagedAuditChain` (a 500 whose log says so), not the unique violation a
    /// service would answer as a duplicate record (409 "a live party already has this email" for a new one; found by a
    /// probe).
    func writeAudit() async throws {
        let events = audit.take()
        guard !events.isEmpty else { return }
        let tenant = events[0].tenantID
        if events.allSatisfy({ $0.tenantID == tenant }), let known = heads.head(of: tenant) {
            let entries = Self.chain(events, onto: known)
            if try await damagedIfDuplicate(tenant, { try await writeAudit(entries, replacing: known) }) {
                heads.remember(entries[entries.count - 1])
                return
            }
        }
        // Each tenant's events, in the order of their first event, chained onto its head as stored.
        var tenants: [Tenant.ID] = []
        var byTenant: [Tenant.ID: [AuditEvent]] = [:]
        for event in events {
            if byTenant[event.tenantID] == nil { tenants.append(event.tenantID) }
            byTenant[event.tenantID, default: []].append(event)
        }
        for tenant in tenants {
            // One statement creates the head when missing and returns it; the no-op update takes the row
            // lock, so on PostgreSQL concurrent appenders of one tenant queue here and the chain stays linear.
            let row = try await conn.query("""
                INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2)
                ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_heads.seq
                RETURNING seq, hash
                """, [.uuid(tenant.rawValue), .text(AuditChain.genesis)]).first
            let entries = Self.chain(byTenant[tenant]!, onto: (row?.int("seq") ?? 0, row?.string("hash") ?? AuditChain.genesis))
            let last = entries[entries.count - 1]
            try await damagedIfDuplicate(tenant) { try await insertAudit(entries[...]) }
            try await conn.execute("UPDATE audit_heads SET seq = $2, hash = $3 WHERE tenant_id = $1",
                                   [.uuid(tenant.rawValue), .int(last.seq), .text(last.hash)])
            heads.remember(last)
        }
    }

    /// An audit chain holds entries beyond its head.
    struct DamagedAuditChain: DescribedWithoutValues {
        var tenant: Tenant.ID
        var describedWithoutValues: String {
            "the audit chain of tenant \(tenant) holds entries beyond its head (audit_heads was changed by hand or damaged): "
                + "`roster audit verify` names where"
        }
    }

    /// `write`'s outcome; its unique violation (an entry of that seq exists) as the tenant's damaged chain.
    private func damagedIfDuplicate<T>(_ tenant: Tenant.ID, _ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch SQLError.uniqueViolation {
            throw DamagedAuditChain(tenant: tenant)
        }
    }

    /// `events` (of one tenant) chained after `head`.
    static func chain(_ events: [AuditEvent], onto head: (seq: Int64, hash: String)) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        entries.reserveCapacity(events.count)
        var last = head
        for event in events {
            let entry = AuditChain.entry(for: event, seq: last.seq + 1, prev: last.hash)
            last = (entry.seq, entry.hash)
            entries.append(entry)
        }
        return entries
    }

    /// Moves the tenant's head from `head` to the last of `entries` and inserts them, or, when the stored head is not
    /// `head`, writes nothing and returns false. PostgreSQL: the head's update and the first rows in one statement (the
    /// rows are inserted only when the update found the head; under READ COMMITTED a head moved by a concurrent
    /// transaction is checked again once that one commits, and no longer matches).
    private func writeAudit(_ entries: [AuditEntry], replacing head: (seq: Int64, hash: String)) async throws -> Bool {
        let last = entries[entries.count - 1]
        let headBinds: [SQLValue] = [.uuid(last.tenantID.rawValue), .int(last.seq), .text(last.hash), .int(head.seq), .text(head.hash)]
        let casUpdate = "UPDATE audit_heads SET seq = $2, hash = $3 WHERE tenant_id = $1 AND seq = $4 AND hash = $5"
        if dialect == .postgres {
            let first = entries.prefix(Self.auditRowsPerInsert)
            let (values, binds) = try Self.auditRows(first, after: headBinds)
            let inserted = try await conn.query("""
                WITH head AS (\(casUpdate) RETURNING tenant_id)
                INSERT INTO audit_entries (\(Self.auditColumns))
                SELECT * FROM (VALUES \(values)) AS entry (\(Self.auditColumns)) WHERE EXISTS (SELECT 1 FROM head)
                RETURNING seq
                """, headBinds + binds)
            guard inserted.count == first.count else { return false }
            try await insertAudit(entries.dropFirst(first.count))
        } else {
            guard try await !conn.query(casUpdate + " RETURNING seq", headBinds).isEmpty else { return false }
            try await insertAudit(entries[...])
        }
        return true
    }

    /// One multi-row insert per chunk (a group commit of 2,000 reads is twenty statements, not 2,000 round trips).
    private func insertAudit(_ entries: ArraySlice<AuditEntry>) async throws {
        for start in stride(from: entries.startIndex, to: entries.endIndex, by: Self.auditRowsPerInsert) {
            let (values, binds) = try Self.auditRows(entries[start..<min(start + Self.auditRowsPerInsert, entries.endIndex)], after: [])
            try await conn.execute("INSERT INTO audit_entries (\(Self.auditColumns)) VALUES \(values)", binds)
        }
    }

    /// The `VALUES` rows of `entries` and their binds, numbered after `before`.
    private static func auditRows(_ entries: ArraySlice<AuditEntry>, after before: [SQLValue]) throws -> (String, [SQLValue]) {
        var binds: [SQLValue] = []
        binds.reserveCapacity(entries.count * 11)
        for entry in entries {
            binds += [.uuid(entry.tenantID.rawValue), .int(entry.seq), .int(AuditChain.micros(entry.at)), .text(entry.actor),
                      .text(entry.action), entry.targetType.map(SQLValue.text) ?? .null, entry.targetID.map(SQLValue.text) ?? .null,
                      entry.requestID.map(SQLValue.text) ?? .null, .json(try JSONText.encode(entry.fields)),
                      .text(entry.prevHash), .text(entry.hash)]
        }
        return (auditPlaceholders(rows: entries.count, after: before.count), binds)
    }

    /// `($1, ..., $11), ($12, ...` for `rows` rows numbered after `offset`, made once per shape: writing them out for
    /// every group commit was 2.6% of a search page's samples (`perf`, 2026-12-04), more than the hashing of the chain.
    private static func auditPlaceholders(rows: Int, after offset: Int) -> String {
        let key = rows << 16 | offset
        if let made = placeholders.withLock({ $0[key] }) { return made }
        var text = ""
        text.reserveCapacity(rows * 70)
        for row in 0..<rows {
            let first = offset + row * 11 + 1
            text += row == 0 ? "(" : ", ("
            text += (first..<first + 11).map { "$\($0)" }.joined(separator: ", ")
            text += ")"
        }
        placeholders.withLock { $0[key] = text }
        return text
    }

    /// By `rows << 16 | offset`: at most `auditRowsPerInsert` row counts, each after no binds or after the head's.
    private static let placeholders = Mutex<[Int: String]>([:])

    /// 11 parameters a row: 1,100 a statement, far below both stores' limits (SQLite 32,766; PostgreSQL 65,535).
    static let auditRowsPerInsert = 100

    static let auditColumns = "tenant_id, seq, at, actor, action, target_type, target_id, request_id, fields, prev_hash, hash"

    /// By target, the target's index; by action or actor alone, the tenant's entries newest first until a page is found
    /// (no index of their own: each would cost every audited read an index insert).
    func auditEntries(tenant: Tenant.ID, filter: AuditFilter, beforeSeq: Int64?, limit: Int) async throws -> [AuditEntry] {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .int(beforeSeq ?? Int64.max), .int(Int64(limit))]
        var conditions = ""
        for (column, value) in [("target_id", filter.targetID), ("action", filter.action), ("actor", filter.actor)] {
            guard let value else { continue }
            binds.append(.text(value))
            conditions += " AND \(column) = $\(binds.count)"
        }
        if filter.changesOnly {
            // Constants of the code, no input: written into the statement (one statement text, prepared once).
            conditions += " AND action NOT IN (" + AuditFilter.routineReads.map { "'\($0)'" }.joined(separator: ", ") + ")"
        }
        return try await conn.query("""
            SELECT \(Self.auditColumns) FROM audit_entries WHERE tenant_id = $1 AND seq < $2\(conditions) ORDER BY seq DESC LIMIT $3
            """, binds).map(makeAuditEntry)
    }

    func auditEntries(tenant: Tenant.ID, targets: Set<String>) async throws -> [AuditEntry] {
        try await inChunks(of: targets.sorted(), after: [.uuid(tenant.rawValue)], bind: { .text($0) }) { list in
            "SELECT \(Self.auditColumns) FROM audit_entries WHERE tenant_id = $1 AND target_id IN (\(list))"
        }.map(makeAuditEntry)
    }

    func recentChanges(tenant: Tenant.ID, targets: Set<String>, limit: Int) async throws -> [AuditEntry] {
        // Each chunk's newest (through the target index), then the newest of all of them.
        let routine = AuditFilter.routineReads.map { "'\($0)'" }.joined(separator: ", ")
        let entries = try await inChunks(of: targets.sorted(), after: [.uuid(tenant.rawValue), .int(Int64(limit))], bind: { .text($0) }) { list in
            """
            SELECT \(Self.auditColumns) FROM audit_entries WHERE tenant_id = $1 AND target_id IN (\(list)) AND action NOT IN (\(routine))
            ORDER BY seq DESC LIMIT $2
            """
        }.map(makeAuditEntry)
        return Array(entries.sorted { $0.seq > $1.seq }.prefix(limit))
    }

    func auditChain(tenant: Tenant.ID, afterSeq: Int64, limit: Int) async throws -> [AuditEntry] {
        try await conn.query("""
            SELECT \(Self.auditColumns) FROM audit_entries WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
            """, [.uuid(tenant.rawValue), .int(afterSeq), .int(Int64(limit))]).map(makeAuditEntry)
    }

    func auditCheckpoint(tenant: Tenant.ID) async throws -> (seq: Int64, hash: String)? {
        guard let row = try await conn.query("SELECT seq, hash FROM audit_checkpoints WHERE tenant_id = $1", [.uuid(tenant.rawValue)]).first
        else { return nil }
        return (row.int("seq") ?? 0, try row.requiredString("hash"))
    }

    func saveAuditCheckpoint(tenant: Tenant.ID, seq: Int64, hash: String, at: Date) async throws {
        try await conn.execute("""
            INSERT INTO audit_checkpoints (tenant_id, seq, hash, verified_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, verified_at = excluded.verified_at
            WHERE audit_checkpoints.seq <= excluded.seq
            """, [.uuid(tenant.rawValue), .int(seq), .text(hash), .date(at)])
    }

    func auditHead(tenant: Tenant.ID) async throws -> (seq: Int64, hash: String)? {
        guard let row = try await conn.query("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1", [.uuid(tenant.rawValue)]).first
        else { return nil }
        return (row.int("seq") ?? 0, try row.requiredString("hash"))
    }

    private func makeAuditEntry(_ row: SQLRow) throws -> AuditEntry {
        AuditEntry(tenantID: .init(try row.uuid("tenant_id")), seq: row.int("seq") ?? 0, at: try row.date("at"),
                   actor: try row.requiredString("actor"), action: try row.requiredString("action"),
                   targetType: row.string("target_type"), targetID: row.string("target_id"), requestID: row.string("request_id"),
                   fields: try JSONText.decode([String].self, row.string("fields")) ?? [],
                   prevHash: try row.requiredString("prev_hash"), hash: try row.requiredString("hash"))
    }
}

// MARK: - Platform tokens

extension SQLTransaction {
    func insertPlatformToken(_ token: PlatformToken) async throws {
        try await conn.execute("INSERT INTO platform_tokens (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
                               [.text(token.id), .text(token.name), .text(token.tokenHash), .date(token.createdAt)])
    }

    func platformToken(hash: String) async throws -> PlatformToken? {
        try await conn.query("SELECT id, name, token_hash, created_at FROM platform_tokens WHERE token_hash = $1", [.text(hash)])
            .first.map { row in
                PlatformToken(id: try row.requiredString("id"), name: try row.requiredString("name"),
                              tokenHash: try row.requiredString("token_hash"), createdAt: try row.date("created_at"))
            }
    }

    func platformTokens() async throws -> [PlatformToken] {
        try await conn.query("SELECT id, name, token_hash, created_at FROM platform_tokens ORDER BY created_at", []).map { row in
            PlatformToken(id: try row.requiredString("id"), name: try row.requiredString("name"),
                          tokenHash: try row.requiredString("token_hash"), createdAt: try row.date("created_at"))
        }
    }

    func deletePlatformToken(id: String) async throws -> Bool {
        try await !conn.query("DELETE FROM platform_tokens WHERE id = $1 RETURNING id", [.text(id)]).isEmpty
    }

    func platformTokenCount() async throws -> Int {
        Int(try await conn.query("SELECT COUNT(*) AS n FROM platform_tokens", []).first?.int("n") ?? 0)
    }
}

/// The audit events one transaction queued, in order.
/// Each tenant's audit head (seq and hash) as this store's transactions last wrote it, committed or not: a hint that
/// saves reading the head, checked by the write that relies on it (`writeAudit`). One per store, so one per process.
public final class AuditHeads: Sendable {
    private let heads = Mutex<[Tenant.ID: (seq: Int64, hash: String)]>([:])
    /// Tenants remembered at most; past it the hints are dropped (each is only a hint, checked by the write that uses
    /// it: a tenant whose head is forgotten reads it once, under its lock, and is remembered again).
    public let limit: Int

    public init(limit: Int = 10_000) { self.limit = max(1, limit) }

    public var count: Int { heads.withLock { $0.count } }

    func head(of tenant: Tenant.ID) -> (seq: Int64, hash: String)? { heads.withLock { $0[tenant] } }

    func remember(_ tenant: Tenant.ID, seq: Int64, hash: String) {
        heads.withLock { heads in
            if heads[tenant] == nil, heads.count >= limit { heads.removeAll(keepingCapacity: true) }
            heads[tenant] = (seq, hash)
        }
    }

    func remember(_ entry: AuditEntry) { remember(entry.tenantID, seq: entry.seq, hash: entry.hash) }
}

/// Names of the locks a transaction holds, for it alone.
final class HeldLocks: Sendable {
    private let names = Mutex<Set<String>>([])

    var held: Set<String> {
        get { names.withLock { $0 } }
        set { names.withLock { $0 = newValue } }
    }

    /// Adds `name`; false when it was held already.
    func insert(_ name: String) -> Bool { names.withLock { $0.insert(name).inserted } }

    func remove(_ name: String) { _ = names.withLock { $0.remove(name) } }
}

final class AuditQueue: Sendable {
    private let events = Mutex<[AuditEvent]>([])

    var count: Int { events.withLock { $0.count } }

    func append(_ more: [AuditEvent]) { events.withLock { $0 += more } }

    func truncate(to count: Int) { events.withLock { $0.removeSubrange(min(count, $0.count)...) } }

    func take() -> [AuditEvent] { events.withLock { events in defer { events = [] }; return events } }
}
