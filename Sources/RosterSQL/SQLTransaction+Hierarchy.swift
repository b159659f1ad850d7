import Foundation
import RosterCore
import RosterStore

// Relationships and the closure table.
//
// `party_closure` holds, per hierarchy type, one row per (ancestor, descendant, depth) with the
// number of distinct paths of that length. Inserting the edge p → c adds, for every ancestor a of p
// (p itself at depth 0) and every descendant d of c (c itself at depth 0), paths(a, p) × paths(c, d)
// paths of length depth(a, p) + 1 + depth(c, d). Deleting it subtracts the same products, so that
// exactly the paths through that edge disappear and a DAG's other paths stay. Types have no
// cycles (checked before inserting), so these sets never include the edge itself.
extension SQLTransaction {
    static let relationshipColumns = "id, tenant_id, parent_id, child_id, type, role, valid_from, valid_to, created_at"

    /// Ancestors of $3 and descendants of $4 (each including itself), with their path counts.
    private static let closureProducts = """
        a AS (SELECT ancestor_id, depth, paths FROM party_closure WHERE tenant_id = $1 AND type = $2 AND descendant_id = $3
              UNION ALL SELECT $3, 0, 1),
        d AS (SELECT descendant_id, depth, paths FROM party_closure WHERE tenant_id = $1 AND type = $2 AND ancestor_id = $4
              UNION ALL SELECT $4, 0, 1),
        delta AS (SELECT a.ancestor_id AS ancestor_id, d.descendant_id AS descendant_id, a.depth + d.depth + 1 AS depth,
                         SUM(a.paths * d.paths) AS paths
                  FROM a CROSS JOIN d GROUP BY a.ancestor_id, d.descendant_id, a.depth + d.depth + 1)
        """

