import Foundation
public import Logging
public import RosterSQL
public import ServiceLifecycle
import VaporCSQLite
import Synchronization

/// SQLite with one writer connection and a few readers, WAL journal, foreign keys on. Each connection is used by one
/// caller at a time: the writer under a lock, readers handed out round-robin, each under its own lock.
public final class SQLiteDatabase: SQLDatabase, Service {
    public let dialect = SQLDialect.sqlite
    public let path: String
    private let writer: SQLiteHandle
    private let writerLock = AsyncLock()
    private let readers: [(connection: SQLiteHandle, lock: AsyncLock)]
    private let nextReader = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    private let logger: Logger

    private init(path: String, writer: SQLiteHandle, readers: [SQLiteHandle], logger: Logger) {
        self.path = path
        self.writer = writer
        self.readers = readers.map { ($0, AsyncLock()) }
        self.logger = logger
    }

    /// Opens (creating when missing) the database file at `path`. The writer checkpoints the WAL into the file when it
    /// holds `checkpointPages` pages (SQLite's default 1,000, about 4 MB).
    public static func open(path: String, readers readerCount: Int = 4, checkpointPages: Int = 1_000,
                            logger: Logger) async throws -> SQLiteDatabase {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let writer = try SQLiteHandle(path: path)
        var readers: [SQLiteHandle] = []
        do {
            // secure_delete: what a delete removes is overwritten with zeros in the file, not just unlinked (erasure).
            // The writer's page cache (64 MiB, not SQLite's 2) and its statement journals in memory; one-shot commands
            // also checkpoint every ~40 MB of WAL rather than 4. Measured on a 100,000-row import (issue 12), where an
            // index page changed by many transactions was spilled, read back and checkpointed again and again: 14.3 s →
            // 11.0 s. A server keeps 1,000 pages: 10,000 tripled a GET's p99 (8 → 26-29 ms, a read waits for its
            // audit entry's commit, and so for the checkpoint that follows it) for no more GETs a second.
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON",
                           "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY", "PRAGMA wal_autocheckpoint=\(max(1, checkpointPages))"] {
                _ = try writer.query(pragma, [])
            }
            for _ in 0..<max(1, readerCount) {
                let reader = try SQLiteHandle(path: path)
                readers.append(reader)
                for pragma in ["PRAGMA foreign_keys=ON", "PRAGMA query_only=ON"] {
                    _ = try reader.query(pragma, [])
                }
            }
            return SQLiteDatabase(path: path, writer: writer, readers: readers, logger: logger)
        } catch {
            writer.close()
            for reader in readers { reader.close() }
            throw error
        }
    }

    public func withTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await writerLock.withLock {
            try await Self.transaction(on: writer, begin: "BEGIN IMMEDIATE", body)
        }
    }

    public func withReadTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        let reader = readers[index]
        return try await reader.lock.withLock {
            try await Self.transaction(on: reader.connection, begin: "BEGIN", body)
        }
    }

    public func withConnection<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await writerLock.withLock { try await body(SQLiteSQLConnection(connection: writer)) }
    }

    private static func transaction<T>(on connection: SQLiteHandle, begin: String,
                                       _ body: (any SQLConnection) async throws -> T) async throws -> T {
        let conn = SQLiteSQLConnection(connection: connection)
        _ = try connection.query(begin, [])
        do {
            let result = try await body(conn)
            _ = try connection.query("COMMIT", [])
            return result
        } catch {
            _ = try? connection.query("ROLLBACK", [])
            throw error
        }
    }

    /// Closes every connection; safe to call twice.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await writerLock.withLock { writer.close() }
        for reader in readers {
            await reader.lock.withLock { reader.connection.close() }
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Copies the database into `destination` with `VACUUM INTO` (a consistent snapshot while serving). The file is
    /// made first, empty, with mode 0600: it holds personal data. It must not exist.
    public func backup(to destination: String) async throws {
        // O_EXCL: never over an existing file, whoever calls.
        guard createExclusively(destination) else { throw SQLError.unavailable("can't create \(destination) (it may exist)") }
        do {
            try await writerLock.withLock {
                _ = try writer.query("VACUUM INTO ?1", [.text(destination)])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }
}

struct SQLiteSQLConnection: SQLConnection {
    let connection: SQLiteHandle

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try connection.query(sql, binds)
    }
}

/// Creates an empty file with mode 0600, failing if anything exists at `path` (`O_EXCL`).
private func createExclusively(_ path: String) -> Bool {
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
    guard descriptor >= 0 else { return false }
    close(descriptor)
    return true
}
