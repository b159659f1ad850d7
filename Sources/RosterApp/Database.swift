import Foundation
public import Logging
public import RosterSQL
import RosterSQLite
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
    /// PostgreSQL connects lazily, once `service` runs.
    public static func open(url: String, logger: Logger, slowStatementMilliseconds: Int = 200) async throws -> RosterDatabase {
        let slow = Duration.milliseconds(slowStatementMilliseconds)
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let database = PostgresDatabase(configuration: try PostgresDatabase.configuration(url: url),
                                            direct: PostgresDatabase.directConfiguration(url: url), logger: logger)
            return RosterDatabase(store: SQLStore(database: database, logger: logger, slowThreshold: slow),
                                  migrations: RosterSchema.migrations(for: .postgres), service: database, sqlite: nil)
        }
        guard let path = sqlitePath(url) else { throw DatabaseURLError.unsupported(url) }
        let database = try await SQLiteDatabase.open(path: path, logger: logger)
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
    public func migrate(logger: Logger) async throws -> [Int] {
        try await Migrator.migrate(sql, migrations: migrations, logger: logger)
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

    /// A consistent copy of a SQLite database (`VACUUM INTO`); PostgreSQL users use pg_dump.
    public func backup(to path: String) async throws {
        guard let sqlite else { throw DatabaseURLError.backupNeedsSQLite }
        try await sqlite.backup(to: path)
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
