import Foundation
import RosterApp
import RosterCore
import RosterSQL
import RosterStore
import Testing

/// A PostgreSQL server that does not answer: every store call ends within the bounded wait with
/// `StoreError.unavailable` (a 503 for clients), instead of queueing in the pool (issue 9, item 7).
@Suite("Store: an unreachable PostgreSQL")
struct UnavailableDatabaseTests {
    @Test func callsEndWithUnavailableWithinTheWait() async throws {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        let database = try await RosterDatabase.open(url: "postgres://roster:roster@127.0.0.1:9/roster", logger: TestDatabase.logger)
        try await database.withRunning { database in
            let clock = ContinuousClock()
            for attempt in 0..<3 {
                let start = clock.now
                do {
                    _ = try await database.store.read { tx in try await tx.tenant(slug: "any") }
                    Issue.record("a read succeeded without a database")
                } catch let error as StoreError {
                    #expect(error == .unavailable(error.unavailableDetail), "attempt \(attempt): \(error)")
                    #expect((error as any RosterErrorConvertible).rosterError.isUnavailable)
                } catch {
                    Issue.record("attempt \(attempt): \(error) is not StoreError.unavailable")
                }
                // Not timed here: other suites block this process's threads (the CLI test measures the wait).
                _ = clock.now - start
            }
            await #expect(throws: StoreError.self) { try await database.store.checkHealth() }
        }
    }
}

extension StoreError {
    var unavailableDetail: String { if case .unavailable(let detail) = self { return detail }; return "" }
}

extension RosterError {
    var isUnavailable: Bool { if case .unavailable = self { return true }; return false }
}
