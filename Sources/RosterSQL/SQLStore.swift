import Foundation
public import Logging
import RosterCore
public import RosterStore
import Metrics
import Synchronization

/// The relational implementation of the store protocols, shared by SQLite and PostgreSQL:
/// the SQL is portable (bound `$n` parameters, partial indexes, `ON CONFLICT`), and the
/// drivers map value types and errors.
public struct SQLStore: Store {
    public let database: any SQLDatabase
    let logger: Logger
    let slowThreshold: Duration
    /// The access graphs of this store's tenants, in memory (one per store, so one per process in production).
    public let accessIndex: AccessIndex
    /// The audit chains' heads as this store last wrote them.
    public let auditHeads: AuditHeads
    /// Its statements' timers, made once each (with the metrics system as it stood when the store was made).
    let timers = StatementTimers()

    public init(database: any SQLDatabase, logger: Logger, slowThreshold: Duration = .milliseconds(200),
                accessIndex: AccessIndex = AccessIndex(), auditHeads: AuditHeads = AuditHeads()) {
        self.database = database
        self.logger = logger
        self.slowThreshold = slowThreshold
        self.accessIndex = accessIndex
        self.auditHeads = auditHeads
    }

    public var kind: String { database.dialect == .sqlite ? "sqlite" : "postgres" }

    public func write<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await mapErrors {
            try await database.withTransaction { conn in
                let tx = SQLTransaction(conn: self.instrument(conn), dialect: database.dialect, index: accessIndex, heads: auditHeads)
                let result = try await body(tx)
                try await tx.writeAudit()
                return result
            }
        }
    }

    public func read<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await mapErrors {
            try await database.withReadTransaction { conn in
                let tx = SQLTransaction(conn: self.instrument(conn), dialect: database.dialect, index: accessIndex, heads: auditHeads)
                let result = try await body(tx)
                try await tx.writeAudit()  // nothing, unless a read wrote (refused: SQLite's readers are query-only)
                return result
            }
        }
    }

    /// SQLite: copies the write-ahead log into the database file and empties it (after an erasure, so that no older page
    /// image holds what was erased). A reader of an older snapshot (another process, a long export) holds the log: then
    /// the log is emptied by a task of this store that tries again every 2 s until it can, and a warning says so. It
    /// waited up to 50 s before, holding the writer, and then gave up without a word (found by a probe).
    public func checkpoint() async throws {
        guard database.dialect == .sqlite else { return }
        if try await truncateLog(waitingMilliseconds: 1_000) { return }
        let (database, logger) = (self.database, self.logger)
        let key = ObjectIdentifier(database as AnyObject)
        guard PendingTruncate.begin(key) else { return }
        logger.warning("""
            a reader holds the SQLite write-ahead log: what an erasure removed stays in it until the reader ends; \
            emptying it is tried again every 2 s
            """)
        Task {
            defer { PendingTruncate.end(key) }
            while true {
                try? await Task.sleep(for: .seconds(2))
                do {
                    if try await Self.truncateLog(database, waitingMilliseconds: 200) {
                        logger.notice("the SQLite write-ahead log is emptied")
                        return
                    }
                } catch {
                    return  // the database is closing (closing checkpoints the log) or gone
                }
            }
        }
    }

    /// One `TRUNCATE` checkpoint, waiting for readers up to `waitingMilliseconds` (the writer is held meanwhile); whether
    /// the log is empty now.
    func truncateLog(waitingMilliseconds: Int) async throws -> Bool {
        try await mapErrors { try await Self.truncateLog(database, waitingMilliseconds: waitingMilliseconds) }
    }

    /// The wait is in short tries, suspended between them: SQLite's own busy wait sleeps on the calling thread, one of
    /// the two of Swift's pool on this machine, for as long as a reader holds the log (up to a second an erasure).
    static func truncateLog(_ database: any SQLDatabase, waitingMilliseconds: Int) async throws -> Bool {
        try await database.withConnection { conn in
            let deadline = ContinuousClock.now + .milliseconds(max(0, waitingMilliseconds))
            _ = try await conn.query("PRAGMA busy_timeout = 10", [])
            do {
                while true {
                    // "busy" = 1 when a reader held it off.
                    let busy = try await conn.query("PRAGMA wal_checkpoint(TRUNCATE)", []).first?.int("busy") ?? 0
                    if busy == 0 || ContinuousClock.now >= deadline {
                        _ = try await conn.query("PRAGMA busy_timeout = \(SQLDialect.sqliteBusyMilliseconds)", [])
                        return busy == 0
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                }
            } catch {
                _ = try? await conn.query("PRAGMA busy_timeout = \(SQLDialect.sqliteBusyMilliseconds)", [])
                throw error
            }
        }
    }

    public func checkHealth() async throws {
        try await mapErrors { try await database.checkAnswers() }
    }

    func instrument(_ conn: any SQLConnection) -> any SQLConnection {
        InstrumentedConnection(base: conn, logger: logger, slowThreshold: slowThreshold, store: kind, timers: timers)
    }

    func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch SQLError.uniqueViolation(let constraint) {
            throw StoreError.uniqueViolation(constraint: constraint)
        } catch SQLError.missingReference {
            throw StoreError.missingReference
        } catch SQLError.concurrentWrite {
            throw StoreError.concurrentWrite
        } catch SQLError.unavailable(let detail) {
            throw StoreError.unavailable(detail)
        }
    }
}

