public import RosterSQL

/// The SQLite schema. Ids are lower-case UUID text, times integer microseconds since 1970, JSON text.
/// Every key of a tenant's data starts with `tenant_id` (DESIGN.md §3 Storage).
public enum SQLiteMigrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "tenants, parties, state history, audit, platform tokens", statements: [
            """
            CREATE TABLE tenants (
                id TEXT PRIMARY KEY,
                slug TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                status TEXT NOT NULL,
                settings TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                version INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE platform_tokens (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE parties (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('person', 'organization')),
                first_name TEXT,
                last_name TEXT,
                name TEXT,
                email TEXT,
                phone TEXT,
                website TEXT,
                email_domains TEXT NOT NULL,
                note TEXT,
                customer_type TEXT,
                roles TEXT NOT NULL,
                properties TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('active', 'suspended', 'archived', 'deleted')),
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                version INTEGER NOT NULL,
                email_key TEXT,
                first_key TEXT,
                last_key TEXT,
                name_key TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id)
            )
            """,
            "CREATE UNIQUE INDEX parties_live_email ON parties (tenant_id, kind, email_key) WHERE email_key IS NOT NULL AND state <> 'deleted'",
            "CREATE UNIQUE INDEX parties_live_phone ON parties (tenant_id, kind, phone) WHERE phone IS NOT NULL AND state <> 'deleted'",
            "CREATE INDEX parties_email ON parties (tenant_id, email_key)",
            "CREATE INDEX parties_phone ON parties (tenant_id, phone)",
            "CREATE INDEX parties_name ON parties (tenant_id, name_key)",
            "CREATE INDEX parties_customer_type ON parties (tenant_id, customer_type)",
            """
            CREATE TABLE party_roles (
                tenant_id TEXT NOT NULL,
                party_id TEXT NOT NULL,
                role TEXT NOT NULL,
                PRIMARY KEY (tenant_id, party_id, role),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX party_roles_role ON party_roles (tenant_id, role, party_id)",
            """
            CREATE TABLE party_state_history (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                party_id TEXT NOT NULL,
                from_state TEXT,
                to_state TEXT NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX party_state_history_party ON party_state_history (tenant_id, party_id, id)",
            """
            CREATE TABLE audit_entries (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                seq INTEGER NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target_type TEXT,
                target_id TEXT,
                request_id TEXT,
                fields TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                PRIMARY KEY (tenant_id, seq)
            )
            """,
            "CREATE INDEX audit_entries_target ON audit_entries (tenant_id, target_id, seq)",
            """
            CREATE TABLE audit_heads (
                tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL
            )
            """,
        ]),
        Migration(version: 2, name: "relationships, closure table, tags, partner accounts, organization domains", statements: [
            """
            CREATE TABLE relationships (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                parent_id TEXT NOT NULL,
                child_id TEXT NOT NULL,
                type TEXT NOT NULL,
                role TEXT,
                valid_from INTEGER,
                valid_to INTEGER,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, parent_id, child_id, type),
                FOREIGN KEY (tenant_id, parent_id) REFERENCES parties (tenant_id, id),
                FOREIGN KEY (tenant_id, child_id) REFERENCES parties (tenant_id, id)
            )
            """,
            "CREATE INDEX relationships_down ON relationships (tenant_id, type, parent_id, child_id)",
            "CREATE INDEX relationships_up ON relationships (tenant_id, child_id, type, parent_id)",
            """
            CREATE TABLE party_closure (
                tenant_id TEXT NOT NULL,
                type TEXT NOT NULL,
                ancestor_id TEXT NOT NULL,
                descendant_id TEXT NOT NULL,
                depth INTEGER NOT NULL,
                paths BIGINT NOT NULL,
                PRIMARY KEY (tenant_id, type, ancestor_id, descendant_id, depth)
            )
            """,
            "CREATE INDEX party_closure_up ON party_closure (tenant_id, type, descendant_id, ancestor_id)",
            """
            CREATE TABLE tags (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                text TEXT NOT NULL,
                text_key TEXT NOT NULL,
                color TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, text_key)
            )
            """,
            """
            CREATE TABLE party_tags (
                tenant_id TEXT NOT NULL,
                party_id TEXT NOT NULL,
                tag_id TEXT NOT NULL,
                PRIMARY KEY (tenant_id, party_id, tag_id),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, tag_id) REFERENCES tags (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX party_tags_tag ON party_tags (tenant_id, tag_id, party_id)",
            """
            CREATE TABLE partner_accounts (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                partner_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                username TEXT NOT NULL,
                secret TEXT NOT NULL,
                active INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, partner_id, customer_id),
                FOREIGN KEY (tenant_id, partner_id) REFERENCES parties (tenant_id, id),
                FOREIGN KEY (tenant_id, customer_id) REFERENCES parties (tenant_id, id)
            )
            """,
            "CREATE INDEX partner_accounts_customer ON partner_accounts (tenant_id, customer_id)",
            """
            CREATE TABLE organization_domains (
                tenant_id TEXT NOT NULL,
                domain TEXT NOT NULL,
                party_id TEXT NOT NULL,
                PRIMARY KEY (tenant_id, domain, party_id),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
            )
            """,
            """
            INSERT INTO organization_domains (tenant_id, domain, party_id) SELECT DISTINCT p.tenant_id, j.value, p.id FROM parties p, json_each(p.email_domains) j WHERE p.kind = 'organization'
            """,
        ]),
        Migration(version: 3, name: "users, segments, API keys", statements: [
            """
            CREATE TABLE users (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                email TEXT,
                sso_issuer TEXT,
                sso_subject TEXT,
                employee_id TEXT,
                display_name TEXT,
                designation TEXT,
                department TEXT,
                role TEXT NOT NULL CHECK (role IN ('USER', 'MANAGEMENT', 'ADMIN')),
                is_active INTEGER NOT NULL,
                party_id TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                version BIGINT NOT NULL,
                email_key TEXT,
                employee_key TEXT,
                display_key TEXT,
                designation_key TEXT,
                department_key TEXT,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id)
            )
            """,
            "CREATE UNIQUE INDEX users_email ON users (tenant_id, email_key) WHERE email_key IS NOT NULL",
            "CREATE UNIQUE INDEX users_sso ON users (tenant_id, sso_issuer, sso_subject) WHERE sso_subject IS NOT NULL",
            "CREATE UNIQUE INDEX users_party ON users (tenant_id, party_id) WHERE party_id IS NOT NULL",
            "CREATE INDEX users_employee ON users (tenant_id, employee_key)",
            """
            CREATE TABLE segments (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                name TEXT NOT NULL,
                rules TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, name)
            )
            """,
            """
            CREATE TABLE api_keys (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('USER', 'MANAGEMENT', 'ADMIN')),
                created_at INTEGER NOT NULL,
                revoked_at INTEGER,
                PRIMARY KEY (tenant_id, id)
            )
            """,
        ]),
        Migration(version: 4, name: "roles and grants", statements: [
            """
            CREATE TABLE roles (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                name TEXT NOT NULL,
                name_key TEXT NOT NULL,
                policies TEXT NOT NULL,
                organization_id TEXT,
                relationship_type TEXT,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, name_key),
                FOREIGN KEY (tenant_id, organization_id) REFERENCES parties (tenant_id, id)
            )
            """,
            """
            CREATE TABLE user_roles (
                tenant_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                role_id TEXT NOT NULL,
                PRIMARY KEY (tenant_id, user_id, role_id),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX user_roles_role ON user_roles (tenant_id, role_id, user_id)",
        ]),
        Migration(version: 5, name: "api key roles", statements: [
            "ALTER TABLE api_keys ADD COLUMN role_ids TEXT NOT NULL DEFAULT '[]'",
        ]),
        Migration(version: 6, name: "provisioning workflows and idempotency keys", statements: [
            """
            CREATE TABLE provisioning (
                tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
                state TEXT NOT NULL,
                due_at INTEGER,
                lease_owner TEXT,
                lease_until INTEGER,
                version INTEGER NOT NULL
            )
            """,
            "CREATE INDEX provisioning_due ON provisioning (due_at) WHERE due_at IS NOT NULL",
            """
            CREATE TABLE idempotency_keys (
                key TEXT PRIMARY KEY,
                request_hash TEXT NOT NULL,
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                expires_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)",
        ]),
        Migration(version: 7, name: "settings of the installation (the secret key's check value)", statements: [
            "CREATE TABLE roster_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]),
        Migration(version: 8, name: "edges with a validity window, found fast", statements: [
            """
            CREATE INDEX relationships_windowed ON relationships (tenant_id, type)
            WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL
            """,
        ]),
        Migration(version: 9, name: "access versions and the changes that made them", statements: [
            "ALTER TABLE tenants ADD COLUMN access_version INTEGER NOT NULL DEFAULT 0",
            """
            CREATE TABLE access_changes (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                version INTEGER NOT NULL,
                change TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, version)
            )
            """,
            "CREATE INDEX access_changes_at ON access_changes (at)",
        ]),
        Migration(version: 10, name: "history of edges and grants, for answers as of a past instant", statements: [
            """
            CREATE TABLE relationship_history (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                parent_id TEXT NOT NULL,
                child_id TEXT NOT NULL,
                type TEXT NOT NULL,
                role TEXT,
                valid_from INTEGER,
                valid_to INTEGER,
                created_at INTEGER NOT NULL,
                removed_at INTEGER,
                PRIMARY KEY (tenant_id, id)
            )
            """,
            "CREATE INDEX relationship_history_up ON relationship_history (tenant_id, child_id, type)",
            "CREATE INDEX relationship_history_down ON relationship_history (tenant_id, parent_id, type)",
            """
            INSERT INTO relationship_history (tenant_id, id, parent_id, child_id, type, role, valid_from, valid_to, created_at)
            SELECT tenant_id, id, parent_id, child_id, type, role, valid_from, valid_to, created_at FROM relationships
            """,
            """
            CREATE TABLE role_grant_history (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                user_id TEXT NOT NULL,
                role_id TEXT NOT NULL,
                granted_at INTEGER NOT NULL,
                revoked_at INTEGER,
                PRIMARY KEY (tenant_id, user_id, role_id, granted_at)
            )
            """,
            """
            INSERT INTO role_grant_history (tenant_id, user_id, role_id, granted_at)
            SELECT ur.tenant_id, ur.user_id, ur.role_id, r.created_at FROM user_roles ur
            JOIN roles r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id
            """,
        ]),
    ]
}