    func insertRelationship(_ r: Relationship) async throws {
        try await lockReferencedParties(tenant: r.tenantID, [r.parentID, r.childID])
        if try await closureCheck(r).overflows {
            throw RosterError.invalid("parentId", "this edge would join more than 2^62 paths in \(r.type): the hierarchy has too many ways "
                                      + "between its parties")
        }
        try await conn.execute("""
            INSERT INTO relationships (id, tenant_id, parent_id, child_id, type, role, valid_from, valid_to, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [.uuid(r.id.rawValue), .uuid(r.tenantID.rawValue), .uuid(r.parentID.rawValue), .uuid(r.childID.rawValue),
                  .text(r.type), r.role.map(SQLValue.text) ?? .null, r.validFrom.map(SQLValue.date) ?? .null,
                  r.validTo.map(SQLValue.date) ?? .null, .date(r.createdAt)])
        try await conn.execute("""
            INSERT INTO relationship_history (tenant_id, id, parent_id, child_id, type, role, valid_from, valid_to, created_at)
            SELECT tenant_id, id, parent_id, child_id, type, role, valid_from, valid_to, created_at FROM relationships
            WHERE tenant_id = $1 AND id = $2
            """, [.uuid(r.tenantID.rawValue), .uuid(r.id.rawValue)])
        try await conn.execute("""
            WITH \(Self.closureProducts)
            INSERT INTO party_closure (tenant_id, type, ancestor_id, descendant_id, depth, paths)
            SELECT $1, $2, ancestor_id, descendant_id, depth, paths FROM delta WHERE true
            ON CONFLICT (tenant_id, type, ancestor_id, descendant_id, depth) DO UPDATE SET paths = party_closure.paths + excluded.paths
            """, closureBinds(r))
        try await recordAccessChange(tenant: r.tenantID, .edgeAdded(r))
    }

    func insertRelationships(_ relationships: [Relationship]) async throws -> Int {
        guard let tenant = relationships.first?.tenantID else { return 0 }
        try await lockReferencedParties(tenant: tenant, relationships.flatMap { [$0.parentID, $0.childID] })
        // An edge whose child has nothing below it in its type, and gets nothing below it in the batch (it is no edge's
        // parent there), closes no cycle and adds paths to its child alone: a run of such edges in a row (a file of
        // persons below organizations is mostly that) is checked and written together, each edge's paths counted from
        // the closure as the run finds it, which the run's own edges do not change above their parents.
        var parents: [String: Set<Party.ID>] = [:]
        for r in relationships { parents[r.type, default: []].insert(r.parentID) }
        var above: [String: Set<Party.ID>] = [:]
        for (type, group) in Dictionary(grouping: relationships, by: \.type) {
            above[type] = try await closureAncestors(tenant: tenant, type: type, among: group.map(\.childID))
        }
        var inserted = 0
        var run: [Relationship] = []
        var stopped = false
        for r in relationships {
            if parents[r.type]?.contains(r.childID) == false, above[r.type]?.contains(r.childID) == false {
                run.append(r)
                continue
            }
            if !run.isEmpty {
                let written = try await insertLeafClosures(run)
                inserted += written
                let whole = written == run.count
                run.removeAll()
                if !whole { stopped = true; break }
            }
            // Edge by edge: each one's check and closure rows see the edges before it (two rows of a batch may close a cycle).
            if dialect == .postgres {
                // The check and the closure rows in one statement (one round trip, not two): its parts see the table as
                // it was before it, and the rows go in only when the check passes.
                let row = try await conn.query("""
                    WITH \(Self.closureProducts), \(Self.closureSums("verdict")),
                    added AS (INSERT INTO party_closure (tenant_id, type, ancestor_id, descendant_id, depth, paths)
                              SELECT $1, $2, ancestor_id, descendant_id, depth, paths FROM delta
                              WHERE (SELECT cycles FROM verdict) = 0 AND ((SELECT above FROM verdict) + 1) * ((SELECT below FROM verdict) + 1) <= $5
                              ON CONFLICT (tenant_id, type, ancestor_id, descendant_id, depth) DO UPDATE SET paths = party_closure.paths + excluded.paths)
                    SELECT above, below, cycles FROM verdict
                    """, closureBinds(r) + [.double(Self.maxPaths)]).first
                let verdict = Self.closureVerdict(row)
                if verdict.overflows || verdict.closesCycle { stopped = true; break }
            } else {
                let check = try await closureCheck(r)
                if check.overflows || check.closesCycle { stopped = true; break }
                try await conn.execute("""
                    WITH \(Self.closureProducts)
                    INSERT INTO party_closure (tenant_id, type, ancestor_id, descendant_id, depth, paths)
                    SELECT $1, $2, ancestor_id, descendant_id, depth, paths FROM delta WHERE true
                    ON CONFLICT (tenant_id, type, ancestor_id, descendant_id, depth) DO UPDATE SET paths = party_closure.paths + excluded.paths
                    """, closureBinds(r))
            }
            inserted += 1
        }
        if !stopped, !run.isEmpty { inserted += try await insertLeafClosures(run) }
        let done = relationships[..<inserted]
        let rows = done.map { r -> [SQLValue] in
            [.uuid(r.id.rawValue), .uuid(r.tenantID.rawValue), .uuid(r.parentID.rawValue), .uuid(r.childID.rawValue), .text(r.type),
             r.role.map(SQLValue.text) ?? .null, r.validFrom.map(SQLValue.date) ?? .null, r.validTo.map(SQLValue.date) ?? .null,
             .date(r.createdAt)]
        }
        try await insertRows("relationships", Self.relationshipColumns, width: 9, rows)
        try await insertRows("relationship_history", Self.relationshipColumns, width: 9, rows)
        try await recordAccessChanges(tenant: tenant, done.map { .edgeAdded($0) })
        return inserted
    }

    /// Which of these parties have something below them over edges of `type`.
    private func closureAncestors(tenant: Tenant.ID, type: String, among ids: [Party.ID]) async throws -> Set<Party.ID> {
        var found = Set<Party.ID>()
        let unique = Array(Set(ids))
        let size = Self.rowsPerInsert
        let list = (3...size + 2).map { "$\($0)" }.joined(separator: ", ")
        for start in stride(from: 0, to: unique.count, by: size) {
            let chunk = unique[start..<min(start + size, unique.count)]
            for row in try await conn.query("""
                SELECT DISTINCT ancestor_id FROM party_closure WHERE tenant_id = $1 AND type = $2 AND ancestor_id IN (\(list))
                """, [.uuid(tenant.rawValue), .text(type)] + chunk.map { .uuid($0.rawValue) } + Array(repeating: .null, count: size - chunk.count)) {
                found.insert(Party.ID(try row.uuid("ancestor_id")))
            }
        }
        return found
    }

    /// The closure rows of edges whose children have nothing below them (see `insertRelationships`), up to the first
    /// that would join more paths than the closure counts: how many were written. Each edge adds, for every ancestor of
    /// its parent (and the parent itself), the paths to its child one level further down.
    private func insertLeafClosures(_ edges: [Relationship]) async throws -> Int {
        guard let tenant = edges.first?.tenantID else { return 0 }
        var sums: [String: [Party.ID: Double]] = [:]
        let size = Self.rowsPerInsert
        let list = (3...size + 2).map { "$\($0)" }.joined(separator: ", ")
        for (type, group) in Dictionary(grouping: edges, by: \.type) {
            let parents = Array(Set(group.map(\.parentID)))
            for start in stride(from: 0, to: parents.count, by: size) {
                let chunk = parents[start..<min(start + size, parents.count)]
                for row in try await conn.query("""
                    SELECT descendant_id, SUM(CAST(paths AS DOUBLE PRECISION)) AS above FROM party_closure
                    WHERE tenant_id = $1 AND type = $2 AND descendant_id IN (\(list)) GROUP BY descendant_id
                    """, [.uuid(tenant.rawValue), .text(type)] + chunk.map { .uuid($0.rawValue) } + Array(repeating: .null, count: size - chunk.count)) {
                    sums[type, default: [:]][Party.ID(try row.uuid("descendant_id"))] = Self.number(row["above"])
                }
            }
        }
        // As `closureCheck` counts (nothing below the child): the paths above the parent, and the edge itself.
        let fits = edges.prefix { (sums[$0.type]?[$0.parentID] ?? 0) + 1 <= Self.maxPaths }
        var start = 0
        var chunk = size
        while start < fits.count {
            while chunk > fits.count - start { chunk /= 2 }
            let values = (0..<chunk).map { "($\($0 * 3 + 2), $\($0 * 3 + 3), $\($0 * 3 + 4))" }.joined(separator: ", ")
            var binds: [SQLValue] = [.uuid(tenant.rawValue)]
            for edge in fits[start..<start + chunk] {
                binds += [.uuid(edge.parentID.rawValue), .uuid(edge.childID.rawValue), .text(edge.type)]
            }
            // `e CROSS JOIN party_closure`: SQLite keeps the edges as the outer loop and looks their parents up by index.
            try await conn.execute("""
                WITH e(parent_id, child_id, type) AS (VALUES \(values))
                INSERT INTO party_closure (tenant_id, type, ancestor_id, descendant_id, depth, paths)
                SELECT $1, type, ancestor_id, child_id, depth, SUM(paths) FROM (
                    SELECT e.type AS type, c.ancestor_id AS ancestor_id, e.child_id AS child_id, c.depth + 1 AS depth, c.paths AS paths
                    FROM e CROSS JOIN party_closure c WHERE c.tenant_id = $1 AND c.type = e.type AND c.descendant_id = e.parent_id
                    UNION ALL SELECT e.type, e.parent_id, e.child_id, 1, 1 FROM e) AS x
                WHERE true GROUP BY type, ancestor_id, child_id, depth
                ON CONFLICT (tenant_id, type, ancestor_id, descendant_id, depth) DO UPDATE SET paths = party_closure.paths + excluded.paths
                """, binds)
            start += chunk
        }
        return fits.count
    }

    /// What the closure table says of a new edge before it is inserted: whether it would join more paths than the table
    /// counts in 64 bits (a ladder of 62 levels two parties wide took PostgreSQL past 2^63, a 500, while SQLite went on
    /// with counts made inexact; found by a probe; summed as floating point, which does not overflow), and whether its
    /// child is already above its parent (it would close a cycle).
    private func closureCheck(_ r: Relationship) async throws -> (overflows: Bool, closesCycle: Bool) {
        Self.closureVerdict(try await conn.query("WITH \(Self.closureSums("verdict")) SELECT above, below, cycles FROM verdict", closureBinds(r)).first)
    }

    /// A common table expression `name` of one row: the paths above $3 and below $4 of type $2, and how many closure
    /// rows put $4 above $3 (binds as `closureBinds`).
    private static func closureSums(_ name: String) -> String {
        """
        \(name) AS (SELECT (SELECT COALESCE(SUM(CAST(paths AS DOUBLE PRECISION)), 0) FROM party_closure
                            WHERE tenant_id = $1 AND type = $2 AND descendant_id = $3) AS above,
                           (SELECT COALESCE(SUM(CAST(paths AS DOUBLE PRECISION)), 0) FROM party_closure
                            WHERE tenant_id = $1 AND type = $2 AND ancestor_id = $4) AS below,
                           (SELECT count(*) FROM party_closure
                            WHERE tenant_id = $1 AND type = $2 AND ancestor_id = $4 AND descendant_id = $3) AS cycles)
        """
    }

    private static func closureVerdict(_ sums: SQLRow?) -> (overflows: Bool, closesCycle: Bool) {
        let (above, below) = (number(sums?["above"]), number(sums?["below"]))
        return ((above + 1) * (below + 1) > Self.maxPaths, number(sums?["cycles"]) > 0)
    }

    /// A sum or count as the driver gives it (a double, an integer, or PostgreSQL's numeric as text); 0 when absent.
    private static func number(_ value: SQLValue?) -> Double {
        switch value {
        case .double(let value): value
        case .int(let value): Double(value)
        case .text(let text): Double(text) ?? 0
        default: 0
        }
    }

    /// PostgreSQL: a transaction-scoped advisory lock on the (tenant, type) pair (READ COMMITTED gives each later
    /// statement a snapshot that holds the previous holder's edges), taken once per transaction (held to its end, or
    /// to the rollback of the savepoint it was taken in). SQLite: its single writer already serializes.
    func lockHierarchy(tenant: Tenant.ID, type: String) async throws {
        try await advisoryLock("hierarchy:\(tenant.rawValue.uuidString.lowercased()):\(type)")
    }

    func lockImports(tenant: Tenant.ID) async throws {
        try await advisoryLock("imports:\(tenant.rawValue.uuidString.lowercased())")
    }

    /// A transaction-scoped advisory lock of PostgreSQL, taken once per transaction (a no-op on SQLite, one writer).
    private func advisoryLock(_ name: String) async throws {
        guard dialect == .postgres else { return }
        guard advisoryLocks.insert(name) else { return }
        do {
            _ = try await conn.query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 7))) AS lock", [.text(name)])
        } catch {
            advisoryLocks.remove(name)
            throw error
        }
    }

    func deleteRelationship(tenant: Tenant.ID, id: Relationship.ID) async throws -> Relationship? {
        guard let found = try await relationship(tenant: tenant, id: id) else { return nil }
        try await lockHierarchy(tenant: tenant, type: found.type)
        // Read again under the lock: a concurrent delete of the same edge must not subtract its paths twice.
        guard let r = try await relationship(tenant: tenant, id: id) else { return nil }
        try await conn.execute("""
            WITH \(Self.closureProducts)
            UPDATE party_closure SET paths = party_closure.paths - delta.paths
            FROM delta
            WHERE party_closure.tenant_id = $1 AND party_closure.type = $2 AND party_closure.ancestor_id = delta.ancestor_id
              AND party_closure.descendant_id = delta.descendant_id AND party_closure.depth = delta.depth
            """, closureBinds(r))
        try await conn.execute("""
            WITH \(Self.closureProducts)
            DELETE FROM party_closure WHERE tenant_id = $1 AND type = $2 AND paths <= 0
              AND (ancestor_id, descendant_id, depth) IN (SELECT ancestor_id, descendant_id, depth FROM delta)
            """, closureBinds(r))
        try await conn.execute("DELETE FROM relationships WHERE tenant_id = $1 AND id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
        try await conn.execute("UPDATE relationship_history SET removed_at = $3 WHERE tenant_id = $1 AND id = $2 AND removed_at IS NULL",
                               [.uuid(tenant.rawValue), .uuid(id.rawValue), .date(Date.rosterNow)])
        try await recordAccessChange(tenant: tenant, .edgeRemoved(id))
        return r
    }

    private func closureBinds(_ r: Relationship) -> [SQLValue] {
        [.uuid(r.tenantID.rawValue), .text(r.type), .uuid(r.parentID.rawValue), .uuid(r.childID.rawValue)]
    }

    func relationship(tenant: Tenant.ID, id: Relationship.ID) async throws -> Relationship? {
        try await conn.query("SELECT \(Self.relationshipColumns) FROM relationships WHERE tenant_id = $1 AND id = $2",
                             [.uuid(tenant.rawValue), .uuid(id.rawValue)]).first.map(makeRelationship)
    }

    func relationship(tenant: Tenant.ID, parent: Party.ID, child: Party.ID, type: String) async throws -> Relationship? {
        try await conn.query("""
            SELECT \(Self.relationshipColumns) FROM relationships WHERE tenant_id = $1 AND parent_id = $2 AND child_id = $3 AND type = $4
            """, [.uuid(tenant.rawValue), .uuid(parent.rawValue), .uuid(child.rawValue), .text(type)]).first.map(makeRelationship)
    }

    func relationships(tenant: Tenant.ID, type: String, children: [Party.ID]) async throws -> [Relationship] {
        let unique = Array(Set(children)).sorted()
        return try await inChunks(of: unique, after: [.uuid(tenant.rawValue), .text(type)], bind: { .uuid($0.rawValue) }) { list in
            "SELECT \(Self.relationshipColumns) FROM relationships WHERE tenant_id = $1 AND type = $2 AND child_id IN (\(list))"
        }.map(makeRelationship)
    }

    func removedRelationships(tenant: Tenant.ID, parties: [Party.ID]) async throws -> [Relationship] {
        // Each end through its own index (the history's `_up` and `_down`).
        let found = try await rows(Self.relationshipColumns, of: "relationship_history", ends: ("child_id", "parent_id"), among: parties,
                                   tenant: tenant, condition: "removed_at IS NOT NULL")
        var seen = Set<Relationship.ID>()
        return try found.map(makeRelationship).filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
    }

    func relationships(tenant: Tenant.ID, query: RelationshipQuery) async throws -> [Relationship] {
        var sql = "SELECT \(Self.relationshipColumns) FROM relationships WHERE tenant_id = $1"
        var binds: [SQLValue] = [.uuid(tenant.rawValue)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let party = query.partyID {
            let p = bind(.uuid(party.rawValue))
            // Two index ranges, one for each end (an OR of the two was read from every edge of the tenant on SQLite).
            sql += """
                 AND id IN (SELECT id FROM relationships WHERE tenant_id = $1 AND parent_id = \(p)
                 UNION ALL SELECT id FROM relationships WHERE tenant_id = $1 AND child_id = \(p))
                """
        }
        if let parent = query.parentID { sql += " AND parent_id = \(bind(.uuid(parent.rawValue)))" }
        if let children = query.childIDs {
            guard !children.isEmpty else { return [] }
            sql += " AND child_id IN (\(children.map { bind(.uuid($0.rawValue)) }.joined(separator: ", ")))"
        }
        if let type = query.type { sql += " AND type = \(bind(.text(type)))" }
        if let role = query.role { sql += " AND role = \(bind(.text(role)))" }
        if let after = query.after { sql += " AND id > \(bind(.uuid(after.rawValue)))" }
        sql += " ORDER BY id LIMIT \(bind(.int(Int64(query.limit))))"
        return try await conn.query(sql, binds).map(makeRelationship)
    }

    func isDescendant(tenant: Tenant.ID, _ descendant: Party.ID, of ancestor: Party.ID, type: String,
                      strategy: HierarchyStrategy, at: Date?) async throws -> Bool {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .text(type), .uuid(ancestor.rawValue), .uuid(descendant.rawValue)]
        if strategy == .closure, try await closureAnswers(tenant: tenant, type: type, at: at) {
            return try await !conn.query("""
                SELECT 1 AS found FROM party_closure WHERE tenant_id = $1 AND type = $2 AND ancestor_id = $3 AND descendant_id = $4 LIMIT 1
                """, binds).isEmpty
        }
        var window = ""
        if let at {
            binds.append(.date(at))
            window = " AND " + Self.inForce("r", at: "$5")
        }
        // Walk up from the descendant: the ancestors of one party are few.
        return try await !conn.query("""
            WITH RECURSIVE up(id, depth) AS (
                SELECT r.parent_id, 1 FROM relationships r WHERE r.tenant_id = $1 AND r.type = $2 AND r.child_id = $4\(window)
                UNION
                SELECT r.parent_id, up.depth + 1 FROM up CROSS JOIN relationships r
                WHERE r.child_id = up.id AND r.tenant_id = $1 AND r.type = $2 AND up.depth < \(Self.maxDepth)\(window)
            )
            SELECT 1 AS found FROM up WHERE id = $3 LIMIT 1
            """, binds).isEmpty
    }

    /// The edge `alias` is in force at the instant `at` (a bound parameter): its window has begun (`validFrom`, when
    /// set, is at or before it) and not ended (`validTo`, when set, is the first instant it no longer holds).
    static func inForce(_ alias: String, at: String) -> String {
        "(\(alias).valid_from IS NULL OR \(alias).valid_from <= \(at)) AND (\(alias).valid_to IS NULL OR \(alias).valid_to > \(at))"
    }

    /// The table a walk reads edges from, and the condition (on `alias`) that picks those recorded at `asOf` (a bound
    /// parameter): `relationships` as they stand, or `relationship_history`, which keeps every edge ever made with
    /// when it was made and removed (removal is exclusive, as `validTo`).
    static func edges(_ alias: String, asOf: String?) -> (table: String, recorded: String) {
        guard let asOf else { return ("relationships", "") }
        return ("relationship_history",
                " AND \(alias).created_at <= \(asOf) AND (\(alias).removed_at IS NULL OR \(alias).removed_at > \(asOf))")
    }

    /// Edges of `type` (`$n` when given; any type otherwise) that have a window. `$1` must be the tenant.
    static func windowedEdges(type: String?) -> String {
        """
        SELECT 1 FROM relationships w WHERE w.tenant_id = $1\(type.map { " AND w.type = \($0)" } ?? "")
          AND (w.valid_from IS NOT NULL OR w.valid_to IS NOT NULL)
        """
    }

    /// Whether the closure table answers for edges in force at `at`: it holds every edge, in force or not, so it
    /// answers when every edge counts (`at` nil) or when no edge of the type has a window.
    func closureAnswers(tenant: Tenant.ID, type: String, at: Date?) async throws -> Bool {
        guard at != nil else { return true }
        return try await conn.query(Self.windowedEdges(type: "$2") + " LIMIT 1", [.uuid(tenant.rawValue), .text(type)]).isEmpty
    }

    // Recursive steps are written `walk CROSS JOIN relationships`: SQLite then keeps the walk as the outer
    // loop and looks edges up by index (3.54 otherwise scans every edge of the type per step).

    /// Bound on recursive walks, which also keeps walks over edges of any type finite when types
    /// together form a cycle (each type alone can't). Reads of the closure table keep to it too (a party 65 levels
    /// down was listed by a typed hierarchy, a typed scope's search and `access/parties`, while the access graph's
    /// decisions, bounded alike, refused it: found by a probe); cycle checks look at any depth.
    static let maxDepth = 64

    /// Paths between two parties the closure table may count (its 64-bit counts with room for one more edge's).
    static let maxPaths = Double(1 << 62)

    func children(tenant: Tenant.ID, of parent: Party.ID, type: String?, at: Date?, asOf: Date?, after: Party.ID?,
                  limit: Int) async throws -> [HierarchyEntry] {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(parent.rawValue), .int(Int64(limit))]
        var filter = ""
        if let asOf { binds.append(.date(asOf)) }
        let source = Self.edges("r", asOf: asOf == nil ? nil : "$\(binds.count)")
        filter += source.recorded
        if let at {
            binds.append(.date(at))
            filter += " AND " + Self.inForce("r", at: "$\(binds.count)")
        }
        if let type {
            binds.append(.text(type))
            filter += " AND r.type = $\(binds.count)"
        }
        if let after {
            binds.append(.uuid(after.rawValue))
            filter += " AND r.child_id > $\(binds.count)"
        }
        // One entry per child, with the type and role of one of its edges (the first by type: a child holds one edge of a
        // type), never a type of one edge with the role of another (MIN of each apart did that; found by a probe).
        let rows = try await conn.query("""
            WITH x AS MATERIALIZED (
                SELECT e.child_id, e.role, e.type FROM (
                    SELECT r.child_id, r.role, r.type, ROW_NUMBER() OVER (PARTITION BY r.child_id ORDER BY r.type, r.role) AS n
                    FROM \(source.table) r
                    WHERE r.tenant_id = $1 AND r.parent_id = $2\(filter)
                      AND EXISTS (SELECT 1 FROM parties q WHERE q.tenant_id = r.tenant_id AND q.id = r.child_id AND q.state NOT IN ('deleted', 'merged'))
                ) e
                WHERE e.n = 1 ORDER BY e.child_id LIMIT $3
            )
            SELECT \(Self.prefixedPartyColumns), x.role AS edge_role, x.type AS edge_type
            FROM x CROSS JOIN parties p WHERE p.tenant_id = $1 AND p.id = x.child_id
            ORDER BY p.id
            """, binds)
        let parties = try await withTags(rows.map(makeParty))
        return zip(parties, rows).map { party, row in
            HierarchyEntry(party: party, depth: 1, role: row.string("edge_role"), type: row.string("edge_type"))
        }
    }

    func descendants(tenant: Tenant.ID, of party: Party.ID, type: String?, strategy: HierarchyStrategy, at: Date?, asOf: Date?,
                     after: Party.ID?, limit: Int) async throws -> [HierarchyEntry] {
        try await hierarchy(tenant: tenant, of: party, type: type, strategy: strategy, at: at, asOf: asOf, down: true, after: after,
                            limit: limit)
    }

    func ancestors(tenant: Tenant.ID, of party: Party.ID, type: String?, strategy: HierarchyStrategy, at: Date?, asOf: Date?,
                   after: Party.ID?, limit: Int) async throws -> [HierarchyEntry] {
        try await hierarchy(tenant: tenant, of: party, type: type, strategy: strategy, at: at, asOf: asOf, down: false, after: after,
                            limit: limit)
    }

    private func hierarchy(tenant: Tenant.ID, of party: Party.ID, type: String?, strategy: HierarchyStrategy, at: Date?, asOf: Date?,
                           down: Bool, after: Party.ID?, limit: Int) async throws -> [HierarchyEntry] {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(party.rawValue), .int(Int64(limit))]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let (from, to) = down ? ("ancestor_id", "descendant_id") : ("descendant_id", "ancestor_id")
        guard let type, strategy == .closure, asOf == nil, try await closureAnswers(tenant: tenant, type: type, at: at) else {
            return try await walkedHierarchy(tenant: tenant, of: party, type: type, at: at, asOf: asOf, down: down, after: after,
                                             limit: limit)
        }
        let typeParam = bind(.text(type))
        let afterFilter = after.map { " AND c.\(to) > \(bind(.uuid($0.rawValue)))" } ?? ""
        // The found ids are materialized first and drive the join (CROSS JOIN fixes the order in SQLite, which
        // otherwise may scan every party of the tenant and probe the found ids).
        let rows = try await conn.query("""
            WITH found AS MATERIALIZED (
                SELECT c.\(to) AS id, MIN(c.depth) AS depth FROM party_closure c
                WHERE c.tenant_id = $1 AND c.type = \(typeParam) AND c.\(from) = $2 AND c.depth <= \(Self.maxDepth)\(afterFilter)
                  AND EXISTS (SELECT 1 FROM parties q WHERE q.tenant_id = c.tenant_id AND q.id = c.\(to) AND q.state NOT IN ('deleted', 'merged'))
                GROUP BY c.\(to) ORDER BY c.\(to) LIMIT $3)
            SELECT \(Self.prefixedPartyColumns), x.depth AS hierarchy_depth FROM found x
            CROSS JOIN parties p WHERE p.tenant_id = $1 AND p.id = x.id
            ORDER BY p.id
            """, binds)
        let parties = try await withTags(rows.map(makeParty))
        return zip(parties, rows).map { party, row in HierarchyEntry(party: party, depth: Int(row.int("hierarchy_depth") ?? 0)) }
    }

    /// A hierarchy the closure table can't answer (edges of any type, in force at an instant, or as recorded at one),
    /// walked over its edges. The database reads each party below (or above) once and returns the edges out of them;
    /// the depths, the shortest within `maxDepth`, are counted here. A walk that carried its depth in SQL read a party
    /// once for each length of path to it: on graphs of many parents, up to `maxDepth` times.
    private func walkedHierarchy(tenant: Tenant.ID, of party: Party.ID, type: String?, at: Date?, asOf: Date?,
                                 down: Bool, after: Party.ID?, limit: Int) async throws -> [HierarchyEntry] {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .uuid(party.rawValue)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let (edgeFrom, edgeTo) = down ? ("parent_id", "child_id") : ("child_id", "parent_id")
        var filter = type.map { " AND r.type = \(bind(.text($0)))" } ?? ""
        if let at { filter += " AND " + Self.inForce("r", at: bind(.date(at))) }
        let source = Self.edges("r", asOf: asOf.map { bind(.date($0)) })
        filter += source.recorded
        let edgeRows = try await conn.query("""
            WITH RECURSIVE walk(id) AS (
                SELECT $2
                UNION
                SELECT r.\(edgeTo) FROM walk w CROSS JOIN \(source.table) r WHERE r.\(edgeFrom) = w.id AND r.tenant_id = $1\(filter)
            )
            SELECT r.\(edgeFrom) AS from_id, r.\(edgeTo) AS to_id FROM walk w CROSS JOIN \(source.table) r
            WHERE r.\(edgeFrom) = w.id AND r.tenant_id = $1\(filter)
            """, binds)
        var next: [UUID: [UUID]] = [:]
        for row in edgeRows { next[try row.uuid("from_id"), default: []].append(try row.uuid("to_id")) }
        // Breadth first: a party's depth is the level it is first met at.
        var depths: [UUID: Int] = [party.rawValue: 0]
        var level = [party.rawValue]
        var depth = 0
        while !level.isEmpty, depth < Self.maxDepth {
            depth += 1
            var found: [UUID] = []
            for id in level {
                for to in next[id] ?? [] where depths[to] == nil {
                    depths[to] = depth
                    found.append(to)
                }
            }
            level = found
        }
        depths[party.rawValue] = nil
        var candidates = Array(depths.keys)
        if let after { candidates.removeAll { !(Party.ID($0) > after) } }
        candidates.sort { Party.ID($0) < Party.ID($1) }
        // The live ones among them, in id order, a chunk at a time until the page is full.
        var entries: [HierarchyEntry] = []
        var start = 0
        let chunk = max(limit, 200)
        while entries.count < limit, start < candidates.count {
            let ids = candidates[start..<min(start + chunk, candidates.count)]
            start += ids.count
            var partyBinds: [SQLValue] = [.uuid(tenant.rawValue)]
            let list = ids.map { id -> String in
                partyBinds.append(.uuid(id))
                return "$\(partyBinds.count)"
            }.joined(separator: ", ")
            let rows = try await conn.query("""
                SELECT \(Self.partyColumns) FROM parties WHERE tenant_id = $1 AND id IN (\(list))
                  AND state NOT IN ('deleted', 'merged') ORDER BY id
                """, partyBinds)
            let parties = try await withTags(rows.prefix(limit - entries.count).map(makeParty))
            entries += parties.map { HierarchyEntry(party: $0, depth: depths[$0.id.rawValue] ?? 0) }
        }
        return entries
    }

    func closureRows(tenant: Tenant.ID, type: String) async throws -> [ClosureRow] {
        try await conn.query("""
            SELECT type, ancestor_id, descendant_id, depth, paths FROM party_closure WHERE tenant_id = $1 AND type = $2
            """, [.uuid(tenant.rawValue), .text(type)]).map { row in
            ClosureRow(type: try row.requiredString("type"), ancestor: .init(try row.uuid("ancestor_id")),
                       descendant: .init(try row.uuid("descendant_id")), depth: Int(row.int("depth") ?? 0), paths: row.int("paths") ?? 0)
        }
    }

    func makeRelationship(_ row: SQLRow) throws -> Relationship {
        Relationship(id: .init(try row.uuid("id")), tenantID: .init(try row.uuid("tenant_id")), parentID: .init(try row.uuid("parent_id")),
                     childID: .init(try row.uuid("child_id")), type: try row.requiredString("type"), role: row.string("role"),
                     validFrom: try row.optionalDate("valid_from"), validTo: try row.optionalDate("valid_to"),
                     createdAt: try row.date("created_at"))
    }
}
