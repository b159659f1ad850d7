import RosterCore

/// Roster's schema, described once (see `Schema.swift`) and rendered for SQLite and PostgreSQL.
///
/// Every table but `tenants`, `platform_tokens` and `roster_settings` (the installation's) holds one tenant's data,
/// and every one of its keys starts with `tenant_id`, so that PostgreSQL can distribute them by tenant (Citus) as
/// they are (DESIGN.md §3 Storage). A migration once released never changes: a database made by it must migrate on.
public enum RosterSchema {
    public static func migrations(for dialect: SQLDialect) -> [Migration] {
        all.map { $0.rendered(for: dialect) }
    }

    /// The tables the migrations leave, by name, with their scope (the last definition of each).
    public static var tables: [String: Table.Scope] {
        var tables: [String: Table.Scope] = [:]
        for migration in all {
            for case .table(let table) in migration.steps { tables[table.name] = table.scope }
        }
        return tables
    }

    public static let all: [SchemaMigration] = [
        SchemaMigration(1, "tenants, parties, state history, audit, platform tokens", [
            .table(Table("tenants", scope: .global, [
                Column("id", .id, primaryKey: true),
                Column("slug", .text, unique: true),
                Column("name", .text),
                Column("status", .text),
                Column("settings", .json),
                Column("created_at", .time),
                Column("updated_at", .time),
                Column("version", .int64),
            ])),
            .table(Table("platform_tokens", scope: .global, [
                Column("id", .text, primaryKey: true),
                Column("name", .text),
                Column("token_hash", .text, unique: true),
                Column("created_at", .time),
            ])),
            .table(Table("parties", [
                .tenant,
                Column("id", .id),
                Column("kind", .text, check: "kind IN ('person', 'organization')"),
                Column("first_name", .text, nullable: true),
                Column("last_name", .text, nullable: true),
                Column("name", .text, nullable: true),
                Column("email", .text, nullable: true),
                Column("phone", .text, nullable: true),
                Column("website", .text, nullable: true),
                Column("email_domains", .json),
                Column("note", .text, nullable: true),
                Column("customer_type", .text, nullable: true),
                Column("roles", .json),
                Column("properties", .json),
                Column("state", .text, check: partyStates16),
                Column("created_at", .time),
                Column("updated_at", .time),
                Column("version", .int64),
                Column("email_key", .text, nullable: true),
                Column("first_key", .text, nullable: true),
                Column("last_key", .text, nullable: true),
                Column("name_key", .text),
            ], primaryKey: ["tenant_id", "id"])),
            .index(Index("parties_live_email", on: "parties", ["tenant_id", "kind", "email_key"], unique: true,
                         where: "email_key IS NOT NULL AND state <> 'deleted'")),
            .index(Index("parties_live_phone", on: "parties", ["tenant_id", "kind", "phone"], unique: true,
                         where: "phone IS NOT NULL AND state <> 'deleted'")),
            .index(Index("parties_email", on: "parties", ["tenant_id", "email_key"], prefixSearched: ["email_key"])),
            .index(Index("parties_phone", on: "parties", ["tenant_id", "phone"], prefixSearched: ["phone"])),
            .index(Index("parties_name", on: "parties", ["tenant_id", "name_key"], prefixSearched: ["name_key"])),
            .index(Index("parties_customer_type", on: "parties", ["tenant_id", "customer_type"])),
            .table(Table("party_roles", [
                .tenantKey,
                Column("party_id", .id),
                Column("role", .text),
            ], primaryKey: ["tenant_id", "party_id", "role"], foreignKeys: [.tenant("party_id", "parties", cascade: true)])),
            .index(Index("party_roles_role", on: "party_roles", ["tenant_id", "role", "party_id"])),
            .table(Table("party_state_history", [
                .tenantKey,
                Column("id", .id),
                Column("party_id", .id),
                Column("from_state", .text, nullable: true),
                Column("to_state", .text),
                Column("at", .time),
                Column("actor", .text),
                Column("reason", .text, nullable: true),
            ], primaryKey: ["tenant_id", "id"], foreignKeys: [.tenant("party_id", "parties", cascade: true)])),
            .index(Index("party_state_history_party", on: "party_state_history", ["tenant_id", "party_id", "id"])),
            .table(Table("audit_entries", [
                .tenant,
                Column("seq", .int64),
                Column("at", .micros),
                Column("actor", .text),
                Column("action", .text),
                Column("target_type", .text, nullable: true),
                Column("target_id", .text, nullable: true),
                Column("request_id", .text, nullable: true),
                Column("fields", .json),
                Column("prev_hash", .text),
                Column("hash", .text),
            ], primaryKey: ["tenant_id", "seq"])),
            .index(Index("audit_entries_target", on: "audit_entries", ["tenant_id", "target_id", "seq"])),
            .table(Table("audit_heads", [
                Column("tenant_id", .id, primaryKey: true, references: "tenants(id)"),
                Column("seq", .int64),
                Column("hash", .text),
            ])),
        ]),
        SchemaMigration(2, "relationships, closure table, tags, partner accounts, organization domains", [
            .table(Table("relationships", [
                .tenantKey,
                Column("id", .id),
                Column("parent_id", .id),
                Column("child_id", .id),
                Column("type", .text),
                Column("role", .text, nullable: true),
                Column("valid_from", .time, nullable: true),
                Column("valid_to", .time, nullable: true),
                Column("created_at", .time),
            ], primaryKey: ["tenant_id", "id"], unique: [["tenant_id", "parent_id", "child_id", "type"]],
               foreignKeys: [.tenant("parent_id", "parties"), .tenant("child_id", "parties")])),
            .index(Index("relationships_down", on: "relationships", ["tenant_id", "type", "parent_id", "child_id"])),
            .index(Index("relationships_up", on: "relationships", ["tenant_id", "child_id", "type", "parent_id"])),
            .table(Table("party_closure", [
                .tenantKey,
                Column("type", .text),
                Column("ancestor_id", .id),
                Column("descendant_id", .id),
                Column("depth", .int32),
                Column("paths", .int64),
            ], primaryKey: ["tenant_id", "type", "ancestor_id", "descendant_id", "depth"])),
            .index(Index("party_closure_up", on: "party_closure", ["tenant_id", "type", "descendant_id", "ancestor_id"])),
            .table(Table("tags", [
                .tenant,
                Column("id", .id),
                Column("text", .text),
                Column("text_key", .text),
                Column("color", .text),
                Column("created_at", .time),
            ], primaryKey: ["tenant_id", "id"], unique: [["tenant_id", "text_key"]])),
            .table(Table("party_tags", [
                .tenantKey,
                Column("party_id", .id),
                Column("tag_id", .id),
            ], primaryKey: ["tenant_id", "party_id", "tag_id"],
               foreignKeys: [.tenant("party_id", "parties", cascade: true), .tenant("tag_id", "tags", cascade: true)])),
            .index(Index("party_tags_tag", on: "party_tags", ["tenant_id", "tag_id", "party_id"])),
            .table(Table("partner_accounts", [
                .tenantKey,
                Column("id", .id),
                Column("partner_id", .id),
                Column("customer_id", .id),
                Column("username", .text),
                Column("secret", .text),
                Column("active", .bool),
                Column("created_at", .time),
                Column("updated_at", .time),
            ], primaryKey: ["tenant_id", "id"], unique: [["tenant_id", "partner_id", "customer_id"]],
               foreignKeys: [.tenant("partner_id", "parties"), .tenant("customer_id", "parties")])),
            .index(Index("partner_accounts_customer", on: "partner_accounts", ["tenant_id", "customer_id"])),
            .table(Table("organization_domains", [
                .tenantKey,
                Column("domain", .text),
                Column("party_id", .id),
            ], primaryKey: ["tenant_id", "domain", "party_id"], foreignKeys: [.tenant("party_id", "parties", cascade: true)])),
            // Each dialect reads a JSON array its own way.
            .dialects(sqlite: ["""
                INSERT INTO organization_domains (tenant_id, domain, party_id) SELECT DISTINCT p.tenant_id, j.value, p.id \
                FROM parties p, json_each(p.email_domains) j WHERE p.kind = 'organization'
                """], postgres: ["""
                INSERT INTO organization_domains (tenant_id, domain, party_id) SELECT DISTINCT p.tenant_id, d.domain, p.id \
                FROM parties p, jsonb_array_elements_text(p.email_domains) AS d(domain) WHERE p.kind = 'organization'
                """]),
        ]),
        SchemaMigration(3, "users, segments, API keys", [
            .table(Table("users", [
                .tenant,
                Column("id", .id),
                Column("email", .text, nullable: true),
                Column("sso_issuer", .text, nullable: true),
                Column("sso_subject", .text, nullable: true),
                Column("employee_id", .text, nullable: true),
                Column("display_name", .text, nullable: true),
                Column("designation", .text, nullable: true),
                Column("department", .text, nullable: true),
                Column("role", .text, check: "role IN ('USER', 'MANAGEMENT', 'ADMIN')"),
                Column("is_active", .bool),
                Column("party_id", .id, nullable: true),
                Column("created_at", .time),
                Column("updated_at", .time),
                Column("version", .int64),
                Column("email_key", .text, nullable: true),
                Column("employee_key", .text, nullable: true),
                Column("display_key", .text, nullable: true),
                Column("designation_key", .text, nullable: true),
                Column("department_key", .text, nullable: true),
            ], primaryKey: ["tenant_id", "id"], foreignKeys: [.tenant("party_id", "parties")])),
            .index(Index("users_email", on: "users", ["tenant_id", "email_key"], unique: true, where: "email_key IS NOT NULL")),
            .index(Index("users_sso", on: "users", ["tenant_id", "sso_issuer", "sso_subject"], unique: true,
                         where: "sso_subject IS NOT NULL")),
            .index(Index("users_party", on: "users", ["tenant_id", "party_id"], unique: true, where: "party_id IS NOT NULL")),
            .index(Index("users_employee", on: "users", ["tenant_id", "employee_key"])),
            .table(Table("segments", [
                .tenant,
                Column("name", .text),
                Column("rules", .json),
                Column("updated_at", .time),
            ], primaryKey: ["tenant_id", "name"])),
            // Its key_hash was unique on its own; migration 11 makes the key (tenant_id, key_hash).
            .table(Table("api_keys", [
                .tenant,
                Column("id", .id),
                Column("name", .text),
                Column("prefix", .text),
                Column("key_hash", .text, unique: true),
                Column("role", .text, check: "role IN ('USER', 'MANAGEMENT', 'ADMIN')"),
                Column("created_at", .time),
                Column("revoked_at", .time, nullable: true),
            ], primaryKey: ["tenant_id", "id"])),
        ]),
        SchemaMigration(4, "roles and grants", [
            .table(Table("roles", [
                .tenant,
                Column("id", .id),
                Column("name", .text),
                Column("name_key", .text),
                Column("policies", .json),
                Column("organization_id", .id, nullable: true),
                Column("relationship_type", .text, nullable: true),
                Column("created_at", .time),
            ], primaryKey: ["tenant_id", "id"], unique: [["tenant_id", "name_key"]],
               foreignKeys: [.tenant("organization_id", "parties")])),
            .table(Table("user_roles", [
                .tenantKey,
                Column("user_id", .id),
                Column("role_id", .id),
            ], primaryKey: ["tenant_id", "user_id", "role_id"],
               foreignKeys: [.tenant("user_id", "users", cascade: true), .tenant("role_id", "roles", cascade: true)])),
            .index(Index("user_roles_role", on: "user_roles", ["tenant_id", "role_id", "user_id"])),
        ]),
        SchemaMigration(5, "api key roles", [
            .addColumn(table: "api_keys", Column("role_ids", .json, defaultValue: "'[]'")),
        ]),
        SchemaMigration(6, "provisioning workflows and idempotency keys", [
            .table(Table("provisioning", [
                Column("tenant_id", .id, primaryKey: true, references: "tenants(id)"),
                Column("state", .json),
                Column("due_at", .time, nullable: true),
                Column("lease_owner", .text, nullable: true),
                Column("lease_until", .time, nullable: true),
                Column("version", .int32),
            ])),
            .index(Index("provisioning_due", on: "provisioning", ["due_at"], where: "due_at IS NOT NULL")),
            // Keyed by the key alone at first; migration 11 makes the key (tenant_id, key).
            .table(Table("idempotency_keys", [
                Column("key", .text, primaryKey: true),
                Column("request_hash", .text),
                .tenant,
                Column("expires_at", .time),
            ])),
            .index(Index("idempotency_keys_expiry", on: "idempotency_keys", ["expires_at"])),
        ]),
        SchemaMigration(7, "settings of the installation (the secret key's check value)", [
            .table(Table("roster_settings", scope: .global, [
                Column("name", .text, primaryKey: true),
                Column("value", .text),
            ])),
        ]),
        SchemaMigration(8, "edges with a validity window, found fast", [
            .index(Index("relationships_windowed", on: "relationships", ["tenant_id", "type"],
                         where: "valid_from IS NOT NULL OR valid_to IS NOT NULL")),
        ]),
        SchemaMigration(9, "access versions and the changes that made them", [
            .addColumn(table: "tenants", Column("access_version", .int64, defaultValue: "0")),
            .table(Table("access_changes", [
                .tenant,
                Column("version", .int64),
                Column("change", .text),
                Column("at", .time),
            ], primaryKey: ["tenant_id", "version"])),
            .index(Index("access_changes_at", on: "access_changes", ["at"])),
        ]),
        SchemaMigration(10, "history of edges and grants, for answers as of a past instant", [
            .table(Table("relationship_history", [
                .tenant,
                Column("id", .id),
                Column("parent_id", .id),
                Column("child_id", .id),
                Column("type", .text),
                Column("role", .text, nullable: true),
                Column("valid_from", .time, nullable: true),
                Column("valid_to", .time, nullable: true),
                Column("created_at", .time),
                Column("removed_at", .time, nullable: true),
            ], primaryKey: ["tenant_id", "id"])),
            .index(Index("relationship_history_up", on: "relationship_history", ["tenant_id", "child_id", "type"])),
            .index(Index("relationship_history_down", on: "relationship_history", ["tenant_id", "parent_id", "type"])),
            .sql("""
                INSERT INTO relationship_history (tenant_id, id, parent_id, child_id, type, role, valid_from, valid_to, created_at)
                SELECT tenant_id, id, parent_id, child_id, type, role, valid_from, valid_to, created_at FROM relationships
                """),
            .table(Table("role_grant_history", [
                .tenant,
                Column("user_id", .id),
                Column("role_id", .id),
                Column("granted_at", .time),
                Column("revoked_at", .time, nullable: true),
            ], primaryKey: ["tenant_id", "user_id", "role_id", "granted_at"])),
            .sql("""
                INSERT INTO role_grant_history (tenant_id, user_id, role_id, granted_at)
                SELECT ur.tenant_id, ur.user_id, ur.role_id, r.created_at FROM user_roles ur
                JOIN roles r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id
                """),
        ]),
        SchemaMigration(11, "every key of a tenant table starts with tenant_id (API keys, idempotency keys)", [
            // PostgreSQL changes the constraints in place; SQLite cannot drop a column's UNIQUE, so it copies the
            // table (the same columns, in the same order) and renames the copy.
            .dialects(sqlite: rebuild(apiKeys, columns: "tenant_id, id, name, prefix, key_hash, role, created_at, revoked_at, role_ids")
                        + rebuild(idempotencyKeys, columns: "key, request_hash, tenant_id, expires_at")
                        + [Index("idempotency_keys_expiry", on: "idempotency_keys", ["expires_at"]).rendered(for: .sqlite)],
                      postgres: [
                        "ALTER TABLE api_keys DROP CONSTRAINT api_keys_key_hash_key",
                        "ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_hash UNIQUE (tenant_id, key_hash)",
                        "ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey",
                        "ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (tenant_id, key)",
                      ]),
            // A key is presented without its tenant: it is found by its hash (a lookup on every shard under Citus).
            .index(Index("api_keys_hash", on: "api_keys", ["key_hash"])),
            .index(Index("idempotency_keys_key", on: "idempotency_keys", ["key"])),
        ]),
        SchemaMigration(12, "consent ledger", [
            // Append-only; erasure removes a party's entries with it.
            .table(Table("consents", [
                .tenantKey,
                Column("id", .id),
                Column("party_id", .id),
                Column("purpose", .text),
                Column("status", .text, check: "status IN ('granted', 'withdrawn')"),
                Column("source", .text),
                Column("at", .time),
                Column("note", .text, nullable: true),
                Column("recorded_at", .time),
                Column("recorded_by", .text),
            ], primaryKey: ["tenant_id", "id"], foreignKeys: [.tenant("party_id", "parties", cascade: true)])),
            .index(Index("consents_party", on: "consents", ["tenant_id", "party_id", "purpose", "id"])),
            // The current entry per (party, purpose), kept in the transaction that appends, so that "who consents to
            // P now" is one index range.
            .table(Table("consent_current", [
                .tenantKey,
                Column("purpose", .text),
                Column("party_id", .id),
                Column("status", .text),
                Column("at", .time),
                Column("consent_id", .id),
            ], primaryKey: ["tenant_id", "purpose", "party_id"], foreignKeys: [.tenant("party_id", "parties", cascade: true)])),
            .index(Index("consent_current_status", on: "consent_current", ["tenant_id", "purpose", "status", "party_id"])),
        ]),
        SchemaMigration(13, "deleted parties found fast (the retention worker)", [
            .index(Index("parties_deleted", on: "parties", ["tenant_id", "id"], where: "state = 'deleted'")),
        ]),
        SchemaMigration(14, "audit chains verified up to a checkpoint", [
            .table(Table("audit_checkpoints", [
                Column("tenant_id", .id, primaryKey: true, references: "tenants(id)"),
                Column("seq", .int64),
                Column("hash", .text),
                Column("verified_at", .time),
            ])),
        ]),
        SchemaMigration(15, "the progress of party imports (a file run again goes on after its last committed row)", [
            .table(Table("import_progress", [
                .tenant,
                Column("digest", .text),
                Column("rows_done", .int64),
                Column("refused", .int64),
                Column("updated_at", .time),
            ], primaryKey: ["tenant_id", "digest"])),
        ]),
        SchemaMigration(16, "import jobs over HTTP and the rows they refused", [
            .table(Table("import_jobs", [
                .tenant,
                Column("id", .id),
                Column("type", .text, check: "type IN ('parties', 'relationships')"),
                Column("format", .text),
                Column("on_duplicate", .text),
                Column("status", .text, check: "status IN ('running', 'completed', 'failed')"),
                Column("processed", .int64),
                Column("created", .int64),
                Column("updated", .int64),
                Column("unchanged", .int64),
                Column("skipped", .int64),
                Column("refused", .int64),
                Column("resumed_after", .int64),
                Column("error", .text, nullable: true),
                Column("actor", .text),
                Column("created_at", .time),
                Column("updated_at", .time),
                Column("finished_at", .time, nullable: true),
            ], primaryKey: ["tenant_id", "id"])),
            // Field names and Roster's messages only: a refused row's values stay in the file that was posted.
            .table(Table("import_job_errors", [
                .tenantKey,
                Column("job_id", .id),
                Column("seq", .int64),
                Column("row_number", .int64),
                Column("field", .text),
                Column("message", .text),
            ], primaryKey: ["tenant_id", "job_id", "seq"], foreignKeys: [.tenant("job_id", "import_jobs", cascade: true)])),
        ]),
        SchemaMigration(17, "merged parties, and the merges that undo can reverse", [
            // SQLite can't alter a CHECK, and copying `parties` would cascade its DROP into every table that refers to
            // it; a wider CHECK changes no stored row, so the table's definition is rewritten in place, the way SQLite's
            // ALTER TABLE page describes for such changes (the schema cookie bumped so every connection reads it again).
            .dialects(sqlite: [
                "PRAGMA writable_schema = ON",
                """
                UPDATE sqlite_schema SET sql = replace(sql, \(sqliteString(partyStates16)), \(sqliteString(partyStates17)))
                WHERE type = 'table' AND name = 'parties'
                """,
                "PRAGMA writable_schema = OFF",
                Migration.bumpSchemaVersion,
            ], postgres: [
                "ALTER TABLE parties DROP CONSTRAINT parties_state_check",
                "ALTER TABLE parties ADD CONSTRAINT parties_state_check CHECK (\(partyStates17))",
            ]),
            .addColumn(table: "parties", Column("merged_into", .id, nullable: true)),
            // A merged party is no longer live: its email and phone are free again (undo checks them).
            .sql("DROP INDEX parties_live_email"),
            .sql("DROP INDEX parties_live_phone"),
            .index(Index("parties_live_email", on: "parties", ["tenant_id", "kind", "email_key"], unique: true,
                         where: "email_key IS NOT NULL AND state NOT IN ('deleted', 'merged')")),
            .index(Index("parties_live_phone", on: "parties", ["tenant_id", "kind", "phone"], unique: true,
                         where: "phone IS NOT NULL AND state NOT IN ('deleted', 'merged')")),
            // What a merge changed, so that undo can put it back: the parties as they were, the rows moved, and a
            // digest of each party's state as the merge left it (undo refuses once one differs). It holds personal
            // data: erasing any party of a merge removes the merge.
            .table(Table("merges", [
                .tenant,
                Column("id", .id),
                Column("survivor_id", .id),
                Column("actor", .text),
                Column("created_at", .time),
                Column("undone_at", .time, nullable: true),
                Column("record", .json),
            ], primaryKey: ["tenant_id", "id"])),
            .table(Table("merge_parties", [
                .tenantKey,
                Column("party_id", .id),
                Column("merge_id", .id),
            ], primaryKey: ["tenant_id", "party_id", "merge_id"], foreignKeys: [.tenant("merge_id", "merges", cascade: true)])),
        ]),
        SchemaMigration(18, "grants with a validity window", [
            .addColumn(table: "user_roles", Column("valid_from", .time, nullable: true)),
            .addColumn(table: "user_roles", Column("valid_to", .time, nullable: true)),
            .addColumn(table: "role_grant_history", Column("valid_from", .time, nullable: true)),
            .addColumn(table: "role_grant_history", Column("valid_to", .time, nullable: true)),
        ]),
        SchemaMigration(19, "email keys with their domain in ASCII (punycode), so that an IDN in Unicode and in punycode is one address", [],
                        data: rekeyEmails),
        // Users' keys were written as the search keys are (lower-cased, NFC), not as EmailAddress.key: a user with an IDN
        // domain was not found by the address in either form, and one address could make two users.
        SchemaMigration(20, "users' email keys as parties' (the domain in punycode)", [], data: rekeyEmails),
        // The identity key (punycode domain) is no search key: users are searched, and segments matched, by the address
        // as it was given, folded (`Segment.fold`), as `Segment.contains` reads it.
        SchemaMigration(21, "users' email as searched (folded, the domain as given)", [
            .addColumn(table: "users", Column("email_fold", .text, nullable: true)),
            .index(Index("users_email_fold", on: "users", ["tenant_id", "email_fold"], prefixSearched: ["email_fold"])),
        ], data: foldUserEmails),
        // A role is deleted by its time (its grants end with it); "as of" answers before that still see it.
        SchemaMigration(22, "roles deleted, with the time", [
            .addColumn(table: "roles", Column("deleted_at", .time, nullable: true)),
        ]),
        // Auto-linking compared an email's domain as written with the organization's as written: an IDN in punycode on one
        // side and in Unicode on the other never met.
        SchemaMigration(23, "organizations' email domains keyed in ASCII (punycode), as email keys are", [], data: rekeyDomains),
        // A party's export lists the parties merged into it, and its erasure erases them: each read the tenant's parties.
        SchemaMigration(24, "the parties merged into a party, indexed", [
            .index(Index("parties_merged_into", on: "parties", ["tenant_id", "merged_into"], where: "merged_into IS NOT NULL")),
        ]),
        // Lists ordered (and paged) by text followed the database's collation on PostgreSQL: on one made with a
        // linguistic locale (the usual default) tenants, tags, roles, consents and segments came in another order than on
        // SQLite, and a tenant cursor paged by one order and compared by another (found by a probe). Their keys compare
        // byte-wise now, as SQLite's BINARY does (Swift's order of their scalars); their indexes are rebuilt.
        SchemaMigration(25, "keys of ordered lists compared byte-wise on PostgreSQL", [
            .dialects(sqlite: [], postgres: [
                #"ALTER TABLE tenants ALTER COLUMN slug TYPE text COLLATE "C""#,
                #"ALTER TABLE tags ALTER COLUMN text_key TYPE text COLLATE "C""#,
                #"ALTER TABLE roles ALTER COLUMN name_key TYPE text COLLATE "C""#,
                #"ALTER TABLE consents ALTER COLUMN purpose TYPE text COLLATE "C""#,
                #"ALTER TABLE consent_current ALTER COLUMN purpose TYPE text COLLATE "C""#,
                #"ALTER TABLE segments ALTER COLUMN name TYPE text COLLATE "C""#,
            ]),
        ]),
        // Search compared names lower-cased only: "nunez" did not find "Núñez", nor "o'brien" "O’Brien", and the duplicate
        // finder kept "Acme Ltd." and "Acme Ltd" apart (found by probes). Their keys are folded now (`Text.searchKey`).
        SchemaMigration(26, "party name keys folded (accents, punctuation, spaces)", [], data: refoldNameKeys),
        // A trunk 0 written after the country code (`+44 020 ...`) was kept, making another number: new ones lose it
        // (`PhoneNumber.droppingTrunkZero`); the stored ones are normalized here (found by a probe).
        SchemaMigration(27, "phones stored with a trunk 0 after the country code, without it", [], data: dropTrunkZeros),
        // Partner accounts change (a rotated secret, a new username, deactivated): a version for If-Match, as other records.
        SchemaMigration(28, "partner accounts with a version", [
            .addColumn(table: "partner_accounts", Column("version", .int64, defaultValue: "1")),
        ]),
        // The duplicate finder groups organizations by name: their names alone, not every person's (a person's
        // name key is its full name, in `parties_name` too). Partial, so a person's write doesn't touch it; on one term
        // only, which SQLite 3.54 can match (with `state NOT IN (...)` in it too, it found the index unusable).
        SchemaMigration(29, "organizations by name", [
            .index(Index("parties_organization_name", on: "parties", ["tenant_id", "name_key"], where: "kind = 'organization'")),
        ]),
        // A key a user made ends with the user (a deactivated user's key went on working, and could reactivate it; found
        // by a probe): the user it was made for.
        SchemaMigration(30, "API keys with the user they were made for", [
            .addColumn(table: "api_keys", Column("created_by", .id, nullable: true)),
        ]),
        // A deleted partner account's audit entries (its reveals among them) belong in its parties' GDPR exports: which
        // parties it joined, kept when it goes (ids only; an erasure removes the erased party's). Found by a probe.
        SchemaMigration(31, "deleted partner accounts' parties", [
            .table(Table("partner_account_history", [
                .tenant,
                Column("id", .id),
                Column("partner_id", .id),
                Column("customer_id", .id),
                Column("removed_at", .time),
            ], primaryKey: ["tenant_id", "id"])),
            .index(Index("partner_account_history_partner", on: "partner_account_history", ["tenant_id", "partner_id"])),
            .index(Index("partner_account_history_customer", on: "partner_account_history", ["tenant_id", "customer_id"])),
        ]),
    ]

