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
        var sql = "p.tenant_id = $1 AND p.state <> 'deleted'"
        if let within {
            sql += " AND " + Self.scopeCondition(within, party: "p.id", at: Date.rosterNow, asOf: nil, bind: bind)
        }
        return (sql, binds)
    }
}
