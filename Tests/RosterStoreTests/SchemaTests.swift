import Foundation
import RosterApp
import RosterCore
import RosterSQL
import RosterService
import Testing

/// The schema described once (`RosterSchema`): a database made by the migrations before it (a dump of one, in
/// Tests/Fixtures, made by `roster serve --demo` at migration 10) migrates on and keeps its data, ends with the schema
/// a fresh database gets, and every key of a tenant table starts with `tenant_id` (ready for Citus).
@Suite struct SchemaTests {
    /// The API key of tenant acme each fixture holds (made for the fixture; it opens nothing else).
    static func fixtureAPIKey(_ kind: StoreKind) -> String {
        switch kind {
        case .sqlite: "rk_jj74ImiO_WSCjmOhdhMQXmMpCws7ip31B0wCFz0fusE_xzltXB6I"
        case .postgres: "rk_7bxYOMzK_QNVIQcT_24iXgvculx0Q_NfS6w1l0JOj14fTkUmMMZo"
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDatabaseMadeByThePreviousMigrationsMigratesOn(_ kind: StoreKind) async throws {
        try await SchemaFixture.withUpgraded(kind) { database in
            #expect(try await database.migrate(logger: TestDatabase.logger) == Array(11...31))
            let rt = makeRuntime(database: database, secrets: nil)
            let acme = try await rt.services.tenants.get("acme", context: .test)
            #expect(acme.name == "Acme Farming Ltd")
            let parties = try await rt.services.parties.search(tenant: "acme", PartySearch(limit: 100), context: .test).items
            #expect(Set(parties.compactMap(\.lastName)).isSuperset(of: ["Lovelace", "Archer", "Baker", "Chen"]))
            #expect(parties.count == SchemaFixture.acmeParties)
            let partner = try #require(parties.first { $0.name == "Green Valley Growers" })
            let tree = try await rt.services.relationships.hierarchy(tenant: "acme", of: partner.id, .descendants, type: nil,
                                                                      cursor: nil, limit: 100, context: .test)
            #expect(!tree.items.isEmpty)
            #expect(try await rt.services.audit.verify(tenant: "acme", context: .test).valid)
            // The API key, now found through the new index on its hash.
            let caller = try await rt.authenticator.authenticate(bearer: Self.fixtureAPIKey(kind), tenant: "acme", requestID: "test")
            #expect(caller != nil)
            // The idempotency key, now keyed by its tenant, still replays its first answer. It had a day to live when the
            // fixture was made (2026-12-02): it is given more, so that this checks the upgrade and not the calendar.
            try await database.sql.withTransaction { conn in
                try await conn.execute("UPDATE idempotency_keys SET expires_at = $1 WHERE key = $2",
                                       [.date(Date().addingTimeInterval(3600)), .text("fixture-initech")])
            }
            let (replay, replayed) = try await rt.services.provisioning.provision(
                ProvisioningRequest(slug: "initech", name: "Initech"), idempotencyKey: "fixture-initech", context: .test)
            #expect(replayed)
            #expect(replay.tenant.slug == "initech")
            // And new rows go in as before.
            let (_, secret) = try await rt.services.apiKeys.create(tenant: "acme", name: "after the upgrade", role: .user, context: .test)
            #expect(try await rt.authenticator.authenticate(bearer: secret, tenant: "acme", requestID: "test") != nil)
            // The parties table of migration 1 takes the state migration 17 added.
            let people = parties.filter { $0.kind == .person }
            _ = try await rt.services.parties.merge(tenant: "acme", into: people[0].id, from: [people[1].id], dryRun: false, context: .test)
            #expect(try await rt.services.parties.get(tenant: "acme", id: people[1].id, context: .test).state == .merged)
        }
    }

    /// A database that lacks a table or an index its migrations made (dropped by hand) is refused at start, naming what
    /// it lacks, and so is one whose record of migrations lost an entry, naming the migration (a probe served such a
    /// database: `migrate` said it was up to date, `/health/ready` 200, then every consent and erasure a 500).
    @Test(arguments: StoreKind.allCases)
    func aDamagedSchemaIsRefusedNamingWhatItLacks(_ kind: StoreKind) async throws {
        try await SchemaFixture.withEmpty(kind) { database in
            try await database.migrate(logger: TestDatabase.logger)
            #expect(try await database.migrate(logger: TestDatabase.logger) == [])
            try await database.sql.withTransaction { conn in
                try await conn.execute("DROP TABLE consents")
                try await conn.execute("DROP INDEX audit_entries_target")
            }
            await #expect(throws: DamagedSchema.missing(["index audit_entries_target", "index consents_party", "table consents"])) {
                try await database.migrate(logger: TestDatabase.logger)
            }
            try await database.sql.withTransaction { conn in
                try await conn.execute("DELETE FROM schema_migrations WHERE version = 31")
            }
            do {
                try await database.migrate(logger: TestDatabase.logger)
                Issue.record("a schema that does not match its record of migrations was migrated")
            } catch DamagedSchema.failed(let version, _, let applied, let cause) {
                #expect(version == 31)
                #expect(applied == 30)
                #expect(cause.contains("partner_account_history"), "the database's words name the table: \(cause)")
            }
        }
    }

    /// A database with no migration applied (a new one, or another application's) is given the schema only by a caller
    /// that makes one (`migrate`, `serve`); the commands that only read or change data refuse it and write nothing (they
    /// made Roster's tables in whatever database they were given; found by a probe).
    @Test(arguments: StoreKind.allCases)
    func onlyACallerThatMakesASchemaGivesOne(_ kind: StoreKind) async throws {
        try await SchemaFixture.withEmpty(kind) { database in
            try await database.sql.withTransaction { conn in try await conn.execute("CREATE TABLE foreign_things (x TEXT)") }
            await #expect(throws: NoRosterSchema()) { try await database.migrate(creating: false, logger: TestDatabase.logger) }
            let tables = try await database.sql.withTransaction { conn in
                try await conn.query(kind == .sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                                     : "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()", [])
            }.compactMap { $0.string("name") }
            #expect(tables == ["foreign_things"], "nothing written: \(tables)")
            #expect(try await database.migrate(logger: TestDatabase.logger).count == database.migrations.count)
            #expect(try await database.migrate(creating: false, logger: TestDatabase.logger) == [])
        }
        // Another tool's record of migrations by the same name (Rails') is none of Roster's, for every caller: it read as
        // a schema a newer Roster migrated (found by a probe).
        try await SchemaFixture.withEmpty(kind) { database in
            try await database.sql.withTransaction { conn in
                try await conn.execute("CREATE TABLE schema_migrations (version VARCHAR(32) PRIMARY KEY)")
                try await conn.execute("INSERT INTO schema_migrations (version) VALUES ('20240202000000')")
            }
            for creating in [false, true] {
                await #expect(throws: NoRosterSchema()) { try await database.migrate(creating: creating, logger: TestDatabase.logger) }
            }
        }
    }

    /// Every statement of the migrations that makes, drops or alters a table or index is one `SchemaObjects` reads, on
    /// both dialects (one it misread would refuse every start, or expect nothing of what it made).
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func theSchemasObjectsAreReadFromEveryMigration(_ dialect: SQLDialect) {
        let objects = SchemaObjects(RosterSchema.migrations(for: dialect))
        #expect(objects.unread.isEmpty, "\(objects.unread)")
        #expect(objects.tables.contains("partner_account_history") && objects.indexes["audit_entries_target"] == "audit_entries")
        #expect(!objects.tables.contains { $0.hasSuffix("_next") }, "a rebuilt table is known by its own name")
    }

    /// An empty database migrated to the end, with a runtime and one tenant, for a data migration's test to take back.
    static func withMigratedTenant(_ kind: StoreKind, _ body: @Sendable (RosterDatabase, RosterRuntime, Tenant) async throws -> Void) async throws {
        try await SchemaFixture.withEmpty(kind) { database in
            try await database.migrate(logger: TestDatabase.logger)
            let rt = makeRuntime(database: database, secrets: nil)
            try await body(database, rt, try await rt.services.tenants.create(slug: "idn", name: "IDN", context: .test))
        }
    }

    /// Migration 19 gives stored email keys of IDN domains their ASCII form, except where that would make two live
    /// records one (they were stored once in each form before): those are left, and the migration goes through.
    @Test(arguments: StoreKind.allCases)
    func emailKeysOfInternationalDomainsAreMadeASCII(_ kind: StoreKind) async throws {
        try await Self.withMigratedTenant(kind) { database, rt, tenant in
            func person(_ email: String) async throws -> Party.ID {
                try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .person, email: email), context: .test).id
            }
            let ann = try await person("ann@bücher.example")
            let bob = try await person("bob@xn--mnchen-3ya.example")
            let cy = try await person("cy@other.example")
            let user = try await rt.services.users.create(tenant: tenant.slug, UserInput(email: "dee@bücher.example"), context: .test).id
            // As migrations before 19 stored them: lower-cased, the domain as given.
            let old: [(table: String, id: UUID, key: String)] = [
                ("parties", ann.rawValue, "ann@bücher.example"), ("parties", bob.rawValue, "bob@xn--mnchen-3ya.example"),
                ("parties", cy.rawValue, "bob@münchen.example"), ("users", user.rawValue, "dee@bücher.example"),
            ]
            try await database.sql.withTransaction { conn in
                for row in old {
                    try await conn.execute("UPDATE \(row.table) SET email_key = $1 WHERE id = $2", [.text(row.key), .uuid(row.id)])
                }
                try await conn.execute("DELETE FROM schema_migrations WHERE version IN (19, 20)")
            }
            #expect(try await database.migrate(logger: TestDatabase.logger) == [19, 20])
            let keys = try await database.sql.withReadTransaction { conn in
                var keys: [UUID: String] = [:]
                for table in ["parties", "users"] {
                    for row in try await conn.query("SELECT id, email_key FROM \(table) WHERE email_key IS NOT NULL", []) {
                        keys[try row.uuid("id")] = row.string("email_key")
                    }
                }
                return keys
            }
            #expect(keys[ann.rawValue] == "ann@xn--bcher-kva.example")
            #expect(keys[user.rawValue] == "dee@xn--bcher-kva.example")
            // Cy's key would now be Bob's: left as it was.
            #expect(keys[cy.rawValue] == "bob@münchen.example" && keys[bob.rawValue] == "bob@xn--mnchen-3ya.example")
            // And Ann is found, and refused as a duplicate, in either form.
            await expectRosterError({ _ = try await person("ANN@xn--BCHER-KVA.example") }) { error in
                if case .conflict(_, let existing) = error { existing == ann.description } else { false }
            }
            let found = try await rt.services.parties.lookup(tenant: tenant.slug, email: "ann@xn--bcher-kva.example", phone: nil, context: .test)
            #expect(found.id == ann)
        }
    }

    /// Migration 26: name keys stored lower-cased only before are folded (accents dropped), and found so.
    @Test(arguments: StoreKind.allCases)
    func nameKeysAreFoldedWithoutAccents(_ kind: StoreKind) async throws {
        try await Self.withMigratedTenant(kind) { database, rt, tenant in
            let zoe = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .person, firstName: "Zoë", lastName: "Núñez"),
                                                           context: .test).id
            let ada = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .person, firstName: "Ada", lastName: "King"),
                                                           context: .test).id
            let acme = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Acme  Ltd."),
                                                            context: .test).id
            // As migrations before 26 stored them: the names lower-cased.
            try await database.sql.withTransaction { conn in
                try await conn.execute("UPDATE parties SET first_key = $1, last_key = $2, name_key = $3 WHERE id = $4",
                                       [.text("zoë"), .text("núñez"), .text("zoë núñez"), .uuid(zoe.rawValue)])
                try await conn.execute("UPDATE parties SET name_key = $1 WHERE id = $2", [.text("acme  ltd."), .uuid(acme.rawValue)])
                try await conn.execute("DELETE FROM schema_migrations WHERE version = 26")
            }
            func found(_ q: String) async throws -> [Party.ID] {
                try await rt.services.parties.search(tenant: tenant.slug, PartySearch(q: q), context: .test).items.map(\.id)
            }
            #expect(try await found("nunez").isEmpty)
            #expect(try await database.migrate(logger: TestDatabase.logger) == [26])
            let keys = try await database.sql.withReadTransaction { conn in
                try await conn.query("SELECT id, first_key, last_key, name_key FROM parties WHERE tenant_id = $1 ORDER BY id",
                                     [.uuid(tenant.id.rawValue)]).map { [$0.string("first_key"), $0.string("last_key"), $0.string("name_key")] }
            }
            #expect(keys == [["zoe", "nunez", "zoe nunez"], ["ada", "king", "ada king"], [nil, nil, "acme ltd"]])
            #expect(try await found("nunez") == [zoe])
            #expect(try await found("zoë") == [zoe])
            #expect(try await found("ada k") == [ada])
        }
    }

    /// Migration 27: phones stored with a trunk 0 after the country code lose it, and are found so; one whose fixed form
    /// a live party of its kind holds already is left as it was.
    @Test(arguments: StoreKind.allCases)
    func phonesLoseTheirTrunkZero(_ kind: StoreKind) async throws {
        try await Self.withMigratedTenant(kind) { database, rt, tenant in
            func person(_ phone: String) async throws -> Party.ID {
                try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .person, phone: phone), context: .test).id
            }
            let uk = try await person("+44 20 7946 0001")
            let italy = try await person("+39 06 6982 1234")
            let kept = try await person("+44 20 7946 0003")
            let twin = try await person("+44 20 7946 0004")
            // As migrations before 27 stored "+44 020 ...": with the 0. Twin's fixed form is the number Kept holds: left.
            try await database.sql.withTransaction { conn in
                try await conn.execute("UPDATE parties SET phone = $1 WHERE id = $2", [.text("4402079460001"), .uuid(uk.rawValue)])
                try await conn.execute("UPDATE parties SET phone = $1 WHERE id = $2", [.text("4402079460003"), .uuid(twin.rawValue)])
                try await conn.execute("DELETE FROM schema_migrations WHERE version = 27")
            }
            #expect(try await database.migrate(logger: TestDatabase.logger) == [27])
            func phone(_ id: Party.ID) async throws -> String? { try await rt.services.parties.get(tenant: tenant.slug, id: id, context: .test).phone?.digits }
            #expect(try await phone(uk) == "442079460001")
            #expect(try await phone(italy) == "390669821234")
            #expect(try await phone(kept) == "442079460003")
            #expect(try await phone(twin) == "4402079460003")
            let found = try await rt.services.parties.lookup(tenant: tenant.slug, email: nil, phone: "+44 20 7946 0001", context: .test)
            #expect(found.id == uk)
        }
    }

    /// Migration 23: organizations' claimed domains stored in Unicode before are keyed in ASCII, and link contacts.
    @Test(arguments: StoreKind.allCases)
    func claimedDomainsAreKeyedInASCII(_ kind: StoreKind) async throws {
        try await Self.withMigratedTenant(kind) { database, rt, tenant in
            var update = TenantUpdate()
            update.autoLinkContacts = true
            _ = try await rt.services.tenants.update(tenant.slug, update, context: .test)
            let org = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Köln", website: "köln.example"),
                                                           context: .test)
            // As migrations before 23 stored it: the domain as written.
            try await database.sql.withTransaction { conn in
                try await conn.execute("UPDATE organization_domains SET domain = $1 WHERE party_id = $2", [.text("köln.example"), .uuid(org.id.rawValue)])
                try await conn.execute("DELETE FROM schema_migrations WHERE version = 23")
            }
            #expect(try await database.migrate(logger: TestDatabase.logger) == [23])
            let domains = try await database.sql.withReadTransaction { conn in
                try await conn.query("SELECT domain FROM organization_domains WHERE party_id = $1", [.uuid(org.id.rawValue)]).compactMap { $0.string("domain") }
            }
            #expect(domains == ["xn--kln-sna.example"])
            let person = try await rt.services.parties.createLinking(tenant: tenant.slug, PartyInput(kind: .person, email: "p@köln.example"),
                                                                     context: .test)
            #expect(person.autoLink.map { if case .linked(let linked, _) = $0 { linked == org.id } else { false } } == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theUpgradedSchemaIsTheFreshOne(_ kind: StoreKind) async throws {
        let upgraded = try await SchemaFixture.withUpgraded(kind) { database in
            try await database.migrate(logger: TestDatabase.logger)
            return try await SchemaCatalog.read(database.sql)
        }
        let fresh = try await SchemaFixture.withEmpty(kind) { database in
            try await database.migrate(logger: TestDatabase.logger)
            return try await SchemaCatalog.read(database.sql)
        }
        #expect(upgraded.count > 40)
        for (line, other) in zip(upgraded, fresh) where line != other {
            Issue.record("upgraded: \(line)\nfresh:    \(other)")
            break
        }
        #expect(upgraded.count == fresh.count)
    }

    /// Citus distributes a table by one column, and every primary key, unique constraint and foreign key must
    /// contain it; Roster's rule is stricter: they start with `tenant_id`. Read from the catalog, not the description.
    @Test func everyKeyOfATenantTableStartsWithTenantID() async throws {
        try await SchemaFixture.withEmpty(.postgres) { database in
            try await database.migrate(logger: TestDatabase.logger)
            let declared = RosterSchema.tables
            let tables = try await database.sql.withTransaction { conn in
                try await conn.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", []).compactMap { $0.string("tablename") }
            }
            // Every table is described, so none escapes the rule by being unknown.
            #expect(Set(tables) == Set(declared.keys).union(["schema_migrations"]))
            #expect(declared.filter { $0.value == .global }.keys.sorted() == ["platform_tokens", "roster_settings", "tenants"])
            let keys = try await database.sql.withTransaction { conn in
                try await conn.query("""
                    SELECT c.relname AS table_name, k.conname AS name, k.contype::text AS kind, a.attname AS first_column
                    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                    WHERE k.contype IN ('p', 'u', 'f') AND c.relnamespace = 'public'::regnamespace
                    UNION ALL
                    SELECT t.relname, i.relname, 'unique index', a.attname
                    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                    JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
                    WHERE x.indisunique AND t.relnamespace = 'public'::regnamespace
                    """, [])
            }
            var checked = 0
            for key in keys {
                let table = key.string("table_name") ?? ""
                guard declared[table] == .tenant else { continue }
                checked += 1
                #expect(key.string("first_column") == "tenant_id", "\(table): \(key.string("kind") ?? "") \(key.string("name") ?? "")")
            }
            #expect(checked > 40)
        }
    }

    /// The text each dialect renders for one description.
    @Test func oneDescriptionRendersBothDialects() {
        let sqlite = RosterSchema.migrations(for: .sqlite), postgres = RosterSchema.migrations(for: .postgres)
        #expect(sqlite.map(\.version) == Array(1...31))
        #expect(postgres.map(\.version) == sqlite.map(\.version))
        let parties = { (m: [Migration]) in m[0].statements.first { $0.hasPrefix("CREATE TABLE parties") }! }
        #expect(parties(sqlite).contains("tenant_id TEXT NOT NULL REFERENCES tenants(id)"))
        #expect(parties(postgres).contains("tenant_id uuid NOT NULL REFERENCES tenants(id)"))
        #expect(parties(postgres).contains("properties jsonb NOT NULL"))
        #expect(parties(postgres).contains("created_at timestamptz NOT NULL"))
        #expect(sqlite[0].statements.contains("CREATE INDEX parties_name ON parties (tenant_id, name_key)"))
        #expect(postgres[0].statements.contains("CREATE INDEX parties_name ON parties (tenant_id, name_key text_pattern_ops)"))
    }
}

