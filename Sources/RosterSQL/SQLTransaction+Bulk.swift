import Foundation
import RosterCore
import RosterStore

// What bulk exports read beyond a search.
extension SQLTransaction {
    func propertyKeys(tenant: Tenant.ID, within: [Subtree]?) async throws -> [String] {
        let keys = dialect == .postgres ? "jsonb_object_keys(p.properties) AS k(key)" : "json_each(p.properties) AS k"
        let (condition, binds) = Self.liveParties(tenant: tenant, within: within)
        return try await conn.query("SELECT DISTINCT k.key AS key FROM parties p, \(keys) WHERE \(condition) ORDER BY 1", binds)
            .compactMap { $0.string("key") }.sorted()
    }

    func partyCount(tenant: Tenant.ID, within: [Subtree]?) async throws -> Int {
        let (condition, binds) = Self.liveParties(tenant: tenant, within: within)
        return try await conn.query("SELECT count(*) AS n FROM parties p WHERE \(condition)", binds).first?.int("n").map { Int($0) } ?? 0
    }

    /// The parties of the tenant that are not deleted, in these subtrees when given: the condition on `p` and its binds.
    private static func liveParties(tenant: Tenant.ID, within: [Subtree]?) -> (String, [SQLValue]) {
        var binds: [SQLValue] = [.uuid(tenant.rawValue)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var sql = "p.tenant_id = $1 AND p.state NOT IN ('deleted', 'merged')"
        if let within {
            sql += " AND " + Self.scopeCondition(within, party: "p.id", at: Date.rosterNow, asOf: nil, bind: bind)
        }
        return (sql, binds)
    }
}

// A bulk import's batch: a few multi-row statements instead of several statements a row.
extension SQLTransaction {
    /// The most rows one multi-row statement writes. Statements are made for 64, 32, ..., 1 rows only, so that a batch of
    /// any size uses at most seven statement texts a table (each prepared once per connection on SQLite).
    static let rowsPerInsert = 64

    func insertParties(_ parties: [Party], history: [StateChange], tags: [(party: Party.ID, tag: Tag.ID)]) async throws {
        guard let tenant = parties.first?.tenantID else { return }
        let t = SQLValue.uuid(tenant.rawValue)
        try await insertRows("parties", Self.partyInsertColumns, width: 23, parties.map(partyBinds))
        try await insertRows("party_roles", "tenant_id, party_id, role", width: 3,
                             parties.flatMap { p in p.roles.map { [t, .uuid(p.id.rawValue), .text($0)] } })
        for party in parties where party.kind == .organization { try await replaceDomains(party, fresh: true) }
        try await insertRows("party_state_history", Self.stateChangeColumns, width: 8,
                             history.map { Self.stateChangeBinds(tenant: tenant, $0) })
        try await insertRows("party_tags", "tenant_id, party_id, tag_id", width: 3,
                             tags.map { [t, .uuid($0.party.rawValue), .uuid($0.tag.rawValue)] })
    }

    /// `rows` (each `width` values for `columns`) in statements of 64, 32, ..., 1 rows.
    func insertRows(_ table: String, _ columns: String, width: Int, _ rows: [[SQLValue]]) async throws {
        var start = 0
        var size = Self.rowsPerInsert
        while start < rows.count {
            while size > rows.count - start { size /= 2 }
            var binds: [SQLValue] = []
            binds.reserveCapacity(size * width)
            for row in rows[start..<start + size] { binds += row }
            try await conn.execute("INSERT INTO \(table) (\(columns)) VALUES \(Self.placeholders(rows: size, width: width))", binds)
            start += size
        }
    }

    /// `($1, $2), ($3, $4)` for two rows of two.
    static func placeholders(rows: Int, width: Int) -> String {
        (0..<rows).map { row in "(" + (1...width).map { "$\(row * width + $0)" }.joined(separator: ", ") + ")" }.joined(separator: ", ")
    }

    func refreshPartyStatistics() async throws {
        guard dialect == .postgres else { return }
        try await conn.execute("ANALYZE parties, party_roles, party_state_history, party_tags, organization_domains, relationships, party_closure")
    }

