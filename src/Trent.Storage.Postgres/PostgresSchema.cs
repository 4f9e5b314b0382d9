namespace Trent.Storage.Postgres;

/// <summary>
/// The schema as numbered migrations, applied in order and recorded in <c>schema_version</c>. A migration is
/// never edited once released: a change is a new entry. Timestamps are Unix milliseconds (as in the embedded
/// store); secrets are only ever sealed blobs. Text that is ordered or paged on uses the "C" collation, so that
/// order is by code point as in SQLite, whatever the database's locale. Every other free text is validated
/// against a pattern without U+0000 before it is stored, except a key's description, kept as UTF-8 bytes.
/// </summary>
internal static class PostgresSchema
{
    public static readonly (int Version, string Sql)[] Migrations =
    [
        (1, Initial),
        (2, KeyHierarchy),
        (3, SeveralNodes),
        (4, CustomKeyStores),
    ];

    public static int Latest => Migrations[^1].Version;

    private const string Initial = """
        CREATE TABLE keys (
            account_id text COLLATE "C" NOT NULL,
            region text COLLATE "C" NOT NULL,
            key_id text COLLATE "C" NOT NULL,
            partition text NOT NULL,
            creation_date bigint NOT NULL,
            description bytea NOT NULL, -- UTF-8: a key's description may hold U+0000, which text cannot
            key_spec text NOT NULL,
            key_usage text NOT NULL,
            origin text NOT NULL,
            key_state text NOT NULL,
            deletion_date bigint,
            pending_window integer,
            policy text,
            tags text NOT NULL,
            current_material_version bigint NOT NULL,
            current_key_material_id text,
            materials_revision bigint NOT NULL,
            rotation_enabled boolean NOT NULL,
            rotation_period_days integer,
            next_rotation_date bigint,
            on_demand_rotations integer NOT NULL,
            expiration_model text,
            valid_to bigint,
            row_version bigint NOT NULL,
            primary_region text COLLATE "C",
            settled_state text,
            PRIMARY KEY (account_id, region, key_id)
        );
        CREATE INDEX keys_pending_deletion ON keys (deletion_date) WHERE key_state = 'PendingDeletion';
        CREATE INDEX keys_rotation_due ON keys (next_rotation_date) WHERE rotation_enabled;
        CREATE INDEX keys_material_expiry ON keys (valid_to) WHERE valid_to IS NOT NULL;
        CREATE INDEX keys_multi_region ON keys (account_id, key_id) WHERE primary_region IS NOT NULL;
        CREATE INDEX keys_in_transition ON keys (key_state) WHERE key_state IN ('Creating', 'Updating');

        CREATE TABLE key_materials (
            key_id text COLLATE "C" NOT NULL,
            version bigint NOT NULL,
            key_material_id text NOT NULL,
            sealed_material bytea,
            created_at bigint NOT NULL,
            state text NOT NULL,
            import_state text,
            expiration_model text,
            valid_to bigint,
            description text,
            rotation_date bigint,
            rotation_type text,
            fingerprint bytea,
            PRIMARY KEY (key_id, version)
        );

        CREATE TABLE aliases (
            account_id text COLLATE "C" NOT NULL,
            region text COLLATE "C" NOT NULL,
            alias_name text COLLATE "C" NOT NULL,
            target_key_id text COLLATE "C" NOT NULL,
            creation_date bigint NOT NULL,
            last_updated_date bigint NOT NULL,
            PRIMARY KEY (account_id, region, alias_name)
        );
        CREATE INDEX aliases_by_target ON aliases (target_key_id);

        CREATE TABLE access_keys (
            access_key_id text COLLATE "C" NOT NULL PRIMARY KEY,
            account_id text NOT NULL,
            principal_arn text COLLATE "C" NOT NULL,
            principal_type text NOT NULL,
            principal_id text NOT NULL,
            sealed_secret bytea NOT NULL,
            created_at bigint NOT NULL,
            active boolean NOT NULL
        );
        CREATE INDEX access_keys_by_principal ON access_keys (principal_arn);

        CREATE TABLE accounts (
            account_id text COLLATE "C" NOT NULL PRIMARY KEY,
            created_at bigint NOT NULL
        );

        CREATE TABLE iam_users (
            account_id text COLLATE "C" NOT NULL,
            user_name_key text COLLATE "C" NOT NULL,
            user_name text NOT NULL,
            user_id text NOT NULL,
            path text NOT NULL,
            arn text NOT NULL,
            created_at bigint NOT NULL,
            tags text NOT NULL,
            PRIMARY KEY (account_id, user_name_key)
        );

        CREATE TABLE iam_roles (
            account_id text COLLATE "C" NOT NULL,
            role_name_key text COLLATE "C" NOT NULL,
            role_name text NOT NULL,
            role_id text NOT NULL,
            path text NOT NULL,
            arn text NOT NULL,
            created_at bigint NOT NULL,
            trust_policy text NOT NULL,
            description text,
            max_session_duration integer NOT NULL,
            tags text NOT NULL,
            PRIMARY KEY (account_id, role_name_key)
        );

        CREATE TABLE iam_inline_policies (
            account_id text COLLATE "C" NOT NULL,
            identity_kind text COLLATE "C" NOT NULL,
            identity_name_key text COLLATE "C" NOT NULL,
            policy_name text COLLATE "C" NOT NULL,
            document text NOT NULL,
            PRIMARY KEY (account_id, identity_kind, identity_name_key, policy_name)
        );

        CREATE TABLE grants (
            grant_id text COLLATE "C" NOT NULL PRIMARY KEY,
            key_account_id text COLLATE "C" NOT NULL,
            key_region text COLLATE "C" NOT NULL,
            key_id text COLLATE "C" NOT NULL,
            key_arn text NOT NULL,
            name text COLLATE "C",
            grantee_principal text COLLATE "C",
            grantee_service_principal text,
            retiring_principal text COLLATE "C",
            retiring_service_principal text COLLATE "C",
            operations text NOT NULL,
            constraints text,
            issuing_account text NOT NULL,
            creation_date bigint NOT NULL
        );
        CREATE INDEX grants_by_key ON grants (key_account_id, key_region, key_id, grant_id);
        CREATE INDEX grants_by_retiring ON grants (retiring_principal, grant_id) WHERE retiring_principal IS NOT NULL;
        CREATE INDEX grants_by_retiring_service ON grants (retiring_service_principal, grant_id) WHERE retiring_service_principal IS NOT NULL;
        """;

