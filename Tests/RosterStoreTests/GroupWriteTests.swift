import Foundation
import RosterApp
import RosterCore
import RosterSQL
@testable import RosterService
import RosterStore
import Synchronization
import Testing

/// `GroupWriter`: concurrent callers' transactions as one, each caller's writes in a savepoint of its own.
@Suite("Group commit")
struct GroupWriteTests {
    @Test(arguments: StoreKind.allCases)
    func callersShareATransactionAndKeepTheirOwnOutcome(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let writer = GroupWriter(store: rt.database.store)
            let gate = Gate()
            @Sendable func tag(_ index: Int) -> RosterCore.Tag {
                RosterCore.Tag(id: .make(), tenantID: tenant.id, text: "group \(index)", color: "#000000", createdAt: Date())
            }
            // The first caller holds its transaction open until the others are queued: they then go in one transaction.
            let first = Task { try await writer.write { tx in
                try await tx.insertTag(tag(0))
                await gate.wait()
                return 0
            } }
            while await writer.transactions == 0 || writer.queued > 0 { try await Task.sleep(for: .milliseconds(5)) }
            let others = (1...15).map { index in
                Task { try await writer.write { tx -> Int in
                    try await tx.insertTag(tag(index))
                    // Odd callers fail after their write: only their own writes are undone.
                    if index.isMultiple(of: 2) { return index }
                    throw RosterError.invalid("index", "is odd")
                } }
            }
            while writer.queued < 15 { try await Task.sleep(for: .milliseconds(5)) }
            await gate.open()
            #expect(try await first.value == 0)
            for (offset, task) in others.enumerated() {
                let index = offset + 1
                if index.isMultiple(of: 2) {
                    #expect(try await task.value == index)
                } else {
                    await #expect(throws: RosterError.self) { try await task.value }
                }
            }
            #expect(await writer.transactions == 2)
            let kept = try await rt.database.store.read { tx in try await tx.tagUsage(tenant: tenant.id) }.map(\.tag.text)
            #expect(Set(kept) == Set([0, 2, 4, 6, 8, 10, 12, 14].map { "group \($0)" }))
        }
    }
}

/// A one-shot signal.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }
}

/// PostgreSQL prepares each statement with parameters once per connection (`PreparedStatements`).
@Suite("PostgreSQL prepared statements")
struct PreparedStatementTests {
    @Test func aStatementRunsWithEveryTypeOfValueAndAfterAFailedTransaction() async throws {
        try await TestDatabase.with(.postgres) { rt in
            try await rt.database.sql.withConnection { conn in
                // Texts no connection has prepared yet.
                let marker = UUID().uuidString
                let echo = "SELECT CAST($1 AS text) AS v -- \(marker)"
                // PostgreSQL fixes a parameter's type when it prepares the statement: each set of types is its own statement.
                #expect(try await conn.query(echo, [.text("x")]).first?.string("v") == "x")
                #expect(try await conn.query(echo, [.int(7)]).first?.string("v") == "7")
                #expect(try await conn.query(echo, [.null]).first?["v"] == .null)
                #expect(try await conn.query(echo, [.uuid(UUID(uuidString: marker)!)]).first?.string("v") == marker.lowercased())

                // A statement first sent inside a failed transaction is refused when prepared; it runs after the rollback.
                let fresh = "SELECT CAST($1 AS int) + 1 AS v -- \(marker)"
                try await conn.execute("BEGIN")
                await #expect(throws: (any Error).self) { try await conn.query("SELECT 1 / (CAST($1 AS int) - 1) AS v -- \(marker)", [.int(1)]) }
                await #expect(throws: (any Error).self) { try await conn.query(fresh, [.int(1)]) }
                try await conn.execute("ROLLBACK")
                #expect(try await conn.query(fresh, [.int(1)]).first?.int("v") == 2)
            }
        }
    }
}
