/// The schema described once and rendered per dialect (`RosterSchema` holds Roster's migrations in these terms).
/// A description says what a table is (columns with a portable type, keys, indexes); rendering decides how each
/// dialect spells it. The few real differences between the dialects are explicit steps (`.dialects`), never hidden
/// in a renderer.

/// A column type both stores understand, each in its own spelling.
public enum ColumnType: Sendable, Equatable {
    /// A UUID: `uuid`; SQLite stores its lower-case text.
    case id
    case text
    /// An instant: `timestamptz`; SQLite stores integer microseconds since 1970.
    case time
    /// Integer microseconds since 1970 on both (the audit chain hashes this exact value).
    case micros
    /// A 32-bit integer.
    case int32
    /// A 64-bit integer (versions, sequence numbers, counts).
    case int64
    /// `boolean`; SQLite stores 0 or 1.
    case bool
    /// `jsonb`; SQLite stores the JSON text.
    case json

    public func rendered(for dialect: SQLDialect) -> String {
        switch (self, dialect) {
        case (.id, .postgres): "uuid"
        case (.text, .postgres): "text"
        case (.time, .postgres): "timestamptz"
        case (.micros, .postgres), (.int64, .postgres): "bigint"
        case (.int32, _): "INTEGER"
        case (.bool, .postgres): "boolean"
        case (.json, .postgres): "jsonb"
        case (.id, .sqlite), (.text, .sqlite), (.json, .sqlite): "TEXT"
        case (.time, .sqlite), (.micros, .sqlite), (.int64, .sqlite), (.bool, .sqlite): "INTEGER"
        }
    }
}

public struct Column: Sendable {
    public var name: String
    public var type: ColumnType
    public var nullable: Bool
    /// This column alone is the primary key.
    public var primaryKey: Bool
    /// This column alone is unique (only global tables may say so: a tenant table's keys start with `tenant_id`).
    public var unique: Bool
    /// A literal default, in SQL both dialects read alike (`0`, `'[]'`).
    public var defaultValue: String?
    /// `table(column)` this column references on its own.
    public var references: String?
    /// A condition both dialects read alike.
    public var check: String?

    public init(_ name: String, _ type: ColumnType, nullable: Bool = false, primaryKey: Bool = false, unique: Bool = false,
                defaultValue: String? = nil, references: String? = nil, check: String? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.primaryKey = primaryKey
        self.unique = unique
        self.defaultValue = defaultValue
        self.references = references
        self.check = check
    }

    /// `tenant_id`, referencing the tenant: the first column of nearly every table.
    public static let tenant = Column("tenant_id", .id, references: "tenants(id)")
    /// `tenant_id` with the tenant reference left to a composite foreign key.
    public static let tenantKey = Column("tenant_id", .id)

    func rendered(for dialect: SQLDialect) -> String {
        var parts = [name, type.rendered(for: dialect)]
        if primaryKey { parts.append("PRIMARY KEY") } else if !nullable { parts.append("NOT NULL") }
        if unique { parts.append("UNIQUE") }
        if let defaultValue { parts.append("DEFAULT \(defaultValue)") }
        if let references { parts.append("REFERENCES \(references)") }
        if let check { parts.append("CHECK (\(check))") }
        return parts.joined(separator: " ")
    }
}

public struct ForeignKey: Sendable {
    public var columns: [String]
    public var table: String
    public var referenced: [String]
    public var cascade: Bool

    /// `(tenant_id, column)` referencing `table (tenant_id, id)`.
    public static func tenant(_ column: String, _ table: String, cascade: Bool = false) -> ForeignKey {
        ForeignKey(columns: ["tenant_id", column], table: table, referenced: ["tenant_id", "id"], cascade: cascade)
    }

    public init(columns: [String], table: String, referenced: [String], cascade: Bool = false) {
        self.columns = columns
        self.table = table
        self.referenced = referenced
        self.cascade = cascade
    }

    var rendered: String {
        "FOREIGN KEY (\(columns.joined(separator: ", "))) REFERENCES \(table) (\(referenced.joined(separator: ", ")))"
            + (cascade ? " ON DELETE CASCADE" : "")
    }
}

