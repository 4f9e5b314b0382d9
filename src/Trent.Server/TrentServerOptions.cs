using Trent.Domain.Keys;

namespace Trent.Server;

/// <summary>Everything a Trent server is configured with. See README "Configuration" for the sources.</summary>
public sealed class TrentServerOptions
{
    public string Urls { get; set; } = "http://127.0.0.1:4599";

    /// <summary>Where Prometheus metrics are served (<c>GET /metrics</c>), apart from the API; null or empty: nowhere.</summary>
    public string? MetricsUrls { get; set; }

    /// <summary>Connection and request limits of the API listener.</summary>
    public KestrelLimits Limits { get; set; } = new();

    /// <summary>Key pairs generated at once at most (RSA-4096 takes a core for a second or more); null: the processor count.</summary>
    public int? MaxConcurrentKeyGenerations { get; set; }

    /// <summary>Key-pair generations that may wait for a turn; beyond it CreateKey and GenerateDataKeyPair are throttled.</summary>
    public int MaxQueuedKeyGenerations { get; set; } = 64;

    /// <summary>Data directory: database, audit trail, generated credentials and (by default) the root key.</summary>
    public string Data { get; set; } = "trent-data";

    /// <summary>A PostgreSQL connection string: keys, aliases, grants and identities are stored there instead of the
    /// data directory's embedded database. Null or empty: the embedded database.</summary>
    public string? Store { get; set; }

    /// <summary>The Region that work outside any request uses (CLI verbs, the credentials file's hint); requests
    /// carry their own, from their credential scope.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The Regions served, comma-separated; empty for every public AWS Region.</summary>
    public string? Regions { get; set; }

    public string AccountId { get; set; } = "111122223333";

    /// <summary>The root key file; defaults to <c>DATA/root.key</c>.</summary>
    public string? RootKeyFile { get; set; }

    /// <summary>What the root of trust is: <c>file</c> (default), <c>passphrase</c> or <c>pkcs11</c>.</summary>
    public string RootOfTrust { get; set; } = "file";

    /// <summary>The passphrase of a <c>passphrase</c> root (from the environment only: never a command-line argument).</summary>
    public string? RootPassphrase { get; set; }

    /// <summary>A file holding the passphrase (first line).</summary>
    public string? RootPassphraseFile { get; set; }

    /// <summary>An open file descriptor to read the passphrase from (e.g. <c>3&lt;secret</c>).</summary>
    public int? RootPassphraseFd { get; set; }

    /// <summary>The PKCS#11 module (shared library) of a <c>pkcs11</c> root.</summary>
    public string? Pkcs11Module { get; set; }

    /// <summary>The label of the token that holds the root key.</summary>
    public string? Pkcs11Token { get; set; }

    /// <summary>The label of the root key object in the token.</summary>
    public string Pkcs11KeyLabel { get; set; } = "trent-root-of-trust";

    /// <summary>The token user's PIN (from the environment only).</summary>
    public string? Pkcs11Pin { get; set; }

    /// <summary>A file holding the PIN (first line).</summary>
    public string? Pkcs11PinFile { get; set; }

    /// <summary>HSM "clusters" that AWS_CLOUDHSM custom key stores may use (config file only: Trent:HsmClusters).</summary>
    public List<HsmClusterOptions> HsmClusters { get; set; } = [];

    /// <summary>PEM or PKCS#12 certificate for https:// URLs.</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>PEM private key, when <see cref="TlsCertificate"/> is a PEM certificate.</summary>
    public string? TlsKey { get; set; }

    public string? AdminAccessKeyId { get; set; }

    public string? AdminSecretAccessKey { get; set; }