/// A database loaded from a fixture dump, or an empty one, of its own (never the shared test database).
enum SchemaFixture {
    /// Parties in tenant `acme` of the fixtures.
    static let acmeParties = 25

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func withUpgraded<T: Sendable>(_ kind: StoreKind, _ body: @Sendable (RosterDatabase) async throws -> T) async throws -> T {
        try await withEmpty(kind, load: fixtures.appendingPathComponent("migration-10.\(kind.rawValue).sql"), body)
    }

    static func withEmpty<T: Sendable>(_ kind: StoreKind, load dump: URL? = nil,
                                       _ body: @Sendable (RosterDatabase) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            let database = try await RosterDatabase.open(url: try TestDatabase.url(.sqlite), logger: TestDatabase.logger)
            return try await database.withRunning { database in
                if let dump { try await loadSQLite(dump, into: database.sql) }
                return try await body(database)
            }
        case .postgres:
            let shared = try TestDatabase.url(.postgres)
            let name = "schema_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            try psql(shared, ["-c", "CREATE DATABASE \(name)"])
            let url = shared.replacingOccurrences(of: #"/[^/?]+(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
            defer { try? psql(shared, ["-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
            if let dump { try psql(url, ["-f", dump.path]) }
            let database = try await RosterDatabase.open(url: url, logger: TestDatabase.logger)
            return try await database.withRunning(body)
        }
    }

    /// The statements of a `sqlite3 .dump` (one per line, or several lines ending with `;`), in one transaction.
    static func loadSQLite(_ dump: URL, into database: any SQLDatabase) async throws {
        var statements: [String] = [], current = ""
        for line in try String(contentsOf: dump, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            current += current.isEmpty ? String(line) : "\n" + line
            if line.hasSuffix(";") {
                statements.append(String(current.dropLast()))
                current = ""
            }
        }
        try await database.withTransaction { conn in
            for statement in statements where !["PRAGMA foreign_keys=OFF", "BEGIN TRANSACTION", "COMMIT"].contains(statement) {
                try await conn.execute(statement)
            }
        }
    }

    struct PsqlFailed: Error, CustomStringConvertible {
        var description: String
    }

    static func psql(_ url: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-q", "-v", "ON_ERROR_STOP=1"] + arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PsqlFailed(description: "psql \(arguments.joined(separator: " ")): " + String(decoding: message, as: UTF8.self))
        }
    }
}

/// A database's schema as comparable lines: tables with their columns and constraints, and indexes.
enum SchemaCatalog {
    static func read(_ database: any SQLDatabase) async throws -> [String] {
        try await database.withTransaction { conn in
            switch database.dialect {
            case .sqlite:
                // The text SQLite keeps of each CREATE, compared without spaces or case. A declared type is compared
                // by its affinity (BIGINT and INTEGER are both INTEGER to SQLite).
                return try await conn.query("""
                    SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name
                    """, []).map { row in
                    let sql = (row.string("sql") ?? "").lowercased().filter { !$0.isWhitespace && $0 != "\"" }
                        .replacingOccurrences(of: "bigint", with: "integer")
                    return "\(row.string("type") ?? "") \(row.string("name") ?? ""): \(sql)"
                }
            case .postgres:
                let columns = try await conn.query("""
                    SELECT table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type || ' ' || is_nullable
                           || ' ' || coalesce(column_default, '-') AS line
                    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                    """, [])
                let constraints = try await conn.query("""
                    SELECT c.relname || ' ' || k.conname || ': ' || pg_get_constraintdef(k.oid) AS line
                    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                    WHERE c.relnamespace = 'public'::regnamespace ORDER BY c.relname, k.conname
                    """, [])
                let indexes = try await conn.query("""
                    SELECT indexname || ': ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname
                    """, [])
                return (columns + constraints + indexes).compactMap { $0.string("line") }
            }
        }
    }
}
