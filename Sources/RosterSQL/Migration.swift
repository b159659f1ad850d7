import Foundation
public import Logging
import RosterCore

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
    /// `expecting`: the tables and indexes the migrations leave (`SchemaObjects`); when the database lacks one once
    /// migrated, nothing is kept and `DamagedSchema` names them. `creating`: a database with no migration applied (a
    /// new one) is given the schema; else it is refused (`NoRosterSchema`), for the commands that only read or change
    /// what a database holds.
    @discardableResult
    public static func migrate(_ database: any SQLDatabase, migrations: [Migration], expecting objects: SchemaObjects? = nil,
                               creating: Bool = true, logger: Logger) async throws -> [Int] {
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
            // Another tool's record of migrations under the same name (Rails', golang-migrate's: no `name` column) is no
            // Roster schema (it read as one a newer Roster migrated; found by a probe).
            do {
                _ = try await conn.query("SELECT version, name, applied_at FROM schema_migrations WHERE 1 = 0", [])
            } catch let error as any DescribedWithoutValues where error.isSchemaMismatch {
                throw NoRosterSchema()
            }
            let applied = Set(try await conn.query("SELECT version FROM schema_migrations", []).compactMap { $0.int("version") })
            // A database a newer Roster migrated: this binary would write what the newer one reads otherwise (an older
            // binary on a migrated database wrote parties no search found; found by a probe). Refused, before anything.
            if let newest = applied.max(), let known = migrations.map(\.version).max(), newest > Int64(known) {
                throw NewerSchema(found: Int(newest), known: known)
            }
            // Refused before anything is written (the transaction takes back the table made above): every command made
            // Roster's tables in whatever database it was given, another application's SQLite file or an empty PostgreSQL
            // database, and went on (found by a probe).
            if applied.isEmpty, !creating { throw NoRosterSchema() }
            var done: [Int] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(Int64(migration.version)) {
                do {
                    for statement in migration.statements {
                        if statement == Migration.bumpSchemaVersion {
                            let version = try await conn.query("PRAGMA schema_version", []).first?.int("schema_version") ?? 0
                            try await conn.execute("PRAGMA schema_version = \(version + 1)")
                        } else {
                            try await conn.execute(statement)
                        }
                    }
                    try await migration.data?(conn)
                } catch let error as any DescribedWithoutValues where error.isSchemaMismatch {
                    // A table that exists already, a column missing: the schema is not what its record of migrations says.
                    // Anything else (a lost connection, a full disk, rows a new unique index refuses) is what it is.
                    throw DamagedSchema.failed(migration, applied: applied.count, cause: error.describedWithoutValues)
                }
                try await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.int(Int64(migration.version)), .text(migration.name), .int(Int64(Date().timeIntervalSince1970))])
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                done.append(migration.version)
            }
            if let objects {
                let missing = try await objects.missing(in: conn, dialect: database.dialect)
                if !missing.isEmpty { throw DamagedSchema.missing(missing) }
            }
            return done
        }
    }
}

/// A schema this binary can't work with: refused at start (`migrate`, `serve` and every command), before anything.
public protocol SchemaRefusal: Error, CustomStringConvertible {}

extension NewerSchema: SchemaRefusal {}

/// A database that holds no Roster schema (no migration was ever applied to it), given to a command that does not make
/// one.
public struct NoRosterSchema: SchemaRefusal, Equatable {
    public init() {}

    public var description: String {
        "the database holds no Roster schema (no migration was ever applied to it: is it another application's?); "
            + "`roster migrate` makes one, in a new database"
    }
}

/// The database is not what its record of applied migrations (`schema_migrations`) says: changed by hand or damaged.
/// Serving it answered 500s to every write of the missing table (found by a probe).
public enum DamagedSchema: SchemaRefusal, Equatable {
    /// Migrated, the database lacks these tables and indexes.
    case missing([String])
    /// A migration not recorded as applied could not be applied.
    case failed(version: Int, name: String, applied: Int, cause: String)

