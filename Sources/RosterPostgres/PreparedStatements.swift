import PostgresNIO
import RosterSQL
import Synchronization

/// Which statements run prepared, and under which names. A statement with parameters is prepared once per connection
/// (PostgresNIO keeps a connection's prepared statements by name) and then only bound and executed: PostgreSQL parses and
/// plans it once instead of on every execution. Each statement text and its parameters' types (which PostgreSQL fixes
/// when it prepares) get a name of their own in this process, so two statements never share one.
///
/// Left unprepared: statements without parameters (transaction control, DDL) and large ones (multi-row inserts, whose
/// many shapes would each stay prepared on every connection).
final class PreparedStatements: Sendable {
    static let shared = PreparedStatements()
    static let maxParameters = 40

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
            state.next += 1
            let name = "roster_\(state.next)"
            state.names[key] = name
            return name
        }
    }

    /// A statement failed: when PostgreSQL refused to prepare it (a statement sent inside a transaction that had already
    /// failed is refused too), PostgresNIO keeps that refusal for the name on that connection; the next use takes a new name.
    func failed(_ sql: String, _ binds: [SQLValue], _ error: any Error) {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], !Self.executionOnly(state) else { return }
        let key = Self.key(sql, binds)
        self.state.withLock { $0.names[key] = nil }
    }

    /// Errors that only executing a prepared statement raises (constraint violations, deadlocks, bad values).
    static func executionOnly(_ sqlState: String) -> Bool {
        sqlState.hasPrefix("23") || sqlState.hasPrefix("40") || sqlState.hasPrefix("22")
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
