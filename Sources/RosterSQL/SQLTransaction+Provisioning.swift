import Foundation
import RosterCore
import RosterStore

extension SQLTransaction {
    /// When a worker should next look at the workflow; `nil` when it has nothing to do.
    private static func dueAt(_ state: Provisioning) -> SQLValue {
        guard state.needsWork else { return .null }
        if state.phase == .active, let next = state.tracking.nextAttemptAt { return .date(next) }
        return .date(state.startedAt)
    }

    func insertProvisioning(tenant: Tenant.ID, _ state: Provisioning) async throws {
        try await conn.execute("INSERT INTO provisioning (tenant_id, state, due_at, version) VALUES ($1, $2, $3, 1)",
                               [.uuid(tenant.rawValue), .json(try ProvisioningStates.encode(state)), Self.dueAt(state)])
    }

    func provisioning(tenant: Tenant.ID) async throws -> (state: Provisioning, version: Int)? {
        guard let row = try await conn.query("SELECT state, version FROM provisioning WHERE tenant_id = $1", [.uuid(tenant.rawValue)]).first,
              let state = try ProvisioningStates.decode(row.string("state"))
        else { return nil }
        return (state, Int(row.int("version") ?? 0))
    }

    func updateProvisioning(tenant: Tenant.ID, _ state: Provisioning, expectedVersion: Int, owner: String?,
                            release: Bool = false) async throws -> Bool {
        var binds: [SQLValue] = [.uuid(tenant.rawValue), .json(try ProvisioningStates.encode(state)), Self.dueAt(state),
                                 .int(Int64(expectedVersion))]
        var ownerFilter = ""
        if let owner {
            binds.append(.text(owner))
            ownerFilter = " AND lease_owner = $5"
        }
        let lease = release && owner != nil ? ", lease_owner = NULL, lease_until = NULL" : ""
        return try await !conn.query("""
            UPDATE provisioning SET state = $2, due_at = $3, version = version + 1\(lease)
            WHERE tenant_id = $1 AND version = $4\(ownerFilter) RETURNING version
            """, binds).isEmpty
    }

    func claimProvisioning(tenant: Tenant.ID, owner: String, until: Date, now: Date) async throws -> Bool {
        try await !conn.query("""
            UPDATE provisioning SET lease_owner = $2, lease_until = $3
            WHERE tenant_id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $4) RETURNING version
            """, [.uuid(tenant.rawValue), .text(owner), .date(until), .date(now)]).isEmpty
    }

    func releaseProvisioning(tenant: Tenant.ID, owner: String) async throws {
        try await conn.execute("UPDATE provisioning SET lease_owner = NULL, lease_until = NULL WHERE tenant_id = $1 AND lease_owner = $2",
                               [.uuid(tenant.rawValue), .text(owner)])
    }

    func dueProvisioning(now: Date, limit: Int) async throws -> [Tenant.ID] {
        try await conn.query("""
            SELECT tenant_id FROM provisioning WHERE due_at IS NOT NULL AND due_at <= $1 AND (lease_owner IS NULL OR lease_until < $1)
            ORDER BY due_at LIMIT $2
            """, [.date(now), .int(Int64(limit))]).map { Tenant.ID(try $0.uuid("tenant_id")) }
    }

    func pendingProvisioningCount() async throws -> Int {
        Int(try await conn.query("SELECT count(*) AS n FROM provisioning WHERE due_at IS NOT NULL", []).first?.int("n") ?? 0)
    }

    /// PostgreSQL: a transaction-scoped advisory lock on the key. SQLite: its single writer already serializes.
    func lockIdempotencyKey(_ key: String) async throws {
        guard dialect == .postgres else { return }
        _ = try await conn.query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 7))) AS lock",
                                 [.text("idempotency:\(key)")])
    }

    func idempotencyKey(_ key: String) async throws -> (requestHash: String, tenantID: Tenant.ID, expiresAt: Date)? {
        guard let row = try await conn.query("SELECT request_hash, tenant_id, expires_at FROM idempotency_keys WHERE key = $1",
                                             [.text(key)]).first else { return nil }
        return (try row.requiredString("request_hash"), Tenant.ID(try row.uuid("tenant_id")), try row.date("expires_at"))
    }

    func insertIdempotencyKey(_ key: String, requestHash: String, tenant: Tenant.ID, expiresAt: Date) async throws {
        try await conn.execute("INSERT INTO idempotency_keys (key, request_hash, tenant_id, expires_at) VALUES ($1, $2, $3, $4)",
                               [.text(key), .text(requestHash), .uuid(tenant.rawValue), .date(expiresAt)])
    }

    func deleteExpiredIdempotencyKeys(now: Date, key: String?) async throws {
        if let key {
            try await conn.execute("DELETE FROM idempotency_keys WHERE key = $1 AND expires_at < $2", [.text(key), .date(now)])
        } else {
            try await conn.execute("DELETE FROM idempotency_keys WHERE expires_at < $1", [.date(now)])
        }
    }

    func deleteUnlinkedParty(tenant: Tenant.ID, id: Party.ID) async throws {
        try await conn.execute("DELETE FROM parties WHERE tenant_id = $1 AND id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
    }

    func deleteUser(tenant: Tenant.ID, id: User.ID) async throws {
        try await conn.execute("DELETE FROM users WHERE tenant_id = $1 AND id = $2", [.uuid(tenant.rawValue), .uuid(id.rawValue)])
    }
}
