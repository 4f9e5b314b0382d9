using System.Net;
using Microsoft.AspNetCore.Http;
using Trent.Protocol.Quotas;

namespace Trent.Server;

/// <summary>
/// <c>trent serve --dev</c>: a throw-away server for tests and local development. State lives in a temporary
/// directory (removed when the server stops), the administrator's credentials are the well-known <c>test</c> /
/// <c>test</c> that LocalStack users already configure, request quotas are off, and <c>POST /_trent/reset</c>
/// empties it. Every request is still authenticated, authorized and audited. It listens on loopback only
/// unless <see cref="TrentServerOptions.DevelopmentAllowRemote"/> says otherwise: anyone who can reach it
/// knows the credentials.
/// </summary>
public static class DevelopmentProfile
{
    public const string AccessKeyId = "test";
    public const string SecretAccessKey = "test";

    /// <summary>Turns <paramref name="options"/> into the development profile's, with its state in <paramref name="directory"/>.
    /// Settings that would put keys where they outlive the server, or other credentials, are refused.</summary>
    public static void Apply(TrentServerOptions options, string directory)
    {
        var defaults = new TrentServerOptions();
        Refuse(options.Data != defaults.Data, "--data (TRENT_DATA)", "its state is a temporary directory, removed at exit");
        Refuse(!string.IsNullOrEmpty(options.Store), "--store (TRENT_STORE)", "its state is a temporary directory, removed at exit");
        Refuse(options.RootKeyFile is not null, "--root-key (TRENT_ROOT_KEY_FILE)", "its root key is made in its temporary directory");
        Refuse(options.RootOfTrust != defaults.RootOfTrust, "--root-of-trust (TRENT_ROOT_OF_TRUST)", "its root key is made in its temporary directory");
        Refuse(options.AdminAccessKeyId is not null || options.AdminSecretAccessKey is not null, "TRENT_ADMIN_ACCESS_KEY_ID",
            $"its administrator is always {AccessKeyId} / {SecretAccessKey}");
        options.Data = directory;
        options.AdminAccessKeyId = AccessKeyId;
        options.AdminSecretAccessKey = SecretAccessKey;
        options.Quotas = new QuotaOptions { Enabled = false };
        options.Development = true;
    }

    /// <summary>Refuses a development server that other machines could reach, unless that was asked for.</summary>
    internal static void Check(TrentServerOptions options, IReadOnlyList<BindingAddress> listeners, IReadOnlyList<BindingAddress> metricsListeners)
    {
        if (options.DevelopmentAllowRemote && !options.Development)
        {
            throw new StartupException("--dev-allow-remote only goes with --dev.");
        }

        if (!options.Development)
        {
            return;
        }

        if (options.AdminAccessKeyId is null || options.AdminSecretAccessKey is null)
        {
            throw new StartupException("The development profile needs its administrator's credentials (see DevelopmentProfile.Apply).");
        }

        if (!options.DevelopmentAllowRemote)
        {
            RequireLoopback(listeners, "--urls");
            RequireLoopback(metricsListeners, "--metrics-urls");
        }
    }

    private static void RequireLoopback(IReadOnlyList<BindingAddress> listeners, string setting)
    {
        if (listeners.FirstOrDefault(l => !IsLoopback(l)) is { } remote)
        {
            throw new StartupException(
                $"{setting}: --dev listens on loopback only, and {remote} is not (its credentials are public); add --dev-allow-remote to listen there anyway.");
        }
    }

    private static bool IsLoopback(BindingAddress address) =>
        address.IsUnixPipe
        || string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static void Refuse(bool conflict, string setting, string reason)
    {
        if (conflict)
        {
            throw new StartupException($"--dev cannot be combined with {setting}: {reason}.");
        }
    }
}
