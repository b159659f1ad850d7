import Foundation
public import Logging
public import RosterSQL
public import RosterSQLite
import RosterPostgres
public import ServiceLifecycle

/// An opened database: the store over it, its migrations, and the services that keep it running.
public struct RosterDatabase: Sendable {
    /// The driver: for this package only (the CLI's benchmarks and the tests); everything else goes through the services.
    package let store: SQLStore
    public let migrations: [Migration]
    /// The PostgreSQL pool (must run while the store is used) or the SQLite closer.
    public let service: any Service
    let sqlite: SQLiteDatabase?

    package var sql: any SQLDatabase { store.database }

    /// The SQLite file, when this is SQLite.
    public var sqlitePath: String? { sqlite?.path }

    /// Opens `sqlite://PATH` (relative or absolute; `sqlite:///abs/path` too) or `postgres://...`.
    /// PostgreSQL connects lazily, once `service` runs. `bulk`: SQLite checkpoints its WAL every ~40 MB rather than ~4
    /// (one-shot commands, whose imports and exports write much; a server keeps the small checkpoints, chosen when they
    /// still ran in the commit of a read's audit entry: see `SQLiteDatabase.open`).
    public static func open(url: String, logger: Logger, slowStatementMilliseconds: Int = 200,
                            bulk: Bool = false) async throws -> RosterDatabase {
        let slow = Duration.milliseconds(slowStatementMilliseconds)
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let database = PostgresDatabase(configuration: try PostgresDatabase.configuration(url: url),
                                            direct: PostgresDatabase.directConfiguration(url: url), logger: logger)
            return RosterDatabase(store: SQLStore(database: database, logger: logger, slowThreshold: slow),
                                  migrations: RosterSchema.migrations(for: .postgres), service: database, sqlite: nil)
        }
        guard let path = sqlitePath(url) else { throw DatabaseURLError.unsupported(url) }
        let database = try await SQLiteDatabase.open(path: path, checkpointPages: bulk ? 10_000 : 1_000, walSizeLimit: bulk ? nil : 67_108_864,
                                                     logger: logger)
        return RosterDatabase(store: SQLStore(database: database, logger: logger, slowThreshold: slow),
                              migrations: RosterSchema.migrations(for: .sqlite), service: database, sqlite: database)
    }

    public static func sqlitePath(_ url: String) -> String? {
        guard url.hasPrefix("sqlite://") else { return nil }
        let path = String(url.dropFirst("sqlite://".count))
        return path.isEmpty ? nil : path
    }

    /// Applies pending migrations; idempotent.
    @discardableResult
    public func migrate(creating: Bool = true, logger: Logger) async throws -> [Int] {
        try await Migrator.migrate(sql, migrations: migrations, expecting: SchemaObjects(migrations), creating: creating, logger: logger)
    }

    /// Runs `body` with the database's service running (the PostgreSQL pool), for one-shot CLI commands.
    public func withRunning<T: Sendable>(_ body: @Sendable (RosterDatabase) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let service = self.service
            if sqlite == nil {
                group.addTask { try await service.run() }
            }
            do {
                let result = try await body(self)
                group.cancelAll()
                await sqlite?.close()
                return result
            } catch {
                group.cancelAll()
                await sqlite?.close()
                throw error
            }
        }
    }

    /// Checks that `source` is a SQLite file and that `path` does not exist or is an empty file (removed then): a restore
    /// never writes over data. `copyForRestore` then copies it; the copy is opened and checked (`restore` in the CLI),
    /// and removed with `discardRestore` if it does not pass.
    public static func prepareRestore(from source: String, to path: String) throws {
        let manager = FileManager.default
        guard let handle = FileHandle(forReadingAtPath: source) else { throw RestoreError.unreadable(source) }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw RestoreError.notSQLite(source) }
        for occupied in [path, path + "-wal", path + "-journal"] where manager.fileExists(atPath: occupied) {
            let size = (try? manager.attributesOfItem(atPath: occupied)[.size] as? NSNumber)?.intValue ?? 1
            guard size == 0 else { throw RestoreError.occupied(occupied) }
            try manager.removeItem(atPath: occupied)
        }
    }

    /// Copies the backup checked by `prepareRestore` to `path`, mode 0600; removes what it made when that fails.
    public static func copyForRestore(from source: String, to path: String) throws {
        let manager = FileManager.default
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !directory.isEmpty { try? manager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        do {
            try manager.copyItem(atPath: source, toPath: path)
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            discardRestore(at: path)
            throw error
        }
    }

    /// Whether the SQLite database at `path` holds a Roster schema, read without changing the file; nil when it can't
    /// be read as a database.
    public static func sqliteHoldsSchema(at path: String) -> Bool? {
        SQLiteDatabase.holdsMigrations(at: path)
    }

    /// Removes a restored copy that did not pass its checks.
    public static func discardRestore(at path: String) {
        for file in restoreFiles(at: path) { try? FileManager.default.removeItem(atPath: file) }
    }

    /// The files a restore makes at `path`: the database and those SQLite and Roster keep beside it.
    public static func restoreFiles(at path: String) -> [String] {
        [path, path + "-wal", path + "-shm", path + "-journal", path + "-writers"]
    }

    /// SQLite's own check of every page and index; the problems it lists, none when the file is sound.
    package func integrityProblems() async throws -> [String] {
        try await sql.withConnection { conn in
            try await conn.query("PRAGMA integrity_check", []).compactMap { $0.values.values.first.flatMap { value -> String? in
                if case .text(let text) = value, text != "ok" { return text }
                return nil
            } }
        }
    }

    /// A consistent copy of a SQLite database (`VACUUM INTO`); PostgreSQL users use pg_dump.
    public func backup(to path: String) async throws {
        guard let sqlite else { throw DatabaseURLError.backupNeedsSQLite }
        try await sqlite.backup(to: path)
    }
}

public enum RestoreError: Error, CustomStringConvertible {
    case unreadable(String)
    case notSQLite(String)
    case occupied(String)
    case needsSQLite

    public var description: String {
        switch self {
        case .unreadable(let path): "can't read \(path)"
        case .notSQLite(let path): "\(path) is not a SQLite database (a `roster backup` file)"
        case .occupied(let path): "\(path) exists and is not empty: a restore goes into a new location"
        case .needsSQLite: "roster restore writes a SQLite database (--database-url sqlite://PATH); for PostgreSQL use pg_restore (docs/compliance.md)"
        }
    }
}

public enum DatabaseURLError: Error, CustomStringConvertible {
    case unsupported(String)
    case backupNeedsSQLite

    public var description: String {
        switch self {
        case .unsupported(let url): "unsupported database URL \(url.prefix(20))...: use sqlite://PATH or postgres://user:password@host:port/db"
        case .backupNeedsSQLite: "roster backup copies SQLite databases; for PostgreSQL use pg_dump"
        }
    }
}

/// For the CLI's `backup`, which names the file it could not make.
public typealias BackupFileError = RosterSQLite.BackupFileError
