import PostgresNIO
import RosterSQL
import Synchronization

/// The time limits and the dead-connection checks of the PostgreSQL driver, kept by one task for the whole process
/// instead of a timer task per wait and a task per statement (together they cost about a tenth of a request's time).
/// The task wakes every 20 ms while something is watched and ends when nothing is: it runs the deadlines that have
/// passed, and fails the statements whose connection has closed under them (PostgresNIO 1.33 leaves a statement in
/// flight when the server ends the session pending for good; see `PostgresSQLConnection.query`).
final class Watchdog: Sendable {
    static let shared = Watchdog()
    static let tick = Duration.milliseconds(20)

    /// A handle to cancel what was registered.
    struct Key: Hashable, Sendable {
        fileprivate let value: Int
    }

    /// A statement waiting for its rows: finished by its own completion or, when its connection closes first, by the
    /// watchdog. Whichever comes first wins; the other finds the continuation gone.
    final class Statement: Sendable {
        let connection: PostgresConnection
        private let continuation = Mutex<CheckedContinuation<[PostgresRow], any Error>?>(nil)

        init(connection: PostgresConnection) { self.connection = connection }

        func wait(_ continuation: CheckedContinuation<[PostgresRow], any Error>) {
            self.continuation.withLock { $0 = continuation }
        }

        func finish(_ result: Result<[PostgresRow], any Error>) {
            let waiting = continuation.withLock { continuation in
                defer { continuation = nil }
                return continuation
            }
            waiting?.resume(with: result)
        }
    }

    private struct State {
        var next = 0
        var deadlines: [Int: (at: ContinuousClock.Instant, action: @Sendable () -> Void)] = [:]
        var statements: [Int: Statement] = [:]
        var running = false

        mutating func key() -> Int {
            next += 1
            return next
        }

        /// Marks the loop running; true when the caller must start it.
        mutating func startIfIdle() -> Bool {
            defer { running = true }
            return !running
        }
    }

    private let state = Mutex(State())

    /// Runs `action` once `limit` has passed (within one tick), unless cancelled before.
    func after(_ limit: Duration, _ action: @escaping @Sendable () -> Void) -> Key {
        let deadline = ContinuousClock.now.advanced(by: limit)
        let (key, start) = state.withLock { state in
            let key = state.key()
            state.deadlines[key] = (deadline, action)
            return (key, state.startIfIdle())
        }
        if start { startLoop() }
        return Key(value: key)
    }

    /// Watches `statement` until `unwatch`, failing it as unavailable if its connection closes meanwhile.
    func watch(_ statement: Statement) -> Key {
        let (key, start) = state.withLock { state in
            let key = state.key()
            state.statements[key] = statement
            return (key, state.startIfIdle())
        }
        if start { startLoop() }
        return Key(value: key)
    }

    func cancel(_ key: Key) {
        state.withLock { state in
            if state.deadlines.removeValue(forKey: key.value) == nil { state.statements.removeValue(forKey: key.value) }
        }
    }

    private func startLoop() {
        Task.detached { await self.loop() }
    }

    private func loop() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let (due, closed, idle) = state.withLock { state in
                let due = state.deadlines.filter { $0.value.at <= now }
                for key in due.keys { state.deadlines.removeValue(forKey: key) }
                let closed = state.statements.filter { $0.value.connection.isClosed }
                for key in closed.keys { state.statements.removeValue(forKey: key) }
                let idle = state.deadlines.isEmpty && state.statements.isEmpty
                if idle { state.running = false }
                return (due.values.map(\.action), Array(closed.values), idle)
            }
            for action in due { action() }
            for statement in closed {
                statement.finish(.failure(SQLError.unavailable("the database connection closed during a statement")))
            }
            if idle { return }
        }
    }
}
