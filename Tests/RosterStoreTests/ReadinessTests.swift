import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import RosterStore
import Testing

/// `/health/ready`'s check of the database (`SQLStore.checkHealth`).
@Suite("Store: readiness")
struct ReadinessTests {
    /// PostgreSQL: a connection the network leaves silent (no answer and no reset; here its server processes are
    /// stopped with SIGSTOP) fails the check within about 2 s. It hung while requests failed over to 503 (found by a probe
    /// with a proxy that dropped the traffic).
    @Test func aSilentServerFailsTheCheckWithinSeconds() async throws {
        try await SchemaFixture.withEmpty(.postgres) { database in
            // A pooled connection to stop (a statement outside the check's 2 s, which a loaded test run may need to connect).
            _ = try await database.sql.withConnection { conn in try await conn.query("SELECT 1 AS ok", []) }
            let pids = try await database.sql.withConnection { conn in
                try await conn.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()", []).compactMap { $0.int("pid") }
            }
            #expect(!pids.isEmpty)
            let stopped = pids.filter { kill(pid_t($0), SIGSTOP) == 0 }
            defer { for pid in stopped { kill(pid_t(pid), SIGCONT) } }
            #expect(stopped.count == pids.count, "can't stop PostgreSQL's server processes (run as their user, or root): \(errno)")
            let clock = ContinuousClock()
            let start = clock.now
            var failed = false
            do {
                try await database.store.checkHealth()
            } catch {
                failed = true
            }
            let took = clock.now - start
            #expect(failed && took < .seconds(5), "the check \(failed ? "failed" : "answered") after \(took)")
        }
    }

    /// The audit log's commit waiting on the database (here a write transaction holding the tenant's audit head, as a
    /// process cut off mid-transaction held it) fails readiness once it has waited longer than the limit, while the
    /// database still answers a statement; when it commits, readiness is back.
    @Test(arguments: StoreKind.allCases)
    func aStalledAuditCommitFailsReadiness(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let audit = AuditLog(store: rt.database.store)
            let holding = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            try await audit.record([AuditEvent(tenantID: tenant.id, context: .test, action: "test.first", targetType: "tenant",
                                               targetID: tenant.id.description)])
            // A writer holding the tenant's audit head: SQLite's one writer; on PostgreSQL the head's row lock.
            let holder = Task {
                if kind == .sqlite {
                    try await rt.database.store.write { _ in
                        holding.continuation.yield()
                        for await _ in release.stream { break }
                    }
                } else {
                    try await rt.database.sql.withConnection { conn in
                        _ = try await conn.query("BEGIN", [])
                        let locked = try await conn.query("SELECT seq FROM audit_heads WHERE tenant_id = $1 FOR UPDATE", [.uuid(tenant.id.rawValue)])
                        #expect(locked.count == 1)
                        holding.continuation.yield()
                        for await _ in release.stream { break }
                        _ = try await conn.query("COMMIT", [])
                    }
                }
            }
            for await _ in holding.stream { break }
            let reader = Task {
                try await audit.record([AuditEvent(tenantID: tenant.id, context: .test, action: "party.read", targetType: "party",
                                                   targetID: UUID().uuidString)])
            }
            // Waited past the limit (polled: on a loaded machine the commit may start late).
            var stalled = false
            for _ in 0..<100 where !stalled {
                try await Task.sleep(for: .milliseconds(100))
                stalled = (try? audit.requireFlowing(within: .milliseconds(200))) == nil
            }
            #expect(stalled, "the commit never counted as waiting")
            try audit.requireFlowing(within: .seconds(60))
            release.continuation.yield()
            try await holder.value
            try await reader.value
            // Flowing again once the commit's bookkeeping is done (the record returns as its entries commit, and the
            // commit counted as waiting a moment longer: run alone, the check came first and saw it; 2026-12-07).
            var flowing = false
            for _ in 0..<100 where !flowing {
                flowing = (try? audit.requireFlowing(within: .milliseconds(1))) != nil
                if !flowing { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(flowing, "the commit still counts as waiting after it committed")
        }
    }
}