    /// <summary>How often this node looks for due key deletions, automatic rotations and expired imported material.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node reads the store's domain keys (a rotation made through another node reaches it
    /// within this) and checks whether a re-sealing pass is due.</summary>
    public TimeSpan DomainKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a new domain key waits before it seals anything. Null: none on the embedded store (one
    /// process), three refresh intervals on PostgreSQL, so that every node holds a key before any node seals under it.</summary>
    public TimeSpan? DomainKeyActivationDelay { get; set; }

    /// <summary>The key hierarchy settings this server runs with.</summary>
    public Trent.Domain.Sealing.KeyHierarchySettings KeyHierarchy =>
        new(DomainKeyActivationDelay ?? (Store is null ? TimeSpan.Zero : 3 * DomainKeyRefreshInterval), DomainKeyRefreshInterval);

    /// <summary>How long a node holds a background job's lease without renewing it (it renews every third of it while
    /// the job runs): how long a job waits for another node when the node running it dies.</summary>
    public TimeSpan JobLeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a node may serve a key row or alias from memory before reading the database again. On a shared
    /// database another node's change (disable, delete, alias move) evicts it as it commits; this is the most such a
    /// change can take to be seen here when that announcement is missed (see <c>IStoreChanges</c>). Zero disables.</summary>
    public TimeSpan KeyCacheTimeToLive { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a new replica is Creating, and a set Updating (a test seam; AWS's take seconds).</summary>
    public TimeSpan MultiRegionSettleDelay { get; set; } = MultiRegionTiming.Default.SettleDelay;

    /// <summary>How long a node keeps the SigV4 signing keys of an access key: the most an access key deleted through
    /// another node keeps working here (one deleted through this node stops at once). Zero disables.</summary>
    public TimeSpan AccessKeyCacheTimeToLive { get; set; } = Trent.Protocol.SigV4.SigV4Verifier.DefaultAccessKeyCacheTimeToLive;

    /// <summary>Key rows and aliases kept in memory at most.</summary>
    public int KeyCacheCapacity { get; set; } = 100_000;

    /// <summary>Unsealed key material versions kept in memory at most.</summary>
    public int MaterialCacheCapacity { get; set; } = 10_000;

    /// <summary>Grants a key may have (AWS's quota is 50,000); CreateGrant beyond it is LimitExceededException.</summary>
    public int MaxGrantsPerKey { get; set; } = Domain.Grants.GrantService.DefaultMaxGrantsPerKey;

    /// <summary>Per-account request quotas (off by default).</summary>
    public Trent.Protocol.Quotas.QuotaOptions Quotas { get; set; } = new();

    /// <summary>Size of each preallocated audit segment file (a new one also starts every UTC hour).</summary>
    public long AuditSegmentBytes { get; set; } = Trent.Audit.FileAuditLog.DefaultSegmentBytes;

    /// <summary>How long an audit log file collects records before it is closed and sealed (gzip), aligned to the UTC clock.</summary>
    public TimeSpan AuditRotationInterval { get; set; } = Trent.Audit.FileAuditLog.DefaultRotationInterval;

    /// <summary>How often this node writes a signed digest of its sealed audit log files, aligned to the UTC clock.</summary>
    public TimeSpan AuditDigestInterval { get; set; } = Trent.Audit.Integrity.AuditDigestWriter.DefaultInterval;

    /// <summary>The development profile (<c>trent serve --dev</c>, see <see cref="DevelopmentProfile"/>): well-known
    /// credentials, throw-away state and <c>POST /_trent/reset</c>. Never set from a config file or variable.</summary>
    public bool Development { get; set; }

    /// <summary>Lets the development profile listen beyond loopback (<c>--dev-allow-remote</c>).</summary>
    public bool DevelopmentAllowRemote { get; set; }

    /// <summary>What holds the data directory, named to a second process that finds it locked (see <see cref="DataDirectoryLock"/>).</summary>
    public string Command { get; set; } = "trent serve";

    /// <summary>Size of each preallocated audit intent journal file.</summary>
    public long AuditJournalSegmentBytes { get; set; } = Trent.Audit.Journal.AuditIntentJournal.DefaultSegmentBytes;

    /// <summary>Names this node's audit files, so that nodes sharing a directory never write the same file.</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    public string DataDirectory => Path.GetFullPath(Data);

    public string RootKeyPath => Path.GetFullPath(RootKeyFile ?? Path.Combine(Data, "root.key"));

    public string CredentialsPath => Path.Combine(DataDirectory, "credentials");

    public string DatabasePath => Path.Combine(DataDirectory, "trent.db");

    public string AuditDirectory => Path.Combine(DataDirectory, "audit");

    /// <summary>The digest signing key, sealed under the root key.</summary>
    public string AuditSigningKeyPath => Path.Combine(DataDirectory, "audit-signing.key");

    /// <summary>The LookupEvents and key-usage index (rebuilt from the audit files if removed).</summary>
    /// <summary>The write-ahead intents of requests in flight (see <c>AuditIntentJournal</c>).</summary>
    public string AuditJournalDirectory => Path.Combine(DataDirectory, "audit-journal");

    public string AuditIndexPath => Path.Combine(DataDirectory, "audit-index.db");
}

/// <summary>One HSM cluster: AWS's cluster ID (<c>cluster-</c> and 11 lowercase base32 characters) for a PKCS#11 token.</summary>
public sealed class HsmClusterOptions
{
    public string ClusterId { get; set; } = string.Empty;

    /// <summary>The PKCS#11 module (shared library) path.</summary>
    public string Module { get; set; } = string.Empty;

    public string TokenLabel { get; set; } = string.Empty;

    /// <summary>The cluster's trust anchor certificate (PEM file), optional: when set, a store for the cluster is
    /// created only with this certificate.</summary>
    public string? TrustAnchorCertificate { get; set; }
}
