import Foundation
public import Logging

/// One versioned schema change; `statements` run in order inside one transaction, then `data` (a change of stored
/// values that SQL alone can't compute), in the same transaction.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]
    public var data: (@Sendable (any SQLConnection) async throws -> Void)?

    public init(version: Int, name: String, statements: [String], data: (@Sendable (any SQLConnection) async throws -> Void)? = nil) {
        self.version = version
        self.name = name
        self.statements = statements
        self.data = data
    }
}

extension Migration {
    /// A step of a SQLite migration that rewrites `sqlite_schema`: sets `PRAGMA schema_version` one higher, so that
    /// every connection parses the schema again.
    public static let bumpSchemaVersion = "-- roster: PRAGMA schema_version + 1"
}

public enum Migrator {
    /// Applies every migration not yet recorded in `schema_migrations`; running it twice changes nothing.
    /// On PostgreSQL an advisory lock keeps two starting processes from migrating at once.
    @discardableResult
    public static func migrate(_ database: any SQLDatabase, migrations: [Migration], logger: Logger) async throws -> [Int] {
        try await database.withTransaction { conn in
            if database.dialect == .postgres {
                // Migrations wait for their locks as long as it takes, whatever an operator set for sessions.
                try await conn.execute("SET LOCAL lock_timeout = 0")
                try await conn.execute("SELECT pg_advisory_xact_lock(7263001)")
            }
            try await conn.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """)
            let applied = Set(try await conn.query("SELECT version FROM schema_migrations", []).compactMap { $0.int("version") })
            // A database a newer Roster migrated: this binary would write what the newer one reads otherwise (an older
            // binary on a migrated database wrote parties no search found; found by a probe). Refused, before anything.
            if let newest = applied.max(), let known = migrations.map(\.version).max(), newest > Int64(known) {
                throw NewerSchema(found: Int(newest), known: known)
            }
            var done: [Int] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(Int64(migration.version)) {
                for statement in migration.statements {
                    if statement == Migration.bumpSchemaVersion {
                        let version = try await conn.query("PRAGMA schema_version", []).first?.int("schema_version") ?? 0
                        try await conn.execute("PRAGMA schema_version = \(version + 1)")
                    } else {
                        try await conn.execute(statement)
                    }
                }
                try await migration.data?(conn)
                try await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.int(Int64(migration.version)), .text(migration.name), .int(Int64(Date().timeIntervalSince1970))])
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }
}

/// The database holds migrations this binary does not know: a newer Roster migrated it.
public struct NewerSchema: Error, CustomStringConvertible {
    public let found: Int
    public let known: Int

    public var description: String {
        "the database was migrated by a newer Roster (its schema is at migration \(found); this binary knows migrations up to \(known)): "
            + "run the newer binary, or restore a backup made before the upgrade"
    }
}