    /// Migration 27: each party's phone stored with a trunk 0 after its country code, without it, unless a live party of
    /// its kind holds that number already (stored once in each form before: left as it was, not to stop every start).
    @Sendable static func dropTrunkZeros(_ conn: any SQLConnection, _ dialect: SQLDialect) async throws {
        let candidates = PhoneNumber.trunkZeroCodes.map { "phone LIKE '\($0)0%'" }.joined(separator: " OR ")
        for row in try await conn.query("SELECT tenant_id, id, kind, phone, state FROM parties WHERE phone IS NOT NULL AND (\(candidates))", []) {
            guard let phone = row.string("phone"), let kind = row.string("kind") else { continue }
            let fixed = PhoneNumber.droppingTrunkZero(phone)
            guard fixed != phone, fixed.count >= 7 else { continue }
            let (tenant, id) = (SQLValue.uuid(try row.uuid("tenant_id")), SQLValue.uuid(try row.uuid("id")))
            let live = !["deleted", "merged"].contains(row.string("state") ?? "")
            if live, try await !conn.query("""
                SELECT 1 AS taken FROM parties WHERE tenant_id = $1 AND kind = $2 AND phone = $3 AND state NOT IN ('deleted', 'merged')
                """, [tenant, .text(kind), .text(fixed)]).isEmpty { continue }
            try await conn.execute("UPDATE parties SET phone = $3 WHERE tenant_id = $1 AND id = $2", [tenant, id, .text(fixed)])
        }
    }

