using Trent.Server;

namespace Trent.Commands;

/// <summary>
/// What <c>trent serve</c> prints once it listens: where, with which credentials, and the standard variables that
/// point the AWS CLI and every SDK at it with no code change. Secrets are never printed, only where they are.
/// </summary>
internal static class StartBanner
{
    public static void Write(TextWriter output, TrentServer server, string version)
    {
        var options = server.Options;
        var endpoint = ClientUrl(server.Urls.FirstOrDefault() ?? options.Urls);
        if (options.Development)
        {
            WriteDevelopmentWarning(output, endpoint);
        }

        output.WriteLine($"Trent {version} is serving the AWS KMS API (and IAM, STS, CloudTrail LookupEvents) on {string.Join(", ", server.Urls)}.");
        output.WriteLine($"Region {options.Region} for Trent's own commands (requests carry their own), account {options.AccountId}.");
        output.WriteLine($"Data directory:   {options.DataDirectory}{(options.Development ? " (temporary: removed when Trent stops)" : string.Empty)}");
        if (!string.IsNullOrEmpty(options.Store))
        {
            // The database's name and host only: the connection string may hold a password.
            output.WriteLine($"Store:            PostgreSQL database {server.StoreDescription}");
        }

        if (server.MetricsUrls.Count > 0)
        {
            output.WriteLine($"Metrics:          {string.Join(", ", server.MetricsUrls.Select(u => u.TrimEnd('/') + "/metrics"))}");
        }

        string credentials;
        if (options.Development)
        {
            output.WriteLine($"Credentials:      access key {DevelopmentProfile.AccessKeyId}, secret {DevelopmentProfile.SecretAccessKey} (well-known: the development profile)");
            credentials = $"export AWS_ACCESS_KEY_ID={DevelopmentProfile.AccessKeyId} AWS_SECRET_ACCESS_KEY={DevelopmentProfile.SecretAccessKey}";
        }
        else if (options.AdminAccessKeyId is { } id)
        {
            output.WriteLine($"Credentials:      the administrator key {id}, set by TRENT_ADMIN_ACCESS_KEY_ID");
            credentials = $"export AWS_ACCESS_KEY_ID={id} AWS_SECRET_ACCESS_KEY=\"$TRENT_ADMIN_SECRET_ACCESS_KEY\"";
        }
        else if (File.Exists(options.CredentialsPath))
        {
            output.WriteLine($"Credentials file: {options.CredentialsPath} (profile {CredentialsFile.Profile}, mode 0600)");
            credentials = $"export AWS_SHARED_CREDENTIALS_FILE={options.CredentialsPath} AWS_PROFILE={CredentialsFile.Profile}";
        }
        else
        {
            output.WriteLine($"Credentials file: none at {options.CredentialsPath} (removed since the first start; use an access key you made)");
            credentials = "export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...";
        }

        if (server.GeneratedCredentials is { } generated)
        {
            output.WriteLine();
            output.WriteLine($"Created the administrator access key {generated.AccessKeyId} ({generated.PrincipalArn}); its secret is only in the credentials file.");
        }

        output.WriteLine();
        output.WriteLine("Point the AWS CLI and every AWS SDK at it, with no code change:");
        output.WriteLine($"  export AWS_ENDPOINT_URL={endpoint} AWS_ENDPOINT_URL_KMS={endpoint}");
        output.WriteLine($"  {credentials}");
        output.WriteLine($"  export AWS_REGION={options.Region} AWS_DEFAULT_REGION={options.Region}");
        output.WriteLine("  aws kms create-key --description app");
        output.Flush();
    }

    private static void WriteDevelopmentWarning(TextWriter output, string endpoint)
    {
        const string Rule = "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!";
        output.WriteLine(Rule);
        output.WriteLine("!!  DEVELOPMENT PROFILE (--dev): NOT FOR REAL KEYS.");
        output.WriteLine($"!!  Anyone who reaches it signs in as the administrator with the public credentials {DevelopmentProfile.AccessKeyId}/{DevelopmentProfile.SecretAccessKey}.");
        output.WriteLine("!!  Every key, alias, grant and identity is deleted when it stops; request quotas are off.");
        output.WriteLine($"!!  POST {endpoint}{Trent.Protocol.Development.DevelopmentResetCodec.Path} (signed by {DevelopmentProfile.AccessKeyId}) empties it between tests.");
        output.WriteLine(Rule);
        output.WriteLine();
    }

    /// <summary>A wildcard listener is reached on this host through loopback.</summary>
    private static string ClientUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url;
        }

        var host = uri.Host switch
        {
            "0.0.0.0" => "127.0.0.1",
            "[::]" => "[::1]",
            _ => uri.Host,
        };
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