/// Times every statement (metric `roster_store_statement_seconds`) and logs slow ones, without their values.
struct InstrumentedConnection: SQLConnection {
    let base: any SQLConnection
    let logger: Logger
    let slowThreshold: Duration
    let store: String
    let timers: StatementTimers

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let elapsed = clock.now - start
            timers.timer(store: store, sql: sql).recordNanoseconds(elapsed.nanoseconds)
            if elapsed > slowThreshold {
                logger.warning("slow statement", metadata: [
                    // One line: a statement's line breaks broke line-based log shippers (found by a probe).
                    "sql": "\(sql.split(whereSeparator: \.isWhitespace).joined(separator: " ").prefix(200))",
                    "ms": "\(elapsed.nanoseconds / 1_000_000)", "store": "\(store)",
                ])
            }
        }
        return try await base.query(sql, binds)
    }
}

/// The statement timers by store and verb (`SELECT`, `INSERT`, …), made once: a statement's verb was found by
/// `Character` and its timer made again (the metrics factory's lookup under its lock) for every statement, 2% of a
/// GET's time in `perf` (2026-12-05).
final class StatementTimers: Sendable {
    private struct Key: Hashable {
        var head: UInt64
        var length: Int
    }

    private let timers = Mutex<[Key: Timer]>([:])