    /// Migration 26: each party's name keys folded as `Text.searchKey` folds them (a key was its name lower-cased, so
    /// folding the key folds the name); a row is written only when one of its keys changes.
    @Sendable static func refoldNameKeys(_ conn: any SQLConnection, _ dialect: SQLDialect) async throws {
        for row in try await conn.query("SELECT tenant_id, id, first_key, last_key, name_key FROM parties", []) {
            let old = [row.string("first_key"), row.string("last_key"), row.string("name_key")]
            let new = old.map { $0.map(Text.searchKey) }
            guard new != old else { continue }
            try await conn.execute("UPDATE parties SET first_key = $3, last_key = $4, name_key = $5 WHERE tenant_id = $1 AND id = $2",
                                   [.uuid(try row.uuid("tenant_id")), .uuid(try row.uuid("id"))]
                                       + new.map { $0.map(SQLValue.text) ?? .null })
        }
    }

    /// Migration 23: each claimed domain holding non-ASCII characters, in its ASCII form.
    @Sendable static func rekeyDomains(_ conn: any SQLConnection, _ dialect: SQLDialect) async throws {
        let nonASCII = dialect == .sqlite ? "domain GLOB '*[^ -~]*'" : "domain ~ '[^ -~]'"
        for row in try await conn.query("SELECT tenant_id, domain, party_id FROM organization_domains WHERE \(nonASCII)", []) {
            guard let old = row.string("domain") else { continue }
            let (tenant, party) = (SQLValue.uuid(try row.uuid("tenant_id")), SQLValue.uuid(try row.uuid("party_id")))
            try await conn.execute("DELETE FROM organization_domains WHERE tenant_id = $1 AND domain = $2 AND party_id = $3", [tenant, .text(old), party])
            try await conn.execute("INSERT INTO organization_domains (tenant_id, domain, party_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                   [tenant, .text(Punycode.asciiDomain(old)), party])
        }
    }

    /// Migration 19: the stored email keys holding non-ASCII characters, computed again (`EmailAddress.key`). A key that
    /// would now equal another live record's (the same address stored once in each form before) is left as it was:
    /// refusing the migration would stop every start, and the duplicate finder still shows the pair.
    /// Migration 21: each user's email folded as `Segment.fold` folds it, into `email_fold`.
    @Sendable static func foldUserEmails(_ conn: any SQLConnection, _ dialect: SQLDialect) async throws {
        for row in try await conn.query("SELECT tenant_id, id, email FROM users WHERE email IS NOT NULL", []) {
            guard let email = row.string("email") else { continue }
            try await conn.execute("UPDATE users SET email_fold = $3 WHERE tenant_id = $1 AND id = $2",
                                   [.uuid(try row.uuid("tenant_id")), .uuid(try row.uuid("id")), .text(Segment.fold(email))])
        }
    }

    @Sendable static func rekeyEmails(_ conn: any SQLConnection, _ dialect: SQLDialect) async throws {
        let nonASCII = dialect == .sqlite ? "email_key GLOB '*[^ -~]*'" : "email_key ~ '[^ -~]'"
        // Which other record the unique index compares a key with: a live party of the same kind, any user.
        for (table, kind, clash) in [("parties", "kind", "kind = $4 AND state NOT IN ('deleted', 'merged')"), ("users", "''", "$4 = $4")] {
            let rows = try await conn.query("SELECT tenant_id, id, email_key, \(kind) AS kind FROM \(table) WHERE \(nonASCII)", [])
            for row in rows {
                guard let old = row.string("email_key") else { continue }
                let key = EmailAddress.key(old)
                guard key != old else { continue }
                let binds: [SQLValue] = [.uuid(try row.uuid("tenant_id")), .uuid(try row.uuid("id")), .text(key), .text(row.string("kind") ?? "")]
                let taken = try await conn.query(
                    "SELECT 1 AS taken FROM \(table) WHERE tenant_id = $1 AND id <> $2 AND email_key = $3 AND \(clash)", binds)
                guard taken.isEmpty else { continue }
                try await conn.execute("UPDATE \(table) SET email_key = $3 WHERE tenant_id = $1 AND id = $2 AND $4 = $4", binds)
            }
        }
    }

    static let partyStates16 = "state IN ('active', 'suspended', 'archived', 'deleted')"
    static let partyStates17 = "state IN ('active', 'suspended', 'archived', 'deleted', 'merged')"

    /// A SQL string literal.
    static func sqliteString(_ text: String) -> String { "'" + String(text.flatMap { $0 == "'" ? ["'", "'"] : [$0] }) + "'" }

    /// `api_keys` as migration 11 leaves it.
    static let apiKeys = Table("api_keys", [
        .tenant,
        Column("id", .id),
        Column("name", .text),
        Column("prefix", .text),
        Column("key_hash", .text),
        Column("role", .text, check: "role IN ('USER', 'MANAGEMENT', 'ADMIN')"),
        Column("created_at", .time),
        Column("revoked_at", .time, nullable: true),
        Column("role_ids", .json, defaultValue: "'[]'"),
    ], primaryKey: ["tenant_id", "id"], unique: [["tenant_id", "key_hash"]])

    /// `idempotency_keys` as migration 11 leaves it.
    static let idempotencyKeys = Table("idempotency_keys", [
        Column("key", .text),
        Column("request_hash", .text),
        .tenant,
        Column("expires_at", .time),
    ], primaryKey: ["tenant_id", "key"])

    /// SQLite: `table` made anew with its rows (its indexes go with the old table).
    static func rebuild(_ table: Table, columns: String) -> [String] {
        [
            table.rendered(for: .sqlite, as: "\(table.name)_next"),
            "INSERT INTO \(table.name)_next (\(columns)) SELECT \(columns) FROM \(table.name)",
            "DROP TABLE \(table.name)",
            "ALTER TABLE \(table.name)_next RENAME TO \(table.name)",
        ]
    }
}