public struct Table: Sendable {
    /// Tenant tables are distributed by `tenant_id` (Citus): every key of theirs starts with it (a test reads the
    /// PostgreSQL catalog to prove it). Global tables belong to the installation (a Citus reference table).
    public enum Scope: Sendable { case tenant, global }

    public var name: String
    public var scope: Scope
    public var columns: [Column]
    public var primaryKey: [String]
    public var unique: [[String]]
    public var foreignKeys: [ForeignKey]

    public init(_ name: String, scope: Scope = .tenant, _ columns: [Column], primaryKey: [String] = [], unique: [[String]] = [],
                foreignKeys: [ForeignKey] = []) {
        self.name = name
        self.scope = scope
        self.columns = columns
        self.primaryKey = primaryKey
        self.unique = unique
        self.foreignKeys = foreignKeys
    }

    public func rendered(for dialect: SQLDialect, as name: String? = nil) -> String {
        var lines = columns.map { $0.rendered(for: dialect) }
        if !primaryKey.isEmpty { lines.append("PRIMARY KEY (\(primaryKey.joined(separator: ", ")))") }
        lines += unique.map { "UNIQUE (\($0.joined(separator: ", ")))" }
        lines += foreignKeys.map(\.rendered)
        return "CREATE TABLE \(name ?? self.name) (\n    " + lines.joined(separator: ",\n    ") + "\n)"
    }
}

public struct Index: Sendable {
    public var name: String
    public var table: String
    public var columns: [String]
    /// Columns searched by prefix (`LIKE 'abc%'`): PostgreSQL needs `text_pattern_ops` for that outside the C locale.
    public var prefixSearched: Set<String>
    public var unique: Bool
    /// A partial index's condition, read alike by both dialects.
    public var condition: String?

    public init(_ name: String, on table: String, _ columns: [String], prefixSearched: Set<String> = [], unique: Bool = false,
                where condition: String? = nil) {
        self.name = name
        self.table = table
        self.columns = columns
        self.prefixSearched = prefixSearched
        self.unique = unique
        self.condition = condition
    }

    public func rendered(for dialect: SQLDialect) -> String {
        let columns = columns.map { dialect == .postgres && prefixSearched.contains($0) ? "\($0) text_pattern_ops" : $0 }
        return "CREATE \(unique ? "UNIQUE " : "")INDEX \(name) ON \(table) (\(columns.joined(separator: ", ")))"
            + (condition.map { " WHERE \($0)" } ?? "")
    }
}

/// One step of a migration.
public enum SchemaStep: Sendable {
    case table(Table)
    case index(Index)
    case addColumn(table: String, Column)
    /// SQL both dialects read alike (data moves between tables).
    case sql(String)
    /// A real difference between the dialects, spelled out for each.
    case dialects(sqlite: [String], postgres: [String])

    func rendered(for dialect: SQLDialect) -> [String] {
        switch self {
        case .table(let table): [table.rendered(for: dialect)]
        case .index(let index): [index.rendered(for: dialect)]
        case .addColumn(let table, let column): ["ALTER TABLE \(table) ADD COLUMN \(column.rendered(for: dialect))"]
        case .sql(let sql): [sql]
        case .dialects(let sqlite, let postgres): dialect == .sqlite ? sqlite : postgres
        }
    }
}

/// A migration described once.
public struct SchemaMigration: Sendable {
    public var version: Int
    public var name: String
    public var steps: [SchemaStep]
    /// Stored values changed after the steps, in the same transaction (`Migration.data`).
    public var data: (@Sendable (any SQLConnection, SQLDialect) async throws -> Void)?

    public init(_ version: Int, _ name: String, _ steps: [SchemaStep],
                data: (@Sendable (any SQLConnection, SQLDialect) async throws -> Void)? = nil) {
        self.version = version
        self.name = name
        self.steps = steps
        self.data = data
    }

    public func rendered(for dialect: SQLDialect) -> Migration {
        var migration = Migration(version: version, name: name, statements: steps.flatMap { $0.rendered(for: dialect) })
        if let data {
            migration.data = { conn in try await data(conn, dialect) }
        }
        return migration
    }
}
