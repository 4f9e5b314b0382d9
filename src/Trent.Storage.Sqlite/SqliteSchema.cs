namespace Trent.Storage.Sqlite;

/// <summary>The embedded schema. Timestamps are Unix milliseconds; secrets are only ever sealed blobs.</summary>
internal static class SqliteSchema
{
    /// <summary>Columns added since the first schema, for databases made before them (SQLite cannot add a column
    /// "if not exists"; each is added when missing, before the indexes that use it).</summary>
    public static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("keys", "primary_region", "TEXT"),
        ("keys", "settled_state", "TEXT"),
        ("keys", "custom_key_store_id", "TEXT"),
    ];

    public const string Create = """
        CREATE TABLE IF NOT EXISTS keys (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            partition TEXT NOT NULL,
            creation_date INTEGER NOT NULL,
            description TEXT NOT NULL,
            key_spec TEXT NOT NULL,
            key_usage TEXT NOT NULL,
            origin TEXT NOT NULL,
            key_state TEXT NOT NULL,
            deletion_date INTEGER,
            pending_window INTEGER,
            policy TEXT,
            tags TEXT NOT NULL,
            current_material_version INTEGER NOT NULL,
            current_key_material_id TEXT,
            materials_revision INTEGER NOT NULL,
            rotation_enabled INTEGER NOT NULL,
            rotation_period_days INTEGER,
            next_rotation_date INTEGER,
            on_demand_rotations INTEGER NOT NULL,
            expiration_model TEXT,
            valid_to INTEGER,
            row_version INTEGER NOT NULL,
            primary_region TEXT,
            settled_state TEXT,
            custom_key_store_id TEXT,
            PRIMARY KEY (account_id, region, key_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS keys_pending_deletion ON keys (deletion_date) WHERE key_state = 'PendingDeletion';
        CREATE INDEX IF NOT EXISTS keys_rotation_due ON keys (next_rotation_date) WHERE rotation_enabled = 1;
        CREATE INDEX IF NOT EXISTS keys_material_expiry ON keys (valid_to) WHERE valid_to IS NOT NULL;
        CREATE INDEX IF NOT EXISTS keys_multi_region ON keys (account_id, key_id) WHERE primary_region IS NOT NULL;
        CREATE INDEX IF NOT EXISTS keys_in_transition ON keys (key_state) WHERE key_state IN ('Creating', 'Updating');

        CREATE TABLE IF NOT EXISTS key_materials (
            key_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            key_material_id TEXT NOT NULL,
            sealed_material BLOB,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL,
            import_state TEXT,
            expiration_model TEXT,
            valid_to INTEGER,
            description TEXT,
            rotation_date INTEGER,
            rotation_type TEXT,
            fingerprint BLOB,
            PRIMARY KEY (key_id, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS aliases (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            alias_name TEXT NOT NULL,
            target_key_id TEXT NOT NULL,
            creation_date INTEGER NOT NULL,
            last_updated_date INTEGER NOT NULL,
            PRIMARY KEY (account_id, region, alias_name)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS aliases_by_target ON aliases (target_key_id);

        CREATE TABLE IF NOT EXISTS access_keys (
            access_key_id TEXT NOT NULL PRIMARY KEY,
            account_id TEXT NOT NULL,
            principal_arn TEXT NOT NULL,
            principal_type TEXT NOT NULL,
            principal_id TEXT NOT NULL,
            sealed_secret BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            active INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS access_keys_by_principal ON access_keys (principal_arn);
        """ + Identity + Grants + KeyHierarchy + CustomKeyStores;

    /// <summary>Accounts, IAM users and roles, and their inline policies (access control).</summary>
    private const string Identity = """

        CREATE TABLE IF NOT EXISTS accounts (
            account_id TEXT NOT NULL PRIMARY KEY,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS iam_users (
            account_id TEXT NOT NULL,
            user_name_key TEXT NOT NULL,
            user_name TEXT NOT NULL,
            user_id TEXT NOT NULL,
            path TEXT NOT NULL,
            arn TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            tags TEXT NOT NULL,
            PRIMARY KEY (account_id, user_name_key)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS iam_roles (
            account_id TEXT NOT NULL,
            role_name_key TEXT NOT NULL,
            role_name TEXT NOT NULL,
            role_id TEXT NOT NULL,
            path TEXT NOT NULL,
            arn TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            trust_policy TEXT NOT NULL,
            description TEXT,
            max_session_duration INTEGER NOT NULL,
            tags TEXT NOT NULL,
            PRIMARY KEY (account_id, role_name_key)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS iam_inline_policies (
            account_id TEXT NOT NULL,
            identity_kind TEXT NOT NULL,
            identity_name_key TEXT NOT NULL,
            policy_name TEXT NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY (account_id, identity_kind, identity_name_key, policy_name)
        ) WITHOUT ROWID;
        """;

    /// <summary>Grants on keys; grant IDs are unique across keys.</summary>
    private const string Grants = """

        CREATE TABLE IF NOT EXISTS grants (
            grant_id TEXT NOT NULL PRIMARY KEY,
            key_account_id TEXT NOT NULL,
            key_region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            key_arn TEXT NOT NULL,
            name TEXT,
            grantee_principal TEXT,
            grantee_service_principal TEXT,
            retiring_principal TEXT,
            retiring_service_principal TEXT,
            operations TEXT NOT NULL,
            constraints TEXT,
            issuing_account TEXT NOT NULL,
            creation_date INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS grants_by_key ON grants (key_account_id, key_region, key_id, grant_id);
        CREATE INDEX IF NOT EXISTS grants_by_retiring ON grants (retiring_principal, grant_id) WHERE retiring_principal IS NOT NULL;
        CREATE INDEX IF NOT EXISTS grants_by_retiring_service ON grants (retiring_service_principal, grant_id) WHERE retiring_service_principal IS NOT NULL;
        """;

    /// <summary>The domain keys and the fingerprint key as the root of trust wrapped them, and one-time markers.</summary>
    private const string KeyHierarchy = """

        CREATE TABLE IF NOT EXISTS wrapped_keys (
            purpose TEXT NOT NULL,
            version INTEGER NOT NULL,
            wrapped BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (purpose, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS markers (
            name TEXT NOT NULL PRIMARY KEY,
            set_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>AWS_CLOUDHSM custom key stores: a cluster backs one store in the whole service; the token user's PIN is sealed.</summary>
    private const string CustomKeyStores = """

        CREATE TABLE IF NOT EXISTS custom_key_stores (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            custom_key_store_id TEXT NOT NULL,
            name TEXT NOT NULL,
            cluster_id TEXT NOT NULL UNIQUE,
            trust_anchor TEXT NOT NULL,
            sealed_password BLOB NOT NULL,
            connection_state TEXT NOT NULL,
            connection_error_code TEXT,
            creation_date INTEGER NOT NULL,
            row_version INTEGER NOT NULL,
            PRIMARY KEY (account_id, region, custom_key_store_id),
            UNIQUE (account_id, region, name)
        );
        CREATE INDEX IF NOT EXISTS keys_in_custom_key_store ON keys (custom_key_store_id) WHERE custom_key_store_id IS NOT NULL;
        """;
}