    static func failed(_ migration: Migration, applied: Int, cause: String) -> DamagedSchema {
        .failed(version: migration.version, name: migration.name, applied: applied, cause: cause)
    }

    public var description: String {
        switch self {
        case .missing(let names):
            "the database lacks \(names.joined(separator: ", ")), which its migrations made: it was changed by hand or is "
                + "damaged; restore a backup"
        case .failed(let version, let name, let applied, let cause):
            "migration \(version) (\(name)) could not be applied (\(cause))" + (applied == 0 ? "" : "; the database records "
                + "\(applied) migrations as applied, and its schema does not match that record: was it changed by hand? Restore a backup")
        }
    }
}

/// The tables and indexes a list of migrations leaves, read from the statements they run (`CREATE TABLE`,
/// `CREATE [UNIQUE] INDEX ... ON`, `DROP INDEX`, `DROP TABLE`, `ALTER TABLE ... RENAME TO`).
public struct SchemaObjects: Sendable {
    public private(set) var tables: Set<String> = ["schema_migrations"]
    /// Each index with its table.
    public private(set) var indexes: [String: String] = [:]
    /// Statements that make, drop or alter something in a form this does not read (`IF NOT EXISTS`, a rename of an
    /// index...): a test holds Roster's migrations to none, so that what is expected is never read wrong.
    public private(set) var unread: [String] = []

    public init(_ migrations: [Migration]) {
        for statement in migrations.sorted(by: { $0.version < $1.version }).flatMap(\.statements) {
            let words = statement.split(whereSeparator: { $0.isWhitespace || $0 == "(" }).map(String.init)
            func word(_ i: Int) -> String? { i < words.count ? words[i] : nil }
            switch (word(0), word(1), word(2)) {
            case ("CREATE", "TABLE", let name?):
                tables.insert(name)
            case ("CREATE", "INDEX", let name?) where word(3) == "ON":
                if let table = word(4) { indexes[name] = table }
            case ("CREATE", "UNIQUE", "INDEX") where word(4) == "ON":
                if let name = word(3), let table = word(5) { indexes[name] = table }
            case ("DROP", "INDEX", let name?):
                indexes[name] = nil
            case ("DROP", "TABLE", let name?):
                tables.remove(name)
                indexes = indexes.filter { $0.value != name }
            case ("ALTER", "TABLE", let old?) where word(3) == "RENAME" && word(4) == "TO":
                guard let new = word(5) else { break }
                tables.remove(old)
                tables.insert(new)
                indexes = indexes.mapValues { $0 == old ? new : $0 }
            case ("ALTER", "TABLE", _?) where [("ADD", "COLUMN"), ("ALTER", "COLUMN"), ("ADD", "CONSTRAINT"), ("DROP", "CONSTRAINT")].contains { word(3) == $0.0 && word(4) == $0.1 }:
                break  // no table or index of its own
            case ("CREATE", _, _), ("DROP", _, _), ("ALTER", _, _):
                unread.append(statement)
            default:
                break
            }
        }
    }

    /// What of them the database lacks: `table x`, `index y`, sorted.
    func missing(in conn: any SQLConnection, dialect: SQLDialect) async throws -> [String] {
        let sql = switch dialect {
        case .sqlite: "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'index')"
        case .postgres: """
            SELECT 'table' AS type, tablename AS name FROM pg_tables WHERE schemaname = current_schema()
            UNION ALL SELECT 'index' AS type, indexname AS name FROM pg_indexes WHERE schemaname = current_schema()
            """
        }
        var present: Set<String> = []
        for row in try await conn.query(sql, []) {
            present.insert("\(row.string("type") ?? "") \(row.string("name") ?? "")")
        }
        return (tables.map { "table \($0)" } + indexes.keys.map { "index \($0)" }).filter { !present.contains($0) }.sorted()
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
