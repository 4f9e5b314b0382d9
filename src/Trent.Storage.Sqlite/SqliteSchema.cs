namespace Trent.Storage.Sqlite;

/// <summary>The embedded schema. Timestamps are Unix milliseconds; secrets are only ever sealed blobs.</summary>
internal static class SqliteSchema
{
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
            PRIMARY KEY (account_id, region, key_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS keys_pending_deletion ON keys (deletion_date) WHERE key_state = 'PendingDeletion';
        CREATE INDEX IF NOT EXISTS keys_rotation_due ON keys (next_rotation_date) WHERE rotation_enabled = 1;
        CREATE INDEX IF NOT EXISTS keys_material_expiry ON keys (valid_to) WHERE valid_to IS NOT NULL;

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
        """;
}
