import Foundation
import RosterCore
import RosterSQL
import RosterSQLiteConfig
import VaporCSQLite

/// One SQLite connection over the C library that sqlite-nio vendors, with every statement prepared once and kept.
///
/// Why not sqlite-nio's connection (measured, issue 10): it prepares every statement afresh (12% of a GET of a party in
/// perf) and runs each on a thread pool, with a hop there and back per statement and one per row; every transaction
/// of the single writer pays those hops while it holds the write lock. Here a statement runs on the calling thread:
/// SQLite on a local file is computation over cached pages, as short as the JSON coding around it.
///
/// Not thread-safe by itself: its owner (`SQLiteDatabase`) lets one caller at a time use it, under a lock.
final class SQLiteHandle: @unchecked Sendable {
    private var db: OpaquePointer?
    private var statements: [String: Statement] = [:]

    private struct Statement {
        let pointer: OpaquePointer
        var names: SQLColumns
        /// How often SQLite had prepared it again (after a schema change) when `names` were read.
        var reprepared: Int32
    }

    /// Statements kept per connection; past it they are all finalized and prepared again as used (SQL that varies with
    /// its input, such as `IN` lists, would otherwise grow the cache without bound).
    static let cacheLimit = 256

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close_v2(handle)
            throw SQLiteFailure(code: code, message: "could not open \(path): \(message)")
        }
        db = handle
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        sqlite_nio_sqlite3_busy_timeout(handle, Self.busyMilliseconds)
        // Without it SQLite prepared cached statements again on every call (10% of a GET in perf): see the C target.
        let qpsg = roster_sqlite_enable_qpsg(UnsafeMutableRawPointer(handle))
        guard qpsg == SQLITE_OK else {
            sqlite_nio_sqlite3_close_v2(handle)
            db = nil
            throw SQLiteFailure(code: qpsg, message: "could not configure \(path)")
        }
    }

    deinit { close() }

    /// The pages the WAL holds after this connection's last commit (see `trackWAL`), 0 before one.
    var walPages: Int { Int(wal.pages) }
    private let wal = WALCount()

    private final class WALCount {
        var pages: Int32 = 0
    }

    /// Replaces SQLite's automatic checkpoint with a count of the WAL's pages after each commit, read by `walPages`:
    /// the owner checkpoints (on another connection) when it sees fit. The count is written by SQLite during `COMMIT`
    /// on the thread running it, and read by the same caller after it.
    func trackWAL() {
        guard let db else { return }
        _ = sqlite_nio_sqlite3_wal_hook(db, { context, _, _, pages in
            if let context { Unmanaged<WALCount>.fromOpaque(context).takeUnretainedValue().pages = pages }
            return SQLITE_OK
        }, Unmanaged.passUnretained(wal).toOpaque())
    }

    /// Copies what the WAL holds into the database file as far as no reader needs it still, without waiting for
    /// anyone (`SQLITE_CHECKPOINT_PASSIVE`); false when another connection was checkpointing.
    @discardableResult
    func checkpointPassive() throws -> Bool {
        guard let db else { throw SQLError.unavailable("the SQLite connection is closed") }
        let code = sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        if code == SQLITE_BUSY { return false }
        guard code == SQLITE_OK else { throw SQLiteFailure(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(db))) }
        return true
    }

    /// `BEGIN IMMEDIATE` without SQLite's busy wait, which sleeps on the calling thread: false at once when another
    /// connection holds the write lock, for the caller to wait without holding a thread (`SQLiteDatabase`).
    func beginImmediateUnlessBusy() throws -> Bool {
        guard let db else { throw SQLError.unavailable("the SQLite connection is closed") }
        sqlite_nio_sqlite3_busy_timeout(db, 0)
        defer { sqlite_nio_sqlite3_busy_timeout(db, Self.busyMilliseconds) }
        let pointer = try prepared("BEGIN IMMEDIATE", db: db).pointer
        let code = sqlite_nio_sqlite3_step(pointer)
        sqlite_nio_sqlite3_reset(pointer)
        if code & 0xFF == SQLITE_BUSY { return false }
        guard code == SQLITE_DONE else { throw failure(code, db: db) }
        return true
    }

    /// Another connection held the lock a statement or transaction needed for longer than the busy timeout.
    static let busy = SQLError.unavailable("the database is busy: another process held its write lock for more than 5 s (another "
                                           + "import or command?); try again when it is done")

    static let busyMilliseconds = Int32(SQLDialect.sqliteBusyMilliseconds)

    /// Runs one statement (`$n` or `?n` parameters) and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        guard let db else { throw SQLError.unavailable("the SQLite connection is closed") }
        var statement = try prepared(sql, db: db)
        let pointer = statement.pointer
        defer {
            sqlite_nio_sqlite3_reset(pointer)
            sqlite_nio_sqlite3_clear_bindings(pointer)
        }
        for (index, value) in binds.enumerated() {
            let position = Int32(index + 1)
            let code: Int32 = switch value {
            case .null: sqlite_nio_sqlite3_bind_null(pointer, position)
            case .int(let i): sqlite_nio_sqlite3_bind_int64(pointer, position, i)
            case .double(let d): sqlite_nio_sqlite3_bind_double(pointer, position, d)
            case .text(let text), .json(let text): Self.bind(text, at: position, to: pointer)
            case .bool(let b): sqlite_nio_sqlite3_bind_int64(pointer, position, b ? 1 : 0)
            case .uuid(let u): Self.bind(u.lowercasedText, at: position, to: pointer)
            case .date(let d): sqlite_nio_sqlite3_bind_int64(pointer, position, d.microsecondsSince1970)
            }
            guard code == SQLITE_OK else { throw failure(code, db: db) }
        }
        var rows: [SQLRow] = []
        while true {
            let code = sqlite_nio_sqlite3_step(pointer)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw failure(code, db: db) }
            if rows.isEmpty {
                // A schema change makes SQLite prepare the statement again, and `SELECT *` may then have other columns.
                let reprepared = sqlite_nio_sqlite3_stmt_status(pointer, SQLITE_STMTSTATUS_REPREPARE, 0)
                if reprepared != statement.reprepared {
                    statement.names = Self.columnNames(pointer)
                    statement.reprepared = reprepared
                    statements[sql] = statement
                }
            }
            var cells: [SQLValue] = []
            cells.reserveCapacity(statement.names.names.count)
            for index in statement.names.names.indices {
                cells.append(Self.value(pointer, Int32(index)))
            }
            rows.append(SQLRow(columns: statement.names, cells: cells))
        }
        return rows
    }

    /// Whether the connection has the query planner stability guarantee (tests).
    var plansIgnoreBoundValues: Bool {
        guard let db else { return false }
        return roster_sqlite_qpsg_enabled(UnsafeMutableRawPointer(db)) == 1
    }

    /// How often SQLite prepared this cached statement again (tests: bound values must not make it do so).
    func timesPreparedAgain(_ sql: String) -> Int32? {
        statements[sql].map { sqlite_nio_sqlite3_stmt_status($0.pointer, SQLITE_STMTSTATUS_REPREPARE, 0) }
    }

    var isOpen: Bool { db != nil }

    /// Finalizes every statement and closes the connection; safe to call twice.
    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.pointer) }
        statements = [:]
        if let db { sqlite_nio_sqlite3_close_v2(db) }
        db = nil
    }

    private func prepared(_ sql: String, db: OpaquePointer) throws -> Statement {
        if let found = statements[sql] { return found }
        if statements.count >= Self.cacheLimit {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.pointer) }
            statements = [:]
        }
        var pointer: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(db, Self.translate(sql), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard code == SQLITE_OK, let pointer else { throw failure(code, db: db) }
        let statement = Statement(pointer: pointer, names: Self.columnNames(pointer),
                                  reprepared: sqlite_nio_sqlite3_stmt_status(pointer, SQLITE_STMTSTATUS_REPREPARE, 0))
        statements[sql] = statement
        return statement
    }

    private static func columnNames(_ pointer: OpaquePointer) -> SQLColumns {
        SQLColumns((0..<sqlite_nio_sqlite3_column_count(pointer)).map { String(cString: sqlite_nio_sqlite3_column_name(pointer, $0)) })
    }

    /// `$1` → `?1`: SQLite numbers `?NNN` parameters the way PostgreSQL numbers `$n`. Byte-wise, once per statement
    /// text (Foundation's string search was 2–3% of a read when it ran per call).
    static func translate(_ sql: String) -> String {
        let dollar = UInt8(ascii: "$")
        guard sql.utf8.contains(dollar) else { return sql }
        return String(decoding: sql.utf8.map { $0 == dollar ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ text: String, at position: Int32, to pointer: OpaquePointer) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            sqlite_nio_sqlite3_bind_text64(pointer, position, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                           UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
        }
    }

    private static func value(_ pointer: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite_nio_sqlite3_column_type(pointer, column) {
        case SQLITE_INTEGER: return .int(sqlite_nio_sqlite3_column_int64(pointer, column))
        case SQLITE_FLOAT: return .double(sqlite_nio_sqlite3_column_double(pointer, column))
        case SQLITE_NULL: return .null
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(pointer, column))
            guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(pointer, column) else { return .text("") }
            return .text(String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self))
        default:
            guard let text = sqlite_nio_sqlite3_column_text(pointer, column) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(pointer, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        }
    }

    /// A unique or primary-key violation becomes `SQLError.uniqueViolation` (the store maps it to a 409); anything else a
    /// `SQLiteFailure` with SQLite's own message.
    private func failure(_ code: Int32, db: OpaquePointer) -> any Error {
        let message = String(cString: sqlite_nio_sqlite3_errmsg(db))
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY (macros Swift does not import).
        if code == SQLITE_CONSTRAINT | (8 << 8) || code == SQLITE_CONSTRAINT | (6 << 8) {
            return SQLError.uniqueViolation(constraint: message)
        }
        // SQLITE_CONSTRAINT_FOREIGNKEY.
        if code == SQLITE_CONSTRAINT | (3 << 8) { return SQLError.missingReference }
        // SQLITE_BUSY and its extended codes: another process (a second import of the same file, a `roster` command beside
        // `serve`) held the write lock past the busy timeout. The database is there but not to be had now: a 503 and exit
        // 3, not SQLite's words and exit 1, which the CLI keeps for refused input (found by a probe).
        if code & 0xFF == SQLITE_BUSY { return Self.busy }
        return SQLiteFailure(code: code, message: message)
    }
}

/// An error SQLite reported, with its (extended) result code.
struct SQLiteFailure: Error, CustomStringConvertible, DescribedWithoutValues {
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }

    /// SQLite's messages name tables, columns and constraints; statements' values are bound, never in their text.
    var describedWithoutValues: String { description }

    var isSchemaMismatch: Bool {
        code == SQLITE_ERROR && ["already exists", "no such table", "no such index", "no such column", "duplicate column name"]
            .contains { message.contains($0) }
    }
}
