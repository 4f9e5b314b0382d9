using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trent.Audit;
using Trent.Audit.Integrity;
using Trent.Audit.Journal;
using Trent.Crypto;
using Trent.Crypto.RootOfTrust;
using Trent.Crypto.Sealing;
using Trent.Domain;
using Trent.Domain.Aliases;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Cryptography;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Development;
using Trent.Domain.Grants;
using Trent.Domain.Identity;
using Trent.Domain.Imports;
using Trent.Domain.KeyBackends;
using Trent.Domain.Keys;
using Trent.Domain.Materials;
using Trent.Domain.Policies;
using Trent.Domain.Regions;
using Trent.Domain.Rotation;
using Trent.Domain.Sealing;
using Trent.Domain.Storage;
using Trent.Protocol.AwsJson;
using Trent.Protocol.Development;
using Trent.Protocol.Metrics;
using Trent.Protocol.Pipeline;
using Trent.Protocol.Query;
using Trent.Protocol.Quotas;
using Trent.Protocol.SigV4;
using Trent.Server.Startup;
using Trent.Storage.Postgres;
using Trent.Storage.Sqlite;

namespace Trent.Server;

/// <summary>
/// A Trent server: the data directory opened (root key, database, audit trail), the administrator
/// bootstrapped, and Kestrel serving the KMS API. The executable and the tests both host it through here.
/// </summary>
public sealed class TrentServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebApplication? _metrics;
    private readonly OpenedKeyHierarchy _hierarchy;
    private readonly DataDirectoryLock _lock;
    private readonly DataDirectoryCheck _directory;
    private bool _disposed;

    private TrentServer(
        WebApplication app, WebApplication? metrics, OpenedKeyHierarchy hierarchy, DataDirectoryLock directoryLock, DataDirectoryCheck directory, GeneratedCredentials? generated,
        TrentServerOptions options)
    {
        _lock = directoryLock;
        _directory = directory;
        _app = app;
        _metrics = metrics;
        _hierarchy = hierarchy;
        GeneratedCredentials = generated;
        Options = options;
    }

    public TrentServerOptions Options { get; }

    /// <summary>Administrator credentials created by this start (first start only), or null.</summary>
    public GeneratedCredentials? GeneratedCredentials { get; }

    /// <summary>The PostgreSQL database in use, without credentials; null on the embedded store.</summary>
    public string? StoreDescription => string.IsNullOrEmpty(Options.Store) ? null : PostgresDatabase.Describe(Options.Store);

    public IServiceProvider Services => _app.Services;

    /// <summary>The addresses Kestrel listens on, once started (port 0 resolved to the real port).</summary>
    public IReadOnlyList<string> Urls => [.. _app.Urls];

    /// <summary>The addresses of the metrics listener, once started (empty when metrics are off).</summary>
    public IReadOnlyList<string> MetricsUrls => _metrics is null ? [] : [.. _metrics.Urls];

    /// <param name="clock">The clock of the domain (creation and deletion dates); request signatures are
    /// always checked against the wall clock.</param>
    public static async Task<TrentServer> CreateAsync(TrentServerOptions options, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        // Everything that can be refused is refused before the data directory is touched: a failed start
        // must not leave a root key, credentials or an audit trail behind.
        var (settings, regions) = RegionSettings(options);
        SettingsCheck.Run(options);
        var listeners = ListenAddresses.Parse(options.Urls, "--urls", httpsAllowed: true);
        var metricsListeners = string.IsNullOrWhiteSpace(options.MetricsUrls) ? [] : ListenAddresses.Parse(options.MetricsUrls, "--metrics-urls", httpsAllowed: false);
        DevelopmentProfile.Check(options, listeners, metricsListeners);
        var certificate = TlsCertificate.Load(options, listeners.Any(l => l.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase)));
        try
        {
            ListenAddresses.Probe(listeners, "--urls");
            ListenAddresses.Probe(metricsListeners, "--metrics-urls");
            var directory = DataDirectoryCheck.Run(options);
            DataDirectoryLock directoryLock;
            try
            {
                PrivateFiles.CreateDirectory(options.DataDirectory);
                // Before anything in the directory is opened or recovered: a second process would recover live files.
                directoryLock = DataDirectoryLock.Acquire(options.DataDirectory, options.NodeName, options.Command);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not DataDirectoryLockedException)
            {
                directory.RollBack();
                throw directory.CannotUse(e);
            }

            try
            {
                return await CreateLockedAsync(options, settings, regions, clock ?? TimeProvider.System, directoryLock, directory, certificate, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Removed while still locked, so that no other process starts on a half-removed directory.
                directory.RollBack();
                directoryLock.Dispose();
                throw e is IOException or UnauthorizedAccessException or System.Data.Common.DbException or System.Security.Cryptography.CryptographicException
                    ? directory.CannotOpen(e)
                    : e;
            }
        }
        catch
        {
            certificate?.Dispose();
            throw;
        }
    }

    private static (ServiceSettings Settings, ServedRegions Regions) RegionSettings(TrentServerOptions options)
    {
        ServedRegions regions;
        try
        {
            regions = new ServedRegions(options.Regions?.Split(','));
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"--regions: {e.Message}");
        }

        if (!regions.TryGet(options.Region, out var defaultRegion))
        {
            throw new StartupException(RegionCatalog.TryGet(options.Region, out _)
                ? $"--region: {options.Region} is not one of the served Regions (--regions)."
                : $"--region: '{options.Region}' is not an AWS Region.");
        }

        return (new ServiceSettings(defaultRegion, options.AccountId), regions);
    }

    private static async Task<TrentServer> CreateLockedAsync(
        TrentServerOptions options, ServiceSettings settings, ServedRegions regions, TimeProvider clock, DataDirectoryLock directoryLock,
        DataDirectoryCheck directory, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        StoreWiring? store = null;
        OpenedKeyHierarchy? hierarchy = null;
        WebApplication? app = null;
        try
        {
            store = await StoreWiring.OpenAsync(options, cancellationToken).ConfigureAwait(false);
            var (root, ring) = await RootOfTrustOpening.OpenAsync(options, store, clock, cancellationToken).ConfigureAwait(false);
            hierarchy = new OpenedKeyHierarchy(root, ring);
            var sealer = new Sealer(ring);
            await RootOfTrustOpening.UpgradeAsync(root, sealer, store, options, clock, cancellationToken).ConfigureAwait(false);
            app = Build(options, settings, regions, clock, hierarchy, sealer, store, certificate);
            if (options.Development)
            {
                app.Logger.LogWarning(
                    "Development profile (--dev): NOT FOR REAL KEYS. The administrator's credentials are the public {AccessKeyId}/{SecretAccessKey}, state is deleted at exit, quotas are off and POST {ResetPath} wipes everything.",
                    DevelopmentProfile.AccessKeyId, DevelopmentProfile.SecretAccessKey, DevelopmentResetCodec.Path);
            }
            else if (root is FileRootOfTrust)
            {
                app.Logger.LogWarning(
                    "The root of trust is a file ({Root}): fine for development; for real keys use --root-of-trust passphrase or pkcs11, or keep the file apart from the data and its backups.",
                    root.Description);
            }

            return await BootstrapAsync(app, options, hierarchy, directoryLock, directory, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The container owns the store once built; before that it is closed here.
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
            else if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            hierarchy?.Dispose();
            throw;
        }
    }

    private static WebApplication Build(
        TrentServerOptions options, ServiceSettings settings, ServedRegions regions, TimeProvider clock, OpenedKeyHierarchy hierarchy, Sealer sealer, StoreWiring store,
        X509Certificate2? certificate)
    {

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Trent",
            // Trent's settings come from ServeConfiguration; do not watch the working directory (which may
            // hold the data directory, whose audit files change on every request) for appsettings changes.
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            options.Limits.Apply(kestrel.Limits);
            if (certificate is not null)
            {
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(settings);
        services.AddSingleton(clock);
        services.AddSingleton(sealer);
        services.AddSingleton(hierarchy.Root);
        services.AddSingleton(hierarchy.Ring);
        services.AddSingleton(options.KeyHierarchy);
        services.AddSingleton<DomainKeyService>();
        store.Register(services);
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<GrantEvaluator>();
        services.AddSingleton<PolicyAuthorizer>();
        services.AddSingleton<IAuthorizer>(sp => sp.GetRequiredService<PolicyAuthorizer>());
        services.AddSingleton<CallerIdentityLoader>();
        services.AddSingleton(sp => new SessionTokens(sp.GetRequiredService<Sealer>(), settings, TimeProvider.System));
        services.AddSingleton(sp => new GrantService(
            sp.GetRequiredService<IGrantStore>(), sp.GetRequiredService<KeyResolver>(), sp.GetRequiredService<IAuthorizer>(), clock,
            options.MaxGrantsPerKey));
        services.AddSingleton(sp => new IdentityService(
            sp.GetRequiredService<IIdentityStore>(), sp.GetRequiredService<AccessKeyService>(), sp.GetRequiredService<PolicyAuthorizer>(),
            sp.GetRequiredService<CallerIdentityLoader>(), sp.GetRequiredService<KeyCache>(), settings, clock));
        services.AddSingleton<SecurityTokenService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<IamActions>();
        services.AddSingleton<StsActions>();
        services.AddSingleton<QueryCodec>();
        services.AddSingleton(sp => new KeyMaterialVault(
            sp.GetRequiredService<Sealer>(), sp.GetRequiredService<IKeyStore>(), clock, options.MaterialCacheCapacity, TimeSpan.FromMinutes(10)));
        services.AddSingleton(sp => new KeyCache(options.KeyCacheTimeToLive, options.KeyCacheCapacity, sp.GetService<IAnnouncementCoverage>()));
        services.AddSingleton<KeyResolver>();
        services.AddSingleton<KeyUpdater>();
        services.AddSingleton(new KeyGenerationGate(options.MaxConcurrentKeyGenerations, options.MaxQueuedKeyGenerations));
        services.AddSingleton<KeyLifecycleService>();
        services.AddSingleton(regions);
        services.AddSingleton(new MultiRegionTiming(options.MultiRegionSettleDelay));
        services.AddSingleton<MultiRegionKeyService>();
        services.AddSingleton<KeyDeletionService>();
        services.AddSingleton<KeySeeder>();
        services.AddSingleton<KeyTagService>();
        services.AddSingleton<KeyPolicyService>();
        services.AddSingleton<AliasService>();
        services.AddSingleton(SettingsCheck.HsmClustersOf(options));
        services.AddSingleton<CustomKeyStoreConnections>();
        services.AddSingleton<CustomKeyStoreService>();
        services.AddSingleton<CryptoKeyAccess>();
        services.AddSingleton<SoftwareKeyBackend>();
        services.AddSingleton<SoftwareAsymmetricKeyBackend>();
        services.AddSingleton<SoftwareMacKeyBackend>();
        services.AddSingleton<HsmOperationStats>();
        services.AddSingleton<Pkcs11KeyBackend>();
        services.AddSingleton<KeyBackendSelector>();
        services.AddSingleton<EncryptionService>();
        services.AddSingleton<DataKeyService>();
        services.AddSingleton<SigningService>();
        services.AddSingleton<PublicKeyService>();
        services.AddSingleton<MacService>();
        services.AddSingleton<KeyAgreementService>();
        services.AddSingleton<CryptoServices>();
        services.AddSingleton<KeyRotationService>();
        services.AddSingleton<ImportToken>();
        services.AddSingleton<KeyImportService>();
        services.AddSingleton(sp => new AccessKeyService(
            sp.GetRequiredService<ICredentialStore>(), sp.GetRequiredService<Sealer>(), settings, clock));
        services.AddSingleton(sp => new SigV4Verifier(
            sp.GetRequiredService<AccessKeyService>(), regions, TimeProvider.System, sp.GetRequiredService<SessionTokens>(), options.AccessKeyCacheTimeToLive));
        AuditServices.Add(services, options, clock);
        services.AddSingleton<KmsOperationRegistry>();
        services.AddSingleton(new RequestQuotas(options.Quotas, clock));
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<AwsJsonCodec>();
        services.AddSingleton<RequestPipeline>();
        services.AddHostedService<KeyMaintenanceWorker>();
        services.AddHostedService<DomainKeyWorker>();
        if (options.Development)
        {
            services.AddSingleton(sp => new DevelopmentReset(
                sp.GetRequiredService<IStateReset>(), settings, options.AdminAccessKeyId!, sp.GetRequiredService<KeyCache>(),
                sp.GetRequiredService<KeyMaterialVault>(), sp.GetRequiredService<CallerIdentityLoader>(), sp.GetRequiredService<AccessKeyService>()));
            services.AddSingleton<DevelopmentResetCodec>();
        }

        services.AddHostedService<AuditDigestWorker>();

        var app = builder.Build();
        app.Use(RequestIds.AssignAsync);
        app.UseStatusCodePages(HttpErrors.WriteAsync);
        app.MapGet("/healthz", static () => Results.Text("ok\n"));
        app.MapGet("/readyz", static async (
                IKeyStore keys, Sealer sealer, FileAuditLog log, AuditIntentJournal journal, CustomKeyStoreConnections stores, CancellationToken cancellationToken) =>
            await Readiness.CheckAsync(keys, sealer, log, journal, cancellationToken) is { } problem
                ? Results.Text($"not ready: {problem}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ready\n" + Readiness.CustomKeyStores(stores)));
        return app;
    }

    private static async Task<TrentServer> BootstrapAsync(
        WebApplication app, TrentServerOptions options, OpenedKeyHierarchy hierarchy, DataDirectoryLock directoryLock, DataDirectoryCheck directory, CancellationToken cancellationToken)
    {
        await AuditServices.StartAsync(app.Services, options).ConfigureAwait(false);
        // Made now, not by the hosted worker, so that a server that is never started (a CLI verb) still
        // writes its final digest when it is disposed, covering what the verb recorded.
        _ = app.Services.GetRequiredService<AuditDigestWriter>();
        _ = app.Services.GetRequiredService<ServerMetrics>();
        var pipeline = app.Services.GetRequiredService<RequestPipeline>();
        var awsJson = app.Services.GetRequiredService<AwsJsonCodec>();
        var query = app.Services.GetRequiredService<QueryCodec>();
        app.MapPost("/", (RequestDelegate)(http => pipeline.RunAsync(http, QueryCodec.Accepts(http.Request) ? query : awsJson)));
        if (options.Development)
        {
            // Not mapped otherwise: a server that is not a development one answers 404, as for any unknown path.
            var reset = app.Services.GetRequiredService<DevelopmentResetCodec>();
            app.MapPost(DevelopmentResetCodec.Path, (RequestDelegate)(http => pipeline.RunAsync(http, reset)));
        }

        await app.Services.GetRequiredService<AccountService>().EnsureAccountAsync(options.AccountId, cancellationToken).ConfigureAwait(false);
        var generated = await app.Services.GetRequiredService<AccessKeyService>()
            .EnsureAdministratorAsync(options.AdminAccessKeyId, options.AdminSecretAccessKey, cancellationToken).ConfigureAwait(false);
        if (generated is not null && options.AdminAccessKeyId is null)
        {
            CredentialsFile.Write(options.CredentialsPath, generated);
        }

        return new TrentServer(app, MetricsListener.Build(options), hierarchy, directoryLock, directory, options.AdminAccessKeyId is null ? generated : null, options);
    }

    /// <summary>Binds the listeners. If that fails the server is disposed, and a data directory that this start
    /// created is removed again; the failure is a <see cref="StartupException"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (_metrics is not null)
            {
                await _metrics.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DisposeAsync(rollBack: true).ConfigureAwait(false);
            throw new StartupException($"cannot start the listeners: {e.Message.ReplaceLineEndings(" ")}", StartupFailure.Environment, e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_metrics is not null)
        {
            await _metrics.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public ValueTask DisposeAsync() => DisposeAsync(rollBack: false);

    private async ValueTask DisposeAsync(bool rollBack)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Stop first, so background jobs end through their stopping token rather than by disposal.
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        if (_metrics is not null)
        {
            try
            {
                await _metrics.StopAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Never started.
            }

            await _metrics.DisposeAsync().ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _hierarchy.Dispose();
        if (rollBack)
        {
            // Before the lock is released, so that no other process starts on a half-removed directory.
            _directory.RollBack();
        }

        // Last: every file of the directory is closed by now.
        _lock.Dispose();
    }
}