    /// <summary>The domain keys and the fingerprint key as the root of trust wrapped them, and one-time markers.</summary>
    private const string KeyHierarchy = """
        CREATE TABLE wrapped_keys (
            purpose text COLLATE "C" NOT NULL,
            version bigint NOT NULL,
            wrapped bytea NOT NULL,
            created_at bigint NOT NULL,
            PRIMARY KEY (purpose, version)
        );

        CREATE TABLE markers (
            name text COLLATE "C" NOT NULL PRIMARY KEY,
            set_at bigint NOT NULL
        );
        """;

    /// <summary>
    /// What several nodes on one database need: every committed change to a row that nodes cache is announced on
    /// the <c>trent_changes</c> channel (NOTIFY is transactional: sent at commit, dropped on rollback), leases
    /// name the one node that runs each background job, and the audit search index is shared. A new key row is not announced: no node caches a key it
    /// has not read, and CreateKey stays one round trip.
    /// Trigger arguments: the entity, then the account, Region and ID columns; an argument starting with '=' is a literal.
    /// </summary>
    private const string SeveralNodes = """
        CREATE FUNCTION trent_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed jsonb;
            region text;
        BEGIN
            IF TG_OP = 'DELETE' THEN changed := to_jsonb(OLD); ELSE changed := to_jsonb(NEW); END IF;
            region := CASE WHEN left(TG_ARGV[2], 1) = '=' THEN substr(TG_ARGV[2], 2) ELSE changed ->> TG_ARGV[2] END;
            PERFORM pg_notify('trent_changes', json_build_array(TG_ARGV[0], changed ->> TG_ARGV[1], region, changed ->> TG_ARGV[3])::text);
            RETURN NULL;
        END $$;

        CREATE TRIGGER keys_changed AFTER UPDATE OR DELETE ON keys
            FOR EACH ROW EXECUTE FUNCTION trent_announce_change('Key', 'account_id', 'region', 'key_id');
        CREATE TRIGGER aliases_changed AFTER INSERT OR UPDATE OR DELETE ON aliases
            FOR EACH ROW EXECUTE FUNCTION trent_announce_change('Alias', 'account_id', 'region', 'alias_name');
        CREATE TRIGGER access_keys_changed AFTER UPDATE OR DELETE ON access_keys
            FOR EACH ROW EXECUTE FUNCTION trent_announce_change('AccessKey', 'account_id', '=', 'access_key_id');
        CREATE TRIGGER iam_users_changed AFTER UPDATE OR DELETE ON iam_users
            FOR EACH ROW EXECUTE FUNCTION trent_announce_change('Identity', 'account_id', '=User', 'user_name_key');
        CREATE TRIGGER iam_roles_changed AFTER UPDATE OR DELETE ON iam_roles
            FOR EACH ROW EXECUTE FUNCTION trent_announce_change('Identity', 'account_id', '=Role', 'role_name_key');
        CREATE TRIGGER iam_inline_policies_changed AFTER INSERT OR UPDATE OR DELETE ON iam_inline_policies
            FOR EACH ROW EXECUTE FUNCTION trent_announce_change('Identity', 'account_id', 'identity_kind', 'identity_name_key');

        CREATE TABLE leases (
            name text COLLATE "C" NOT NULL PRIMARY KEY,
            holder text NOT NULL,
            expires_at timestamptz NOT NULL
        );

        -- The audit search index every node feeds from its own trail (LookupEvents, GetKeyLastUsage): derived data,
        -- rebuilt from the nodes' trails if lost. Times are Unix milliseconds; records are the CloudTrail JSON lines.
        CREATE TABLE audit_events (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id text COLLATE "C" NOT NULL UNIQUE,
            event_time bigint NOT NULL,
            account_id text COLLATE "C" NOT NULL,
            aws_region text COLLATE "C" NOT NULL,
            event_name text COLLATE "C" NOT NULL,
            event_source text COLLATE "C" NOT NULL,
            username text COLLATE "C",
            access_key_id text COLLATE "C",
            read_only boolean NOT NULL,
            resource_types text,
            record bytea NOT NULL
        );
        CREATE INDEX audit_events_by_time ON audit_events (account_id, aws_region, event_time, seq);
        CREATE INDEX audit_events_by_name ON audit_events (account_id, aws_region, event_name, event_time, seq);
        CREATE INDEX audit_events_by_user ON audit_events (account_id, aws_region, username, event_time, seq);
        CREATE INDEX audit_events_by_read_only ON audit_events (account_id, aws_region, read_only, event_time, seq);
        CREATE TABLE audit_event_resources (
            account_id text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            event_time bigint NOT NULL,
            seq bigint NOT NULL,
            PRIMARY KEY (account_id, name, event_time, seq)
        );
        CREATE TABLE audit_key_last_usage (
            key_arn text COLLATE "C" NOT NULL PRIMARY KEY,
            operation text NOT NULL,
            event_time bigint NOT NULL,
            event_id text NOT NULL,
            request_id text NOT NULL
        );
        CREATE TABLE audit_indexed_files (name text COLLATE "C" NOT NULL PRIMARY KEY);
        """;

    /// <summary>AWS_CLOUDHSM custom key stores: a name is unique per account and Region, a cluster backs one store
    /// in the whole service; the token user's PIN is only ever sealed.</summary>
    private const string CustomKeyStores = """
        CREATE TABLE custom_key_stores (
            account_id text COLLATE "C" NOT NULL,
            region text COLLATE "C" NOT NULL,
            custom_key_store_id text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            cluster_id text COLLATE "C" NOT NULL UNIQUE,
            trust_anchor text NOT NULL,
            sealed_password bytea NOT NULL,
            connection_state text NOT NULL,
            connection_error_code text,
            creation_date bigint NOT NULL,
            row_version bigint NOT NULL,
            PRIMARY KEY (account_id, region, custom_key_store_id),
            UNIQUE (account_id, region, name)
        );
        ALTER TABLE keys ADD COLUMN custom_key_store_id text COLLATE "C";
        CREATE INDEX keys_in_custom_key_store ON keys (custom_key_store_id) WHERE custom_key_store_id IS NOT NULL;
        """;
}
