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

extension GroupWriteTests {
    /// When the shared transaction fails (here: its first attempt, after the bodies ran), each body runs again alone.
    @Test(arguments: StoreKind.allCases)
    func aFailedSharedTransactionRunsEachBodyAlone(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let flaky = FailingOnce(base: rt.database.store)
            let writer = GroupWriter(store: flaky)
            let gate = Gate()
            let first = Task { try await writer.write { tx in
                try await tx.insertTag(RosterCore.Tag(id: .make(), tenantID: tenant.id, text: "held", color: "#000000", createdAt: Date()))
                await gate.wait()
                return "held"
            } }
            while writer.transactions == 0 || writer.queued > 0 { try await Task.sleep(for: .milliseconds(5)) }
            let others = ["one", "two", "three"].map { text in
                Task { try await writer.write { tx -> String in
                    try await tx.insertTag(RosterCore.Tag(id: .make(), tenantID: tenant.id, text: text, color: "#000000", createdAt: Date()))
                    return text
                } }
            }
            while writer.queued < 3 { try await Task.sleep(for: .milliseconds(5)) }
            // The first transaction (the held caller alone) is the one that fails: its caller gets the error.
            await gate.open()
            await #expect(throws: FailingOnce.Injected.self) { try await first.value }
            for (task, text) in zip(others, ["one", "two", "three"]) { #expect(try await task.value == text) }
            let kept = try await rt.database.store.read { tx in try await tx.tagUsage(tenant: tenant.id) }.map(\.tag.text)
            #expect(kept.sorted() == ["one", "three", "two"])

            // A batch whose shared transaction fails: every body runs again alone, each caller gets its own answer.
            flaky.plan.withLock { $0 = [false, true] }  // the holder's transaction commits, the batch's fails
            let gate2 = Gate()
            let before = writer.transactions
            let holder = Task { try await writer.write { _ in await gate2.wait(); return "holder" } }
            while writer.transactions == before || writer.queued > 0 { try await Task.sleep(for: .milliseconds(5)) }
            let batch = ["four", "five"].map { text in
                Task { try await writer.write { tx -> String in
                    try await tx.insertTag(RosterCore.Tag(id: .make(), tenantID: tenant.id, text: text, color: "#000000", createdAt: Date()))
                    return text
                } }
            }
            while writer.queued < 2 { try await Task.sleep(for: .milliseconds(5)) }
            await gate2.open()
            #expect(try await holder.value == "holder")
            for (task, text) in zip(batch, ["four", "five"]) { #expect(try await task.value == text) }
            let all = try await rt.database.store.read { tx in try await tx.tagUsage(tenant: tenant.id) }.map(\.tag.text)
            #expect(all.sorted() == ["five", "four", "one", "three", "two"])
        }
    }
}

/// The store, but a write transaction fails after its body ran (as a failed commit would) when the next entry of `plan` says so.
final class FailingOnce: Store {
    struct Injected: Error {}
    let base: any Store
    let plan = Mutex([true])

    init(base: any Store) { self.base = base }

    func write<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await base.write { tx in
            let value = try await body(tx)
            let fail = plan.withLock { plan in plan.isEmpty ? false : plan.removeFirst() }
            if fail { throw Injected() }
            return value
        }
    }

    func read<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T { try await base.read(body) }
    func checkHealth() async throws { try await base.checkHealth() }
    var kind: String { base.kind }
    func checkpoint() async throws { try await base.checkpoint() }
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