    func liveKeys(tenant: Tenant.ID, emailKeys: [String], phones: [String]) async throws -> Set<LiveKey> {
        Set(try await liveHolders(tenant: tenant, emailKeys: emailKeys, phones: phones).map(\.key))
    }

    func liveHolders(tenant: Tenant.ID, emailKeys: [String], phones: [String]) async throws -> [(id: Party.ID, key: LiveKey)] {
        var found: [(id: Party.ID, key: LiveKey)] = []
        // A fixed number of values a statement (the rest NULL, which matches nothing): one statement text a column.
        let list = (2...Self.rowsPerInsert + 1).map { "$\($0)" }.joined(separator: ", ")
        for (column, values) in [("email_key", emailKeys), ("phone", phones)] {
            let values = Array(Set(values))
            for start in stride(from: 0, to: values.count, by: Self.rowsPerInsert) {
                let chunk = values[start..<min(start + Self.rowsPerInsert, values.count)]
                let binds = [SQLValue.uuid(tenant.rawValue)] + chunk.map(SQLValue.text)
                    + Array(repeating: .null, count: Self.rowsPerInsert - chunk.count)
                for row in try await conn.query("""
                    SELECT id, kind, \(column) AS k FROM parties
                    WHERE tenant_id = $1 AND \(column) IN (\(list)) AND state NOT IN ('deleted', 'merged')
                    """, binds) {
                    guard let kind = row.string("kind").flatMap(Party.Kind.init(rawValue:)), let key = row.string("k") else { continue }
                    found.append((Party.ID(try row.uuid("id")), column == "phone" ? .phone(kind, key) : .email(kind, key)))
                }
            }
        }
        return found
    }
}

// Import jobs posted over HTTP.
extension SQLTransaction {
    func insertImportJob(_ job: ImportJob) async throws {
        try await conn.execute("""
            INSERT INTO import_jobs (tenant_id, id, type, format, on_duplicate, status, processed, created, updated, unchanged, skipped,
            refused, resumed_after, error, actor, created_at, updated_at, finished_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            """, [.uuid(job.tenantID.rawValue), .uuid(job.id.rawValue), .text(job.kind.rawValue), .text(job.format), .text(job.onDuplicate)]
            + Self.jobState(job) + [.text(job.actor), .date(job.createdAt), .date(job.updatedAt), job.finishedAt.map(SQLValue.date) ?? .null])
    }

    func updateImportJob(_ job: ImportJob) async throws {
        try await conn.execute("""
            UPDATE import_jobs SET status = $3, processed = $4, created = $5, updated = $6, unchanged = $7, skipped = $8, refused = $9,
            resumed_after = $10, error = $11, updated_at = $12, finished_at = $13
            WHERE tenant_id = $1 AND id = $2
            """, [.uuid(job.tenantID.rawValue), .uuid(job.id.rawValue)] + Self.jobState(job)
            + [.date(job.updatedAt), job.finishedAt.map(SQLValue.date) ?? .null])
    }

    private static func jobState(_ job: ImportJob) -> [SQLValue] {
        [.text(job.status.rawValue), .int(Int64(job.processed)), .int(Int64(job.created)), .int(Int64(job.updated)),
         .int(Int64(job.unchanged)), .int(Int64(job.skipped)), .int(Int64(job.refused)), .int(Int64(job.resumedAfter)),
         job.error.map(SQLValue.text) ?? .null]
    }

