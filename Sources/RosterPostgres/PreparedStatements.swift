import PostgresNIO
import RosterSQL
import Synchronization

/// Which statements run prepared, and under which names. A statement with parameters is prepared once per connection
/// (PostgresNIO keeps a connection's prepared statements by name) and then only bound and executed: PostgreSQL parses and
/// plans it once instead of on every execution. Each statement text and its parameters' types (which PostgreSQL fixes
/// when it prepares) get a name of their own in this process, so two statements never share one.
///
/// Left unprepared: statements without parameters (transaction control, DDL) and large ones (multi-row inserts, whose
/// many shapes would each stay prepared on every connection), and any statement once this process has named
/// `maxStatements` (a connection keeps what it prepared until it closes; Roster's code has a few hundred texts).
final class PreparedStatements: Sendable {
    static let shared = PreparedStatements()
    static let maxParameters = 40
    static let maxStatements = 2_000

    private struct State {
        var names: [String: String] = [:]
        var next = 0
    }

    private let state = Mutex(State())

    /// The name to prepare `sql` under with parameters of these types; nil to run it unprepared.
    func name(_ sql: String, _ binds: [SQLValue]) -> String? {
        guard !binds.isEmpty, binds.count <= Self.maxParameters else { return nil }
        let key = Self.key(sql, binds)
        return state.withLock { state in
            if let name = state.names[key] { return name }
            guard state.next < Self.maxStatements else { return nil }
            state.next += 1
            let name = "roster_\(state.next)"
            state.names[key] = name
            return name
        }
    }

    /// Statement `name` failed. When PostgreSQL refused to prepare it (a statement sent inside a transaction that had
    /// already failed is refused too, or one that waited too long for a lock), PostgresNIO keeps that refusal for the
    /// name on that connection for good: the next use takes a new name (unless another task renamed it already).
    func failed(_ name: String, _ sql: String, _ binds: [SQLValue], _ error: any Error) {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], Self.mayBeRefusedPreparation(state) else { return }
        let key = Self.key(sql, binds)
        self.state.withLock { state in
            if state.names[key] == name { state.names[key] = nil }
        }
    }

    /// Errors PostgreSQL may answer a Parse with: the transaction already failed (25P02), no such statement (26000), a
    /// cached plan that no longer fits (0A000), syntax and names (42), a timeout waiting for a lock (55P03, 57014).
    /// Executing raises these too, rarely; a new name then only costs preparing again.
    static func mayBeRefusedPreparation(_ sqlState: String) -> Bool {
        ["25P02", "26000", "0A000", "55P03", "57014"].contains(sqlState) || sqlState.hasPrefix("42")
    }

    static func key(_ sql: String, _ binds: [SQLValue]) -> String {
        var key = sql
        key.reserveCapacity(sql.utf8.count + binds.count + 1)
        key.append("\u{0}")
        for bind in binds {
            switch bind {
            case .null: key.append("n")
            case .int: key.append("i")
            case .double: key.append("d")
            case .text: key.append("t")
            case .bool: key.append("b")
            case .uuid: key.append("u")
            case .date: key.append("D")
            case .json: key.append("j")
            }
        }
        return key
    }
}

/// The statement `PostgresConnection.execute` prepares and runs: PostgresNIO asks a prepared statement's type for its
/// name and text, so they come from the task that executes it.
struct RosterStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow
    @TaskLocal static var current: (name: String, sql: String) = ("", "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