    func timer(store: String, sql: String) -> Timer {
        // The verb's first eight letters, upper-cased, in one word (no string made); the whole verb names a new timer.
        var key = Key(head: 0, length: 0)
        for byte in sql.utf8 {
            guard byte != UInt8(ascii: " "), byte != UInt8(ascii: "\n"), key.length < 16 else { break }
            if key.length < 8 { key.head = key.head << 8 | UInt64(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) }
            key.length += 1
        }
        if let known = timers.withLock({ $0[key] }) { return known }
        let verb = String(decoding: sql.utf8.prefix(key.length).map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        let timer = Timer(label: "roster_store_statement_seconds", dimensions: [("store", store), ("statement", verb)],
                          preferredDisplayUnit: .seconds)
        timers.withLock { $0[key] = timer }
        return timer
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Decoded tenant settings by their stored text. Every operation reads its tenant's row, and decoding the same document
/// again each time was 2% of an access check over HTTP (`perf`, 2026-12-03). The same text always decodes to the same
/// value, so nothing needs invalidating; the table is emptied when it holds 1,024 texts.
enum TenantSettingsMemo {
    private static let entries = Mutex<[String: TenantSettings]>([:])

    static func decode(_ text: String?) throws -> TenantSettings {
        guard let text else { return TenantSettings() }
        if let known = entries.withLock({ $0[text] }) { return known }
        let settings = try JSONText.decode(TenantSettings.self, text) ?? TenantSettings()
        entries.withLock { entries in
            if entries.count >= 1024 { entries.removeAll(keepingCapacity: true) }
            entries[text] = settings
        }
        return settings
    }
}

/// Provisioning states as stored: each step reads the state that the step before it wrote, and decoding it again was
/// 6% of `roster bench provisioning` (`perf`, 2026-12-03). A state this process wrote is kept by its text until the
/// next read of that text takes it (the admin's name and email are in it until tracking is done: it stays no longer
/// than that); one written by another process, or dropped meanwhile (at 256 waiting, all are), is decoded.
enum ProvisioningStates {
    private static let written = Mutex<[String: Provisioning]>([:])

    static func encode(_ state: Provisioning) throws -> String {
        let text = try JSONText.encode(state)
        written.withLock { written in
            if written.count >= 256 { written.removeAll(keepingCapacity: true) }
            written[text] = state
        }
        return text
    }

    static func decode(_ text: String?) throws -> Provisioning? {
        if let text, let known = written.withLock({ $0.removeValue(forKey: text) }) { return known }
        return try JSONText.decode(Provisioning.self, text)
    }
}

enum JSONText {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder = JSONDecoder()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        // Most roles, domains and properties are empty: no encoder for them (a page of 50 parties decoded and
        // encoded them 150 times; perf).
        if let array = value as? [String] {
            if array.isEmpty { return "[]" }
            if let plain = plainJSON(array) { return plain }
        }
        if let object = value as? [String: JSONScalar], object.isEmpty { return "{}" }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// nil for no text, and for an empty array or object (every caller's default is the empty value).
    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text, !text.isEmpty, text != "[]", text != "{}" || !(T.self is any ExpressibleByDictionaryLiteral.Type) else { return nil }
        if T.self == [String].self, let strings = plainStrings(text) { return strings as? T }
        return try decoder.decode(type, from: Data(text.utf8))
    }

    /// Strings of printable ASCII without quotes or backslashes (roles, field names) as the encoder writes them,
    /// `["customer","partner"]`, without it (4% of an import's time in perf); nil for anything else.
    static func plainJSON(_ strings: [String]) -> String? {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in string.utf8 {
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { return nil }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A list of strings without escapes (`["customer","partner"]`, or `["a", "b"]` as PostgreSQL prints jsonb) read
    /// byte by byte without a decoder (5% of an export's time in perf, for roles and domains); nil for anything else.
    static func plainStrings(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes -> [String]? in
            let (quote, comma, space) = (UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: " "))
            let end = bytes.count - 1
            guard end >= 1, bytes[0] == UInt8(ascii: "["), bytes[end] == UInt8(ascii: "]") else { return nil }
            var strings: [String] = []
            var index = 1
            if index == end { return strings }
            while true {
                if bytes[index] == space { index += 1 }
                guard index < end, bytes[index] == quote else { return nil }
                let start = index + 1
                var close = start
                while close < end, bytes[close] != quote {
                    if bytes[close] == UInt8(ascii: "\\") { return nil }
                    close += 1
                }
                guard close < end else { return nil }
                strings.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<close]), as: UTF8.self))
                index = close + 1
                if index == end { return strings }
                guard bytes[index] == comma else { return nil }
                index += 1
            }
        }
    }
}

/// One task at a time per database empties a held write-ahead log (`SQLStore.checkpoint`).
enum PendingTruncate {
    private static let running = Mutex<Set<ObjectIdentifier>>([])

    /// True when the caller is to start the task (none is running for this database).
    static func begin(_ database: ObjectIdentifier) -> Bool {
        running.withLock { $0.insert(database).inserted }
    }

    static func end(_ database: ObjectIdentifier) { _ = running.withLock { $0.remove(database) } }
}
