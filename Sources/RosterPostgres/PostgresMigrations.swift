public import RosterSQL

/// The PostgreSQL schema: `uuid`, `timestamptz`, `jsonb`. Every key of a tenant's data starts with
/// `tenant_id`, so the tables can be distributed by tenant (Citus) as they are.
public enum PostgresMigrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "tenants, parties, state history, audit, platform tokens", statements: [
            """
            CREATE TABLE tenants (
                id uuid PRIMARY KEY,
                slug text NOT NULL UNIQUE,
                name text NOT NULL,
                status text NOT NULL,
                settings jsonb NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                version bigint NOT NULL
            )
            """,
            """
            CREATE TABLE platform_tokens (
                id text PRIMARY KEY,
                name text NOT NULL,
                token_hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE parties (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                id uuid NOT NULL,
                kind text NOT NULL CHECK (kind IN ('person', 'organization')),
                first_name text,
                last_name text,
                name text,
                email text,
                phone text,
                website text,
                email_domains jsonb NOT NULL,
                note text,
                customer_type text,
                roles jsonb NOT NULL,
                properties jsonb NOT NULL,
                state text NOT NULL CHECK (state IN ('active', 'suspended', 'archived', 'deleted')),
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                version bigint NOT NULL,
                email_key text,
                first_key text,
                last_key text,
                name_key text NOT NULL,
                PRIMARY KEY (tenant_id, id)
            )
            """,
            "CREATE UNIQUE INDEX parties_live_email ON parties (tenant_id, kind, email_key) WHERE email_key IS NOT NULL AND state <> 'deleted'",
            "CREATE UNIQUE INDEX parties_live_phone ON parties (tenant_id, kind, phone) WHERE phone IS NOT NULL AND state <> 'deleted'",
            "CREATE INDEX parties_email ON parties (tenant_id, email_key text_pattern_ops)",
            "CREATE INDEX parties_phone ON parties (tenant_id, phone text_pattern_ops)",
            "CREATE INDEX parties_name ON parties (tenant_id, name_key text_pattern_ops)",
            "CREATE INDEX parties_customer_type ON parties (tenant_id, customer_type)",
            """
            CREATE TABLE party_roles (
                tenant_id uuid NOT NULL,
                party_id uuid NOT NULL,
                role text NOT NULL,
                PRIMARY KEY (tenant_id, party_id, role),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX party_roles_role ON party_roles (tenant_id, role, party_id)",
            """
            CREATE TABLE party_state_history (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                party_id uuid NOT NULL,
                from_state text,
                to_state text NOT NULL,
                at timestamptz NOT NULL,
                actor text NOT NULL,
                reason text,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX party_state_history_party ON party_state_history (tenant_id, party_id, id)",
            """
            CREATE TABLE audit_entries (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                seq bigint NOT NULL,
                at bigint NOT NULL, -- microseconds since 1970: the exact value the hash chain covers
                actor text NOT NULL,
                action text NOT NULL,
                target_type text,
                target_id text,
                request_id text,
                fields jsonb NOT NULL,
                prev_hash text NOT NULL,
                hash text NOT NULL,
                PRIMARY KEY (tenant_id, seq)
            )
            """,
            "CREATE INDEX audit_entries_target ON audit_entries (tenant_id, target_id, seq)",
            """
            CREATE TABLE audit_heads (
                tenant_id uuid PRIMARY KEY REFERENCES tenants(id),
                seq bigint NOT NULL,
                hash text NOT NULL
            )
            """,
        ]),
        Migration(version: 2, name: "relationships, closure table, tags, partner accounts, organization domains", statements: [
            """
            CREATE TABLE relationships (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                parent_id uuid NOT NULL,
                child_id uuid NOT NULL,
                type text NOT NULL,
                role text,
                valid_from timestamptz,
                valid_to timestamptz,
                created_at timestamptz NOT NULL,
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
                tenant_id uuid NOT NULL,
                type text NOT NULL,
                ancestor_id uuid NOT NULL,
                descendant_id uuid NOT NULL,
                depth INTEGER NOT NULL,
                paths BIGINT NOT NULL,
                PRIMARY KEY (tenant_id, type, ancestor_id, descendant_id, depth)
            )
            """,
            "CREATE INDEX party_closure_up ON party_closure (tenant_id, type, descendant_id, ancestor_id)",
            """
            CREATE TABLE tags (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                id uuid NOT NULL,
                text text NOT NULL,
                text_key text NOT NULL,
                color text NOT NULL,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, text_key)
            )
            """,
            """
            CREATE TABLE party_tags (
                tenant_id uuid NOT NULL,
                party_id uuid NOT NULL,
                tag_id uuid NOT NULL,
                PRIMARY KEY (tenant_id, party_id, tag_id),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, tag_id) REFERENCES tags (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX party_tags_tag ON party_tags (tenant_id, tag_id, party_id)",
            """
            CREATE TABLE partner_accounts (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                partner_id uuid NOT NULL,
                customer_id uuid NOT NULL,
                username text NOT NULL,
                secret text NOT NULL,
                active boolean NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, partner_id, customer_id),
                FOREIGN KEY (tenant_id, partner_id) REFERENCES parties (tenant_id, id),
                FOREIGN KEY (tenant_id, customer_id) REFERENCES parties (tenant_id, id)
            )
            """,
            "CREATE INDEX partner_accounts_customer ON partner_accounts (tenant_id, customer_id)",
            """
            CREATE TABLE organization_domains (
                tenant_id uuid NOT NULL,
                domain text NOT NULL,
                party_id uuid NOT NULL,
                PRIMARY KEY (tenant_id, domain, party_id),
                FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
            )
            """,
            """
            INSERT INTO organization_domains (tenant_id, domain, party_id) SELECT DISTINCT p.tenant_id, d.domain, p.id FROM parties p, jsonb_array_elements_text(p.email_domains) AS d(domain) WHERE p.kind = 'organization'
            """,
        ]),
        Migration(version: 3, name: "users, segments, API keys", statements: [
            """
            CREATE TABLE users (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                id uuid NOT NULL,
                email text,
                sso_issuer text,
                sso_subject text,
                employee_id text,
                display_name text,
                designation text,
                department text,
                role text NOT NULL CHECK (role IN ('USER', 'MANAGEMENT', 'ADMIN')),
                is_active boolean NOT NULL,
                party_id uuid,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                version BIGINT NOT NULL,
                email_key text,
                employee_key text,
                display_key text,
                designation_key text,
                department_key text,
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
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                name text NOT NULL,
                rules jsonb NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (tenant_id, name)
            )
            """,
            """
            CREATE TABLE api_keys (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                id uuid NOT NULL,
                name text NOT NULL,
                prefix text NOT NULL,
                key_hash text NOT NULL UNIQUE,
                role text NOT NULL CHECK (role IN ('USER', 'MANAGEMENT', 'ADMIN')),
                created_at timestamptz NOT NULL,
                revoked_at timestamptz,
                PRIMARY KEY (tenant_id, id)
            )
            """,
        ]),
        Migration(version: 4, name: "roles and grants", statements: [
            """
            CREATE TABLE roles (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                id uuid NOT NULL,
                name text NOT NULL,
                name_key text NOT NULL,
                policies jsonb NOT NULL,
                organization_id uuid,
                relationship_type text,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, name_key),
                FOREIGN KEY (tenant_id, organization_id) REFERENCES parties (tenant_id, id)
            )
            """,
            """
            CREATE TABLE user_roles (
                tenant_id uuid NOT NULL,
                user_id uuid NOT NULL,
                role_id uuid NOT NULL,
                PRIMARY KEY (tenant_id, user_id, role_id),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX user_roles_role ON user_roles (tenant_id, role_id, user_id)",
        ]),
        Migration(version: 5, name: "api key roles", statements: [
            "ALTER TABLE api_keys ADD COLUMN role_ids jsonb NOT NULL DEFAULT '[]'",
        ]),
        Migration(version: 6, name: "provisioning workflows and idempotency keys", statements: [
            """
            CREATE TABLE provisioning (
                tenant_id uuid PRIMARY KEY REFERENCES tenants(id),
                state jsonb NOT NULL,
                due_at timestamptz,
                lease_owner TEXT,
                lease_until timestamptz,
                version INTEGER NOT NULL
            )
            """,
            "CREATE INDEX provisioning_due ON provisioning (due_at) WHERE due_at IS NOT NULL",
            """
            CREATE TABLE idempotency_keys (
                key TEXT PRIMARY KEY,
                request_hash TEXT NOT NULL,
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                expires_at timestamptz NOT NULL
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
            "ALTER TABLE tenants ADD COLUMN access_version bigint NOT NULL DEFAULT 0",
            """
            CREATE TABLE access_changes (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                version bigint NOT NULL,
                change TEXT NOT NULL,
                at timestamptz NOT NULL,
                PRIMARY KEY (tenant_id, version)
            )
            """,
            "CREATE INDEX access_changes_at ON access_changes (at)",
        ]),
        Migration(version: 10, name: "history of edges and grants, for answers as of a past instant", statements: [
            """
            CREATE TABLE relationship_history (
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                id uuid NOT NULL,
                parent_id uuid NOT NULL,
                child_id uuid NOT NULL,
                type text NOT NULL,
                role text,
                valid_from timestamptz,
                valid_to timestamptz,
                created_at timestamptz NOT NULL,
                removed_at timestamptz,
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
                tenant_id uuid NOT NULL REFERENCES tenants(id),
                user_id uuid NOT NULL,
                role_id uuid NOT NULL,
                granted_at timestamptz NOT NULL,
                revoked_at timestamptz,
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
