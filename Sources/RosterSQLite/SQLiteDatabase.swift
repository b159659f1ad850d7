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
    /// Checkpoints run on their own connection and thread, off the writer (see `open`).
    private let checkpointer: SQLiteHandle
    private let checkpointQueue = DispatchQueue(label: "roster.sqlite.checkpoint")
    private let checkpointing = Atomic<Bool>(false)
    private let checkpointPages: Int
    private let turns: WriterTurns?

    private init(path: String, writer: SQLiteHandle, readers: [SQLiteHandle], checkpointer: SQLiteHandle, checkpointPages: Int,
                 turns: WriterTurns?, logger: Logger) {
        self.path = path
        self.turns = turns
        self.writer = writer
        self.readers = readers.map { ($0, AsyncLock()) }
        self.checkpointer = checkpointer
        self.checkpointPages = checkpointPages
        self.logger = logger
    }

    /// Whether the SQLite file at `path` holds Roster's record of migrations (`schema_migrations` as Roster makes it), read
    /// through a read-only connection that changes nothing (`open` switches a file to WAL and makes files beside it:
    /// another application's file was changed by a command that then refused it; found by a probe); nil when it can't
    /// be read as a database (`open` says why).
    public static func holdsMigrations(at path: String) -> Bool? {
        var handle: OpaquePointer?
        defer { sqlite_nio_sqlite3_close_v2(handle) }
        guard sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else {
            return nil
        }
        var statement: OpaquePointer?
        defer { sqlite_nio_sqlite3_finalize(statement) }
        // Its columns, not only its name: other tools keep a `schema_migrations` of their own (Rails, golang-migrate).
        let sql = "SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name IN ('version', 'name', 'applied_at')"
        guard sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement,
              sqlite_nio_sqlite3_step(statement) == SQLITE_ROW else { return nil }
        return sqlite_nio_sqlite3_column_int64(statement, 0) == 3
    }

    /// Opens (creating when missing) the database file at `path`. The WAL is checkpointed into the file when it holds
    /// `checkpointPages` pages (SQLite's default 1,000, about 4 MB), by a connection of its own on a thread of its own
    /// while the writer goes on (SQLite's automatic checkpoint runs in the writer's commit, holding the write lock: 12%
    /// of a bulk import's time in perf, on the one core the import keeps busy). Should the log reach four times that
    /// (the writer never pausing long enough for a checkpoint to catch up), the writer waits for one of its own.
    /// `walSizeLimit`: the size the WAL file is cut back to when the log starts over (a server's), nil to keep it (a bulk
    /// command's, whose WAL runs to some 200 MB between checkpoints: cutting it back and growing it again cost an import
    /// of 200,000 rows 5-8%).
    public static func open(path: String, readers readerCount: Int = 4, checkpointPages: Int = 1_000, walSizeLimit: Int? = 67_108_864,
                            logger: Logger) async throws -> SQLiteDatabase {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        // A new database is made readable by its owner only (it holds personal data); SQLite gives its WAL and shared
        // memory files the database file's permissions.
        if !FileManager.default.fileExists(atPath: path) { _ = createExclusively(path) }
        let writer: SQLiteHandle
        do {
            writer = try SQLiteHandle(path: path)
            // A file that is not a database shows only at its first read.
            _ = try writer.query("SELECT count(*) AS n FROM sqlite_schema", [])
        } catch let failure as SQLiteFailure {
            // "Unavailable", as a database that can't be reached (exit 3 in the CLI, naming it), not SQLite's code.
            throw SQLError.unavailable("it can't be opened as a SQLite database: \(failure.message)")
        }
        var readers: [SQLiteHandle] = []
        var checkpointer: SQLiteHandle?
        do {
            // secure_delete: what a delete removes is overwritten with zeros in the file, not just unlinked (erasure).
            // The writer's page cache (64 MiB, not SQLite's 2) and its statement journals in memory; one-shot commands
            // also checkpoint every ~40 MB of WAL rather than 4. Measured on a 100,000-row import (issue 12), where an
            // index page changed by many transactions was spilled, read back and checkpointed again and again: 14.3 s →
            // 11.0 s. A server keeps 1,000 pages: 10,000 tripled a GET's p99 (8 → 26-29 ms, a read waits for its
            // audit entry's commit, and so, while checkpoints ran in the commit, for the checkpoint that followed it)
            // for no more GETs a second; not measured again since checkpoints moved off the writer.
            // The WAL file is cut back to `walSizeLimit` when the log starts over: a reader that held a snapshot for a minute
            // let a server's grow to 1.3 GB, which it kept until the server stopped (found by a probe).
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON",
                           "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY"] + (walSizeLimit.map { ["PRAGMA journal_size_limit=\($0)"] } ?? []) {
                _ = try writer.query(pragma, [])
            }
            writer.trackWAL()
            let own = try SQLiteHandle(path: path)
            checkpointer = own
            // A connection checkpoints only once it has read the file and so found it in WAL mode (until then SQLite
            // takes a checkpoint for a no-op).
            _ = try own.query("SELECT count(*) AS n FROM sqlite_schema", [])
            for _ in 0..<max(1, readerCount) {
                let reader = try SQLiteHandle(path: path)
                readers.append(reader)
                for pragma in ["PRAGMA foreign_keys=ON", "PRAGMA query_only=ON"] {
                    _ = try reader.query(pragma, [])
                }
            }
            let turns = WriterTurns.open(databasePath: path)
            if turns == nil {
                logger.warning("can't open the file writers take turns by; writes of other processes to the database may wait long",
                               metadata: ["file": "\(path)-writers"])
            }
            return SQLiteDatabase(path: path, writer: writer, readers: readers, checkpointer: own, checkpointPages: max(1, checkpointPages),
                                  turns: turns, logger: logger)
        } catch {
            writer.close()
            for reader in readers { reader.close() }
            checkpointer?.close()
            throw error
        }
    }

    public func withTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await writerLock.withLock {
            do {
                try await beginWriting()
                let result = try await Self.run(body, on: writer)
                await checkpointIfDue()
                return result
            } catch {
                await checkpointIfDue()
                throw error
            }
        }
    }

    /// Takes SQLite's write lock, waiting while another connection on the file holds it (another process, or another
    /// `SQLiteDatabase` in this one) for up to the busy timeout, suspended between tries rather than in SQLite's busy
    /// wait: that sleeps on the caller's thread, and as many waiters as the concurrency pool has threads (two on a
    /// two-core machine) left nothing to run the transactions they waited for (`SQLiteHandleTests`). Writers that
    /// wait go first (`WriterTurns`), so that a writer committing and beginning again at once can't keep the lock.
    private func beginWriting() async throws {
        // Closed (the writer and the turns file close together, under the writer's lock): the turns file's descriptor
        // may be another file's by now. A write queued before `close` took the lock still runs.
        guard writer.isOpen else { throw SQLError.unavailable("the SQLite connection is closed") }
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(SQLiteHandle.busyMilliseconds))
        // Waiters go first, for a moment: one that polls takes the lock within its pause; one that makes no progress
        // (a process stopped with Ctrl-Z) must not hold every other writer for the whole busy timeout.
        if let turns {
            let politeUntil = clock.now + .milliseconds(100)
            var pauses = Pauses()
            while !turns.noneWaiting(), clock.now < politeUntil { await pauses.next() }
        }
        var pauses = Pauses()
        var waiting = false
        defer { if waiting { turns?.stopWaiting() } }
        while try !writer.beginImmediateUnlessBusy() {
            guard clock.now < deadline else { throw SQLiteHandle.busy }
            if !waiting, let turns { waiting = turns.startWaiting() }
            await pauses.next()
        }
    }

    /// Pauses between tries, 1 ms doubling to 8 ms, that a cancelled task sits out too, as SQLite's busy wait did: a
    /// write under way is not given up for it (a cancelled request's audit, a worker's step at shutdown).
    private struct Pauses {
        private var duration = Duration.milliseconds(1)

        mutating func next() async {
            let duration = self.duration
            self.duration = min(duration * 2, .milliseconds(8))
            do {
                try await Task.sleep(for: duration)
            } catch {
                // Cancelled: `Task.sleep` returns at once, so the rest of the pause is slept where cancellation can't reach.
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    let (seconds, attoseconds) = duration.components
                    DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))) {
                        done.resume()
                    }
                }
            }
        }
    }

    /// After a commit, under the write lock: a checkpoint on the checkpointer's thread once the WAL holds
    /// `checkpointPages`; at four times that, one that the writer waits for (after any under way, suspended rather than
    /// holding a thread), so that the log is all copied and the next write starts it over.
    private func checkpointIfDue() async {
        let pages = writer.walPages
        guard pages >= checkpointPages, !closed.load(ordering: .relaxed) else { return }
        if pages >= 4 * checkpointPages {
            await onCheckpointQueue { [self] in runCheckpoint() }
            return
        }
        guard !checkpointing.exchange(true, ordering: .acquiringAndReleasing) else { return }
        checkpointQueue.async { [self] in
            runCheckpoint()
            checkpointing.store(false, ordering: .releasing)
        }
    }

    private func runCheckpoint() {
        do {
            try checkpointer.checkpointPassive()
        } catch {
            logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `work` on the checkpointer's serial queue, after any checkpoint under way; suspends meanwhile.
    private func onCheckpointQueue(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            checkpointQueue.async {
                work()
                done.resume()
            }
        }
    }

    public func withReadTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        let reader = readers[index]
        return try await reader.lock.withLock {
            _ = try reader.connection.query("BEGIN", [])
            return try await Self.run(body, on: reader.connection)
        }
    }

    /// The writer outside a transaction (a `TRUNCATE` checkpoint), once no checkpoint of the checkpointer is under way.
    public func withConnection<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await writerLock.withLock {
            await onCheckpointQueue {}
            return try await body(SQLiteSQLConnection(connection: writer))
        }
    }

    /// Runs `body` in the transaction just begun on `connection`; commits, or rolls back what it threw.
    private static func run<T>(_ body: (any SQLConnection) async throws -> T, on connection: SQLiteHandle) async throws -> T {
        let conn = SQLiteSQLConnection(connection: connection)
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
        await writerLock.withLock {
            writer.close()
            turns?.close()
        }
        for reader in readers {
            await reader.lock.withLock { reader.connection.close() }
        }
        // After any checkpoint under way (the queue is serial).
        await onCheckpointQueue { [checkpointer] in checkpointer.close() }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Copies the database into `destination` with `VACUUM INTO` (a consistent snapshot while serving). The file is
    /// made first, empty, with mode 0600: it holds personal data. It must not exist.
    public func backup(to destination: String) async throws {
        // O_EXCL: never over an existing file, whoever calls.
        guard createExclusively(destination) else { throw BackupFileError(path: destination) }
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

/// The backup's file could not be made: its folder is missing or not writable, or something exists at its path.
public struct BackupFileError: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "can't create \(path) (its folder must exist and be writable, and nothing be there)" }
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
