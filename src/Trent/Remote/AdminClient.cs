using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Trent.CommandLine;
using Trent.Protocol.SigV4;

namespace Trent.Remote;

/// <summary>
/// Calls a running Trent's admin operations (<c>TrentAdmin.*</c>) the way any AWS client calls KMS: SigV4 with the
/// standard credentials chain (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, else the shared credentials file
/// and profile; by default the data directory's <c>credentials</c>, profile <c>trent</c>), so the request is
/// authenticated, authorized and audited like every other.
/// </summary>
internal sealed class AdminClient(Uri endpoint, RequestSigner signer) : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <param name="endpoint">The --endpoint option, else AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, or Trent's default listener.</param>
    /// <param name="defaultCredentialsFile">The data directory's credentials file, used when the environment names none.</param>
    public static AdminClient Create(string? endpoint, string? profile, string region, string defaultCredentialsFile)
    {
        var url = endpoint
            ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_KMS")
            ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL")
            ?? "http://127.0.0.1:4599";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--endpoint: '{url}' is not an http:// or https:// URL.");
        }

        var (accessKeyId, secret, token) = Credentials(profile, defaultCredentialsFile);
        return new AdminClient(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), new RequestSigner(accessKeyId, secret, token, region));
    }

    /// <summary>Posts the operation; the parsed answer, or a one-line failure naming AWS's error type.</summary>
    public async Task<JsonDocument> CallAsync(string operation, CancellationToken cancellationToken)
    {
        var body = "{}"u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonType;
        signer.Sign(request, body, "TrentAdmin." + operation, DateTime.UtcNow);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AdminCallException($"cannot reach Trent at {endpoint}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminCallException($"Trent at {endpoint} did not answer within {_http.Timeout.TotalSeconds:0} s.");
        }

        using (response)
        {
            var text = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                throw new AdminCallException($"{endpoint} answered HTTP {(int)response.StatusCode} with a body that is not JSON: is it a Trent server?");
            }

            if (response.IsSuccessStatusCode)
            {
                return document;
            }

            using (document)
            {
                var root = document.RootElement;
                var type = root.TryGetProperty("__type", out var t) ? t.GetString() : null;
                var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
                throw new AdminCallException($"{type ?? $"HTTP {(int)response.StatusCode}"}: {message ?? "no message"}");
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private static (string AccessKeyId, string Secret, string? Token) Credentials(string? profile, string defaultCredentialsFile)
    {
        var id = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (profile is null && !string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(secret))
        {
            return (id, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"));
        }

        var file = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") ?? defaultCredentialsFile;
        var name = profile ?? Environment.GetEnvironmentVariable("AWS_PROFILE") ?? Trent.Server.CredentialsFile.Profile;
        var values = ReadProfile(file, name);
        if (values.TryGetValue("aws_access_key_id", out var fileId) && values.TryGetValue("aws_secret_access_key", out var fileSecret))
        {
            return (fileId, fileSecret, values.GetValueOrDefault("aws_session_token"));
        }

        throw new UsageException(
            $"no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give a profile '{name}' with aws_access_key_id and aws_secret_access_key in {file}.");
    }

    /// <summary>The keys of one profile of an AWS shared credentials file (INI); empty when the file or profile is missing.</summary>
    private static Dictionary<string, string> ReadProfile(string path, string profile)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        var inProfile = false;
        foreach (var raw in File.ReadLines(path, Encoding.UTF8))
        {
            var line = raw.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                inProfile = string.Equals(line[1..^1].Trim(), profile, StringComparison.Ordinal);
            }
            else if (inProfile && line.IndexOf('=') is > 0 and var equals && !line.StartsWith('#') && !line.StartsWith(';'))
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return values;
    }
}

/// <summary>An admin call that failed; the message is one line.</summary>
internal sealed class AdminCallException(string message) : Exception(message);
