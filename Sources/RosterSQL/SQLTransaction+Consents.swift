import Foundation
import RosterCore
import RosterStore

// The consent ledger and its current entries.
extension SQLTransaction {
    static let consentColumns = """
        c.id AS consent_id, c.party_id AS consent_party_id, c.purpose AS consent_purpose, c.status AS consent_status, \
        c.source AS consent_source, c.at AS consent_at, c.note AS consent_note, c.recorded_at AS consent_recorded_at, \
        c.recorded_by AS consent_recorded_by
        """

    func appendConsent(_ consent: Consent) async throws {
        let tenant = SQLValue.uuid(consent.tenantID.rawValue)
        try await conn.execute("""
            INSERT INTO consents (tenant_id, id, party_id, purpose, status, source, at, note, recorded_at, recorded_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, [tenant, .uuid(consent.id.rawValue), .uuid(consent.partyID.rawValue), .text(consent.purpose),
                  .text(consent.status.rawValue), .text(consent.source), .date(consent.at), consent.note.map(SQLValue.text) ?? .null,
                  .date(consent.recordedAt), .text(consent.recordedBy)])
        // The row lock of ON CONFLICT DO UPDATE orders concurrent appends; the condition keeps the superseding entry.
        try await conn.execute("""
            INSERT INTO consent_current (tenant_id, purpose, party_id, status, at, consent_id) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id, purpose, party_id) DO UPDATE
            SET status = excluded.status, at = excluded.at, consent_id = excluded.consent_id
            WHERE consent_current.at < excluded.at OR (consent_current.at = excluded.at AND consent_current.consent_id < excluded.consent_id)
            """, [tenant, .text(consent.purpose), .uuid(consent.partyID.rawValue), .text(consent.status.rawValue), .date(consent.at),
                  .uuid(consent.id.rawValue)])
    }

    func consents(tenant: Tenant.ID, party: Party.ID, purpose: String?, after: Consent.ID?, limit: Int) async throws -> [Consent] {
        var sql = "SELECT \(Self.consentColumns) FROM consents c WHERE c.tenant_id = $1 AND c.party_id = $2"
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(party.rawValue)]
        if let purpose {
            binds.append(.text(purpose))
            sql += " AND c.purpose = $\(binds.count)"
        }
        if let after {
            binds.append(.uuid(after.rawValue))
            sql += " AND c.id > $\(binds.count)"
        }
        binds.append(.int(Int64(limit)))
        sql += " ORDER BY c.id LIMIT $\(binds.count)"
        return try await conn.query(sql, binds).map { try makeConsent($0, tenant: tenant) }
    }

    func currentConsents(tenant: Tenant.ID, party: Party.ID) async throws -> [Consent] {
        try await conn.query("""
            SELECT \(Self.consentColumns) FROM consent_current cc JOIN consents c ON c.tenant_id = cc.tenant_id AND c.id = cc.consent_id
            WHERE cc.tenant_id = $1 AND cc.party_id = $2 ORDER BY cc.purpose
            """, [.uuid(tenant.rawValue), .uuid(party.rawValue)]).map { try makeConsent($0, tenant: tenant) }
    }

    func consentMatches(tenant: Tenant.ID, query: ConsentMatchQuery) async throws -> [ConsentMatch] {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .text(query.purpose), .text(query.status.rawValue)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var sql = """
            SELECT \(Self.consentColumns), \(Self.prefixedPartyColumns)
            FROM consent_current cc
            JOIN consents c ON c.tenant_id = cc.tenant_id AND c.id = cc.consent_id
            JOIN parties p ON p.tenant_id = cc.tenant_id AND p.id = cc.party_id
            WHERE cc.tenant_id = $1 AND cc.purpose = $2 AND cc.status = $3 AND p.state NOT IN ('deleted', 'merged')
            """
        if let within = query.within {
            sql += " AND " + Self.scopeCondition(within, party: "cc.party_id", at: Date.rosterNow, asOf: nil, bind: bind)
        }
        if let members = query.members { sql += " AND " + memberCondition(members, party: "cc.party_id", bind: bind) }
        if let after = query.after { sql += " AND cc.party_id > \(bind(.uuid(after.rawValue)))" }
        sql += " ORDER BY cc.party_id LIMIT \(bind(.int(Int64(query.limit))))"
        let rows = try await conn.query(sql, binds)
        let parties = try await withTags(rows.map(makeParty))
        return try zip(rows, parties).map { ConsentMatch(consent: try makeConsent($0, tenant: tenant), party: $1) }
    }

    func makeConsent(_ row: SQLRow, tenant: Tenant.ID) throws -> Consent {
        Consent(id: .init(try row.uuid("consent_id")), tenantID: tenant, partyID: .init(try row.uuid("consent_party_id")),
                purpose: try row.requiredString("consent_purpose"),
                status: try Consent.Status(rawValue: row.requiredString("consent_status")).orMalformed("consent_status"),
                source: try row.requiredString("consent_source"), at: try row.date("consent_at"), note: row.string("consent_note"),
                recordedAt: try row.date("consent_recorded_at"), recordedBy: try row.requiredString("consent_recorded_by"))
    }
}

extension Optional {
    /// The value, or `SQLError.malformedRow` naming the column it came from.
    func orMalformed(_ column: String) throws -> Wrapped {
        guard let self else { throw SQLError.malformedRow("unexpected value in column \(column)") }
        return self
    }
}
