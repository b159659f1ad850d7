import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import Testing

/// The limits every PostgreSQL session of Roster's sets on the server (`PostgresDatabase.sessionParameters`): a
/// transaction that keeps a tenant's records locked (a process cut off from the server in the middle of it) makes
/// the others wait 5 s at most, then answer unavailable (a 503 to try again); they waited with no end (found by a
/// probe of a network partition).
@Suite struct PostgresSessionLimitTests {
    @Test func aLockHeldTooLongMakesWritersUnavailableNotStuck() async throws {
        try await TestDatabase.with(.postgres) { rt in
            let tenant = try await rt.makeTenant()
            let settings = try await rt.database.sql.withTransaction { conn in
                try await conn.query("SELECT current_setting('lock_timeout') AS l, current_setting('idle_in_transaction_session_timeout') AS i", [])
            }
            #expect(settings.first?.string("l") == "5s" && settings.first?.string("i") == "15s")
            let held = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await rt.database.sql.withTransaction { conn in
                    _ = try await conn.query("SELECT seq FROM audit_heads WHERE tenant_id = $1 FOR UPDATE", [.uuid(tenant.id.rawValue)])
                    held.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in held.stream { break }
            let started = ContinuousClock.now
            do {
                _ = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Waiting Ltd"), context: .test)
                Issue.record("the write went through a held lock")
            } catch {
                // What the API answers: 503, saying why.
                let answer = (error as? RosterError) ?? (error as? any RosterErrorConvertible)?.rosterError
                guard case .unavailable(let detail)? = answer else { Issue.record("\(error)"); return }
                #expect(detail.contains("locked"), "\(detail)")
            }
            let waited = ContinuousClock.now - started
            #expect(waited < .seconds(12), "\(waited)")
            release.continuation.yield()
            try await holder.value
            // Once the lock is gone, the write goes through.
            _ = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Waiting Ltd"), context: .test)
        }
    }
}