    func importJob(tenant: Tenant.ID, id: ImportJob.ID) async throws -> ImportJob? {
        try await conn.query("SELECT * FROM import_jobs WHERE tenant_id = $1 AND id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
            .first.map { try makeImportJob($0, tenant: tenant) }
    }

    func importJobs(tenant: Tenant.ID, before: ImportJob.ID?, limit: Int) async throws -> [ImportJob] {
        var binds: [SQLValue] = [.uuid(tenant.rawValue)]
        var sql = "SELECT * FROM import_jobs WHERE tenant_id = $1"
        if let before {
            binds.append(.uuid(before.rawValue))
            sql += " AND id < $2"
        }
        return try await conn.query(sql + " ORDER BY id DESC LIMIT \(max(0, limit))", binds).map { try makeImportJob($0, tenant: tenant) }
    }

    private func makeImportJob(_ row: SQLRow, tenant: Tenant.ID) throws -> ImportJob {
        let id = ImportJob.ID(try row.uuid("id"))
        var job = ImportJob(id: id, tenantID: tenant, kind: ImportJob.Kind(rawValue: row.string("type") ?? "") ?? .parties,
                            format: row.string("format") ?? "", onDuplicate: row.string("on_duplicate") ?? "",
                            status: ImportJob.Status(rawValue: row.string("status") ?? "") ?? .failed, actor: row.string("actor") ?? "",
                            createdAt: try row.date("created_at"))
        func count(_ column: String) -> Int { Int(row.int(column) ?? 0) }
        (job.processed, job.created, job.updated, job.unchanged, job.skipped, job.refused, job.resumedAfter) =
            (count("processed"), count("created"), count("updated"), count("unchanged"), count("skipped"), count("refused"),
             count("resumed_after"))
        job.error = row.string("error")
        job.updatedAt = try row.date("updated_at")
        job.finishedAt = try row.optionalDate("finished_at")
        return job
    }

    func appendImportJobErrors(tenant: Tenant.ID, job: ImportJob.ID, _ errors: [ImportJobError]) async throws {
        // A statement per 200 rows keeps each under every driver's bind limit.
        for chunk in stride(from: 0, to: errors.count, by: 200).map({ errors[$0..<min($0 + 200, errors.count)] }) {
            var binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(job.rawValue)]
            var values: [String] = []
            for error in chunk {
                let base = binds.count
                binds += [.int(Int64(error.seq)), .int(Int64(error.row)), .text(error.field), .text(error.message)]
                values.append("($1, $2, $\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4))")
            }
            try await conn.execute("INSERT INTO import_job_errors (tenant_id, job_id, seq, row_number, field, message) VALUES "
                                   + values.joined(separator: ", "), binds)
        }
    }

    func failStaleImportJob(_ job: ImportJob, cutoff: Date) async throws -> Bool {
        try await !conn.query("""
            UPDATE import_jobs SET status = 'failed', error = $3, finished_at = $4
            WHERE tenant_id = $1 AND id = $2 AND status = 'running' AND updated_at < $5 RETURNING id
            """, [.uuid(job.tenantID.rawValue), .uuid(job.id.rawValue), job.error.map(SQLValue.text) ?? .null,
                  job.finishedAt.map(SQLValue.date) ?? .null, .date(cutoff)]).isEmpty
    }

    func pruneImportJobs(tenant: Tenant.ID, endedBefore before: Date) async throws -> Int {
        // The refused rows go with their job (ON DELETE CASCADE).
        try await conn.query("DELETE FROM import_jobs WHERE tenant_id = $1 AND status <> 'running' AND finished_at < $2 RETURNING id",
                             [.uuid(tenant.rawValue), .date(before)]).count
    }

