import Foundation
import RosterApp
import RosterSQL
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
}
