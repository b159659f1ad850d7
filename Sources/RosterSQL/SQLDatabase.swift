public import Foundation
import RosterCore

/// A value bound to, or read from, a statement. Each driver maps these to its own types
/// (`uuid` and `timestamptz` on PostgreSQL, text and integer microseconds on SQLite).
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case uuid(UUID)
    case date(Date)
    /// JSON text; PostgreSQL stores it as `jsonb`.
    case json(String)
}

public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// How long a SQLite statement waits for a lock another connection holds (SQLite's busy timeout), and a writer's
    /// transaction for the write lock.
    public static let sqliteBusyMilliseconds = 5000
}

/// Driver failures in the two cases callers act on; anything else passes through.
public enum SQLError: Error, Sendable {
    case uniqueViolation(constraint: String?)
    /// A foreign key refers to a row that does not exist (any more).
    case missingReference
    /// The database gave up the transaction for a concurrent one (deadlock, serialization); it may be tried again.
    case concurrentWrite
    case malformedRow(String)
    /// The database can't be reached (connection refused, lost, or none within the wait): the caller gets a 503.
    case unavailable(String)
}

/// The columns of a statement's result, shared by its rows: a row holds its values in this order, so that reading
/// a page of rows builds no dictionary per row (that was 5% of an export in perf).
public final class SQLColumns: Sendable {
    public let names: [String]
    let positions: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
    }
}

/// One result row, by column name.
public struct SQLRow: Sendable {
    public let columns: SQLColumns
    public let cells: [SQLValue]

    public init(columns: SQLColumns, cells: [SQLValue]) {
        self.columns = columns
        self.cells = cells
    }

    public init(values: [String: SQLValue]) {
        let names = Array(values.keys)
        self.init(columns: SQLColumns(names), cells: names.map { values[$0] ?? .null })
    }

    /// The row as a dictionary (diagnostics; reads go through the subscript).
    public var values: [String: SQLValue] {
        Dictionary(zip(columns.names, cells), uniquingKeysWith: { first, _ in first })
    }

    public subscript(_ column: String) -> SQLValue {
        guard let position = columns.positions[column] else { return .null }
        return cells[position]
    }

    public func string(_ column: String) -> String? {
        switch self[column] {
        case .text(let s), .json(let s): s
        case .int(let i): String(i)
        case .uuid(let u): u.lowercasedText
        case .bool(let b): b ? "true" : "false"
        case .double(let d): String(d)
        case .date(let d): String(d.timeIntervalSince1970)
        case .null: nil
        }
    }

    public func requiredString(_ column: String) throws -> String {
        guard let value = string(column) else { throw SQLError.malformedRow("\(column) is null") }
        return value
    }

    public func int(_ column: String) -> Int64? {
        switch self[column] {
        case .int(let i): i
        case .double(let d): Int64(d)
        case .text(let s): Int64(s)
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    public func bool(_ column: String) -> Bool? {
        switch self[column] {
        case .bool(let b): b
        case .int(let i): i != 0
        default: nil
        }
    }

    public func uuid(_ column: String) throws -> UUID {
        switch self[column] {
        case .uuid(let u): return u
        case .text(let s): if let u = UUID(text: s) { return u }
        default: break
        }
        throw SQLError.malformedRow("\(column) is not a uuid")
    }

    public func optionalUUID(_ column: String) throws -> UUID? {
        if case .null = self[column] { return nil }
        return try uuid(column)
    }

    public func date(_ column: String) throws -> Date {
        switch self[column] {
        case .date(let d): return d
        case .int(let micros): return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        default: throw SQLError.malformedRow("\(column) is not a timestamp")
        }
    }

    public func optionalDate(_ column: String) throws -> Date? {
        if case .null = self[column] { return nil }
        return try date(column)
    }
}

/// A connection inside a transaction (or a read snapshot). Statements use `$1`, `$2`, ... placeholders.
public protocol SQLConnection: Sendable {
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLConnection {
    @discardableResult
    public func execute(_ sql: String, _ binds: [SQLValue] = []) async throws -> [SQLRow] {
        try await query(sql, binds)
    }
}

/// A database: hands out connections inside transactions.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    func withTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T
    func withReadTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T
    /// Runs statements outside a transaction (migrations that manage their own).
    func withConnection<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T
    /// Whether the database answers a statement now (`/health/ready`); throws when it does not.
    func checkAnswers() async throws
}

extension SQLDatabase {
    public func checkAnswers() async throws {
        _ = try await withReadTransaction { conn in try await conn.query("SELECT 1 AS ok", []) }
    }
}