    func importJobErrors(tenant: Tenant.ID, job: ImportJob.ID, afterSeq: Int?, limit: Int) async throws -> [ImportJobError] {
        try await conn.query("""
            SELECT seq, row_number, field, message FROM import_job_errors WHERE tenant_id = $1 AND job_id = $2 AND seq > $3
            ORDER BY seq LIMIT $4
            """, [.uuid(tenant.rawValue), .uuid(job.rawValue), .int(Int64(afterSeq ?? 0)), .int(Int64(limit))]).map { row in
            ImportJobError(seq: Int(row.int("seq") ?? 0), row: Int(row.int("row_number") ?? 0), field: row.string("field") ?? "",
                           message: row.string("message") ?? "")
        }
    }
}

// The duplicate finder.
extension SQLTransaction {
    func duplicateCandidates(tenant: Tenant.ID) async throws -> [DuplicateCandidate] {
        let live = "state NOT IN ('deleted', 'merged')"
        // Within a kind the unique indexes forbid a shared email or phone, so a shared one is an organization's that a
        // person has too: the organizations' keys are read from the live parties' unique index and each is looked up
        // among the persons' (not every key of the tenant grouped, which took a second for 300,000 persons).
        func shared(_ reason: DuplicateReason, _ column: String) async throws -> [DuplicateCandidate] {
            try await conn.query("""
                SELECT p.\(column) AS k, p.id AS id FROM parties p WHERE p.tenant_id = $1 AND p.\(live) AND p.\(column) IN (
                    SELECT o.\(column) FROM parties o WHERE o.tenant_id = $1 AND o.kind = 'organization' AND o.\(column) IS NOT NULL AND o.\(live)
                      AND EXISTS (SELECT 1 FROM parties q WHERE q.tenant_id = $1 AND q.kind = 'person' AND q.\(column) = o.\(column)
                                  AND q.\(column) IS NOT NULL AND q.\(live)))
                """, [.uuid(tenant.rawValue)]).map { row in
                DuplicateCandidate(reason: reason, key: row.string("k") ?? "", id: Party.ID(try row.uuid("id")))
            }
        }
        var found = try await shared(.email, "email_key")
        found += try await shared(.phone, "phone")
        // Organizations of one name, from their own index. SQLite 3.54 (the one linked in) grouped every party's name in
        // the index of all names, 350-500 ms at 300,000 persons (found by a probe), where the shell's 3.40 took the
        // partial index; it is named.
        let organizations = "tenant_id = $1 AND kind = 'organization' AND name_key IS NOT NULL AND \(live)"
        let organizationNames = dialect == .sqlite ? "parties INDEXED BY parties_organization_name" : "parties"
        found += try await conn.query("""
            SELECT name_key AS k, id FROM \(organizationNames) WHERE \(organizations) AND name_key IN
            (SELECT name_key FROM \(organizationNames) WHERE \(organizations) GROUP BY name_key HAVING count(*) > 1)
            """, [.uuid(tenant.rawValue)]).map { row in
            DuplicateCandidate(reason: .name, key: row.string("k") ?? "", id: Party.ID(try row.uuid("id")))
        }
        // Persons of one name below one organization (an edge of any type in force now).
        let people = try await conn.query("""
            WITH pairs AS (
                SELECT p.first_key AS f, p.last_key AS l, r.parent_id AS org, p.id AS id
                FROM parties p
                CROSS JOIN relationships r
                JOIN parties o ON o.tenant_id = r.tenant_id AND o.id = r.parent_id
                WHERE p.tenant_id = $1 AND p.kind = 'person' AND p.state NOT IN ('deleted', 'merged') AND p.first_key IS NOT NULL
                AND p.last_key IS NOT NULL AND r.tenant_id = p.tenant_id AND r.child_id = p.id AND \(Self.inForce("r", at: "$2"))
                AND o.kind = 'organization' AND o.state NOT IN ('deleted', 'merged')),
            shared AS (SELECT f, l, org FROM pairs GROUP BY f, l, org HAVING count(DISTINCT id) > 1)
            SELECT pairs.f AS f, pairs.l AS l, pairs.org AS org, pairs.id AS id
            FROM pairs JOIN shared ON shared.f = pairs.f AND shared.l = pairs.l AND shared.org = pairs.org
            """, [.uuid(tenant.rawValue), .date(Date.rosterNow)])
        var byName: [String: Set<Party.ID>] = [:]
        for row in people {
            let key = [row.string("f") ?? "", row.string("l") ?? "", (try? row.uuid("org"))?.uuidString ?? ""].joined(separator: "\u{0}")
            byName[key, default: []].insert(Party.ID(try row.uuid("id")))
        }
        for (key, ids) in byName where ids.count > 1 {
            found += ids.map { DuplicateCandidate(reason: .name, key: "person\u{0}" + key, id: $0) }
        }
        return found
    }

    func parties(tenant: Tenant.ID, ids: [Party.ID]) async throws -> [Party] {
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return [] }
        let found = try await inChunks(of: unique, after: [.uuid(tenant.rawValue)], bind: { .uuid($0.rawValue) }) { list in
            "SELECT \(Self.partyColumns) FROM parties WHERE tenant_id = $1 AND id IN (\(list)) ORDER BY id"
        }.map(makeParty)
        return try await withTags(found)
    }

    func partiesMerged(into id: Party.ID, tenant: Tenant.ID) async throws -> [Party] {
        try await withTags(try await conn.query("SELECT \(Self.partyColumns) FROM parties WHERE tenant_id = $1 AND merged_into = $2 ORDER BY id",
                                                [.uuid(tenant.rawValue), .uuid(id.rawValue)]).map(makeParty))
    }
}
