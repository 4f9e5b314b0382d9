namespace Trent.CommandLine;

/// <summary>How a setting's text is read, so that a bad value is named before the server is built.</summary>
internal enum SettingKind
{
    Text,
    Int32,
    Int64,
    Number,
    Duration,
}

/// <summary>Which commands take a setting: every command that opens the data, the ones that run a node, or only serve.</summary>
[Flags]
internal enum SettingScope
{
    /// <summary>Where the data is: every command, the read-only audit commands too.</summary>
    Data = 1,

    /// <summary>How a node behaves: serve, and the verbs that open the data directory as a node does.</summary>
    Node = 2,

    /// <summary>The API and metrics listeners: serve only.</summary>
    Listener = 4,
}

/// <summary>One setting: its key under "Trent" in the config file, its option, its environment variable.</summary>
internal sealed record Setting(string Key, string? Switch, string Env, SettingKind Kind, SettingScope Scope, string HelpName, string Description)
{
    /// <summary>Every setting of <c>TrentServerOptions</c> that has an option or a variable (README "Configuration").</summary>
    public static readonly IReadOnlyList<Setting> All =
    [
        new("Urls", "--urls", "TRENT_URLS", SettingKind.Text, SettingScope.Listener, "URLS",
            "Listen addresses, ';'-separated (default http://127.0.0.1:4599; https:// needs --tls-cert)"),
        new("Data", "--data", "TRENT_DATA", SettingKind.Text, SettingScope.Data, "DIR", "Data directory (default ./trent-data)"),
        new("Store", "--store", "TRENT_STORE", SettingKind.Text, SettingScope.Data, "CONNECTION-STRING",
            "Keep keys, aliases, grants and identities in PostgreSQL (default: DIR/trent.db, SQLite)"),
        new("Region", "--region", "TRENT_REGION", SettingKind.Text, SettingScope.Node, "REGION",
            "Region of Trent's own commands; requests carry their own (default us-east-1)"),
        new("Regions", "--regions", "TRENT_REGIONS", SettingKind.Text, SettingScope.Node, "REGIONS",
            "Regions served, comma-separated (default every public AWS Region)"),
        new("AccountId", "--account-id", "TRENT_ACCOUNT_ID", SettingKind.Text, SettingScope.Node, "ID", "Account of the administrator (default 111122223333)"),
        new("RootKeyFile", "--root-key", "TRENT_ROOT_KEY_FILE", SettingKind.Text, SettingScope.Data, "FILE", "Root key file of a file root of trust (default DIR/root.key)"),
        new("RootOfTrust", "--root-of-trust", "TRENT_ROOT_OF_TRUST", SettingKind.Text, SettingScope.Node, "KIND",
            "What wraps the domain keys: file (default; development), passphrase or pkcs11"),
        new("RootPassphrase", null, "TRENT_ROOT_PASSPHRASE", SettingKind.Text, SettingScope.Node, "PASSPHRASE", "Passphrase of a passphrase root"),
        new("RootPassphraseFile", "--root-passphrase-file", "TRENT_ROOT_PASSPHRASE_FILE", SettingKind.Text, SettingScope.Node, "FILE",
            "Read the passphrase from FILE (else TRENT_ROOT_PASSPHRASE, --root-passphrase-fd, or a prompt on a terminal)"),
        new("RootPassphraseFd", "--root-passphrase-fd", "TRENT_ROOT_PASSPHRASE_FD", SettingKind.Int32, SettingScope.Node, "FD",
            "Read the passphrase from open file descriptor FD"),
        new("Pkcs11Module", "--pkcs11-module", "TRENT_PKCS11_MODULE", SettingKind.Text, SettingScope.Node, "FILE", "PKCS#11 module of a pkcs11 root"),
        new("Pkcs11Token", "--pkcs11-token", "TRENT_PKCS11_TOKEN", SettingKind.Text, SettingScope.Node, "LABEL", "Label of the token holding the root key"),
        new("Pkcs11KeyLabel", "--pkcs11-key-label", "TRENT_PKCS11_KEY_LABEL", SettingKind.Text, SettingScope.Node, "LABEL",
            "Label of the root key in the token (default trent-root-of-trust)"),
        new("Pkcs11Pin", null, "TRENT_PKCS11_PIN", SettingKind.Text, SettingScope.Node, "PIN", "The token user's PIN"),
        new("Pkcs11PinFile", "--pkcs11-pin-file", "TRENT_PKCS11_PIN_FILE", SettingKind.Text, SettingScope.Node, "FILE", "Read the PIN from FILE"),
        new("TlsCertificate", "--tls-cert", "TRENT_TLS_CERT", SettingKind.Text, SettingScope.Listener, "FILE",
            "TLS certificate (PEM with --tls-key, or PKCS#12)"),
        new("TlsKey", "--tls-key", "TRENT_TLS_KEY", SettingKind.Text, SettingScope.Listener, "FILE", "TLS private key (PEM)"),
        new("NodeName", "--node-name", "TRENT_NODE_NAME", SettingKind.Text, SettingScope.Node, "NAME",
            "Name of this node in audit file names (default: host name)"),
        new("MaintenanceInterval", "--maintenance-interval", "TRENT_MAINTENANCE_INTERVAL", SettingKind.Duration, SettingScope.Node, "T",
            "How often due deletions, rotations and expiries run (default 00:00:30)"),
        new("JobLeaseDuration", "--job-lease", "TRENT_JOB_LEASE", SettingKind.Duration, SettingScope.Node, "T",
            "How long a background job waits for a node that died running it (default 00:01:00)"),
        new("MaterialCacheCapacity", "--material-cache-capacity", "TRENT_MATERIAL_CACHE_CAPACITY", SettingKind.Int32, SettingScope.Node, "N",
            "Unsealed key versions kept in memory (default 10000)"),
        new("KeyCacheTimeToLive", "--key-cache-ttl", "TRENT_KEY_CACHE_TTL", SettingKind.Duration, SettingScope.Node, "T",
            "How long key rows may be served from memory (default 00:00:01; 0 disables)"),
        new("KeyCacheCapacity", "--key-cache-capacity", "TRENT_KEY_CACHE_CAPACITY", SettingKind.Int32, SettingScope.Node, "N",
            "Key rows and aliases kept in memory (default 100000)"),
        new("AccessKeyCacheTimeToLive", "--access-key-cache-ttl", "TRENT_ACCESS_KEY_CACHE_TTL", SettingKind.Duration, SettingScope.Node, "T",
            "How long an access key deleted through another node may keep working here (default 00:00:10; 0 disables)"),
        new("AuditSegmentBytes", "--audit-segment-bytes", "TRENT_AUDIT_SEGMENT_BYTES", SettingKind.Int64, SettingScope.Node, "N",
            "Size of each preallocated audit file (default 16777216)"),
        new("AuditJournalSegmentBytes", "--audit-journal-segment-bytes", "TRENT_AUDIT_JOURNAL_SEGMENT_BYTES", SettingKind.Int64, SettingScope.Node, "N",
            "Size of each preallocated intent journal file (default 4194304)"),
        new("AuditRotationInterval", "--audit-rotation-interval", "TRENT_AUDIT_ROTATION_INTERVAL", SettingKind.Duration, SettingScope.Node, "T",
            "How long an audit file collects records before it is sealed (default 00:05:00)"),
        new("AuditDigestInterval", "--audit-digest-interval", "TRENT_AUDIT_DIGEST_INTERVAL", SettingKind.Duration, SettingScope.Node, "T",
            "How often a signed digest of the sealed audit files is written (default 01:00:00)"),
        new("MetricsUrls", "--metrics-urls", "TRENT_METRICS_URLS", SettingKind.Text, SettingScope.Listener, "URLS",
            "Prometheus metrics listener, apart from the API (default: none; e.g. http://127.0.0.1:9599)"),
        new("Limits:MaxConcurrentConnections", "--max-connections", "TRENT_MAX_CONNECTIONS", SettingKind.Int64, SettingScope.Listener, "N",
            "Open API connections at most (default: below the open-file limit, at most 10000)"),
        new("Limits:KeepAliveTimeout", "--keep-alive-timeout", "TRENT_KEEP_ALIVE_TIMEOUT", SettingKind.Duration, SettingScope.Listener, "T",
            "Idle keep-alive connections are closed after T (default 00:00:30)"),
        new("Limits:RequestHeadersTimeout", "--request-headers-timeout", "TRENT_REQUEST_HEADERS_TIMEOUT", SettingKind.Duration, SettingScope.Listener, "T",
            "Connections that send no complete headers within T are closed (default 00:00:10)"),
        new("Limits:MinRequestBodyBytesPerSecond", "--min-request-body-rate", "TRENT_MIN_REQUEST_BODY_RATE", SettingKind.Number, SettingScope.Listener, "N",
            "Bodies slower than N bytes/s (after 5 s) are cut off (default 1024; 0 disables)"),
        new("MaxConcurrentKeyGenerations", "--max-key-generations", "TRENT_MAX_KEY_GENERATIONS", SettingKind.Int32, SettingScope.Node, "N",
            "Key pairs generated at once at most (default: processor count)"),
        new("AdminAccessKeyId", null, "TRENT_ADMIN_ACCESS_KEY_ID", SettingKind.Text, SettingScope.Node, "ID", "Access key ID of the administrator"),
        new("AdminSecretAccessKey", null, "TRENT_ADMIN_SECRET_ACCESS_KEY", SettingKind.Text, SettingScope.Node, "SECRET", "Its secret"),
    ];

    /// <summary>What a value of this kind looks like, for the one-line error.</summary>
    public string Expected => Kind switch
    {
        SettingKind.Int32 or SettingKind.Int64 => "a whole number",
        SettingKind.Number => "a number",
        SettingKind.Duration => "a duration (hh:mm:ss, e.g. 00:00:30)",
        _ => "text",
    };

    public bool Accepts(string value) => Kind switch
    {
        SettingKind.Int32 => int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        SettingKind.Int64 => long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        SettingKind.Number => double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _),
        SettingKind.Duration => TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _),
        _ => true,
    };
}
