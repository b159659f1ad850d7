import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import Testing

/// The limits every PostgreSQL session of Roster's sets on the server (`PostgresDatabase.sessionParameters`): a
/// transaction left idle with a tenant's records locked (a process cut off from the server in the middle of it) is
/// ended by the server after 15 s, and the writers waiting on it go on; they waited with no end (found by a probe of a
/// network partition).
@Suite struct PostgresSessionLimitTests {
    @Test func aTransactionLeftIdleWithItsLocksIsEnded() async throws {
        try await TestDatabase.with(.postgres) { rt in
            let tenant = try await rt.makeTenant()
            let settings = try await rt.database.sql.withTransaction { conn in
                try await conn.query("SELECT current_setting('idle_in_transaction_session_timeout') AS i, current_setting('tcp_keepalives_idle') AS k", [])
            }
            #expect(settings.first?.string("i") == "15s" && settings.first?.string("k") == "10")
            // When the holder's lock was taken, by the holder: the server's idle timer starts about then (measured from
            // the test's own task, a loaded machine's delay in resuming it was counted out of the wait).
            let held = AsyncStream<ContinuousClock.Instant>.makeStream()
            let holder = Task {
                try await rt.database.sql.withTransaction { conn in
                    _ = try await conn.query("SELECT seq FROM audit_heads WHERE tenant_id = $1 FOR UPDATE", [.uuid(tenant.id.rawValue)])
                    held.continuation.yield(.now)
                    // Idle in its transaction, as a process cut off from the server is.
                    try await Task.sleep(for: .seconds(40))
                    _ = try await conn.query("SELECT 1", [])
                }
            }
            var started = ContinuousClock.now
            for await instant in held.stream {
                started = instant
                break
            }
            _ = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Waited Ltd"), context: .test)
            let waited = ContinuousClock.now - started
            #expect(waited > .seconds(10) && waited < .seconds(35), "\(waited)")
            holder.cancel()
            #expect(await (try? holder.value) == nil, "the holder's session was ended under it")
        }
    }
}
