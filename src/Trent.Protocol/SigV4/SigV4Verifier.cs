using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Trent.Domain;
using Trent.Domain.Auth;
using Trent.Domain.Regions;

namespace Trent.Protocol.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 (header form) on incoming requests and names the principal that signed.
/// Derived signing keys are cached per access key, date, Region and service, so a request costs one
/// HMAC of the string to sign rather than five, and the sealed secret is not unsealed per request.
/// An access key deleted through this node is dropped from the cache at once; one deleted through another node on a
/// shared database is dropped as the deletion commits (<see cref="Forget"/>), or at worst, when that announcement is
/// missed, within the cache's time to live (<see cref="DefaultAccessKeyCacheTimeToLive"/> by default).
/// </summary>
public sealed class SigV4Verifier : IDisposable
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan DefaultAccessKeyCacheTimeToLive = TimeSpan.FromSeconds(10);
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private readonly AccessKeyService _accessKeys;
    private readonly ServedRegions _regions;
    private readonly TimeProvider _clock;
    private readonly SessionTokens? _sessions;
    private readonly MemoryCache _signingKeys = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly TimeSpan _cacheTimeToLive;
    private long _deletions;

    /// <param name="clock">The wall clock that request timestamps are checked against.</param>
    /// <param name="sessions">Verifies the session tokens of temporary (AssumeRole) credentials; without it none are accepted.</param>
    /// <param name="accessKeyCacheTimeToLive">How long derived signing keys are kept; zero disables the cache.</param>
    public SigV4Verifier(
        AccessKeyService accessKeys, ServedRegions regions, TimeProvider clock, SessionTokens? sessions = null, TimeSpan? accessKeyCacheTimeToLive = null)
    {
        _sessions = sessions;
        _accessKeys = accessKeys;
        _regions = regions;
        _clock = clock;
        _cacheTimeToLive = accessKeyCacheTimeToLive ?? DefaultAccessKeyCacheTimeToLive;
        _accessKeys.Deleted += Forget;
        _accessKeys.AllDeleted += Clear;
    }

    /// <summary>Checks the request's signature over <paramref name="body"/>; throws an AWS auth error otherwise.</summary>
    /// <param name="claimedAccessKeyId">Set as soon as the header names an access key, for the audit record.</param>
    public async ValueTask<SignedCaller> VerifyAsync(
        HttpRequest request, ReadOnlyMemory<byte> body, string service, Action<string> claimedAccessKeyId, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            throw SigV4Errors.Missing();
        }

        var header = AuthorizationHeader.Parse(authorization);
        claimedAccessKeyId(header.AccessKeyId);
        var amzDate = RequestTimestamp(request);
        var region = CheckScope(header, amzDate, service);

        var signedHeaders = header.SignedHeaders.Split(';');
        if (!signedHeaders.Contains("host", StringComparer.Ordinal))
        {
            throw SigV4Errors.Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        RequireSigned(request.Headers, signedHeaders);

        var sessionToken = request.Headers["x-amz-security-token"].ToString();
        var signing = sessionToken.Length > 0
            ? SessionSigningKey(header, sessionToken)
            : await SigningKeyAsync(header, cancellationToken).ConfigureAwait(false);
        var payloadHash = PayloadHash(request, body.Span);
        var canonicalRequest = CanonicalRequest.Build(request, signedHeaders, payloadHash);
        var stringToSign = string.Join(
            '\n',
            AuthorizationHeader.Algorithm,
            amzDate.ToString(AmzDateFormat, CultureInfo.InvariantCulture),
            header.Scope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(signing.Key, Encoding.UTF8.GetBytes(stringToSign), expected);
        Span<byte> provided = stackalloc byte[32];
        if (header.Signature.Length != 64
            || Convert.FromHexString(header.Signature, provided, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32
            || !CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            throw SigV4Errors.Mismatch();
        }

        return new SignedCaller(signing.Principal.InPartition(region.Partition), region);
    }

    public void Dispose()
    {
        _accessKeys.Deleted -= Forget;
        _accessKeys.AllDeleted -= Clear;
        _signingKeys.Dispose();
    }

    /// <summary>Drops every signing key derived from an access key (deleted or changed, through any node).</summary>
    public void Forget(string accessKeyId)
    {
        Interlocked.Increment(ref _deletions);
        _signingKeys.Remove(accessKeyId);
    }

    /// <summary>Drops every signing key (changes may have been missed, or a development reset removed every access key
    /// but the administrator's).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _deletions);
        _signingKeys.Clear();
    }

    /// <summary>
    /// Every <c>x-amz-*</c> header present (X-Amz-Target names the operation, X-Amz-Security-Token the
    /// session) and Content-Type must be signed, as AWS requires: otherwise a captured signature could be
    /// replayed as another operation. The AWS SDKs and CLI sign every such header they send.
    /// X-Amz-Content-SHA256 may be unsigned (as S3 allows): it is checked against the body itself.
    /// </summary>
    private static void RequireSigned(IHeaderDictionary headers, string[] signedHeaders)
    {
        foreach (var (name, _) in headers)
        {
            if ((name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase) || name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
                && !name.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase)
                && !IsSigned(name, signedHeaders))
            {
                throw SigV4Errors.Invalid($"'{name}' must be a 'SignedHeader' in the AWS Authorization.");
            }
        }
    }

    private static bool IsSigned(string name, string[] signedHeaders)
    {
        foreach (var signed in signedHeaders)
        {
            if (signed.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private DateTimeOffset RequestTimestamp(HttpRequest request)
    {
        DateTimeOffset timestamp;
        var amzDate = request.Headers["x-amz-date"].ToString();
        if (amzDate.Length > 0)
        {
            if (!DateTimeOffset.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp))
            {
                throw SigV4Errors.Incomplete($"X-Amz-Date '{amzDate}' is not in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z'.");
            }
        }
        else if (!DateTimeOffset.TryParse(request.Headers.Date.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp))
        {
            throw SigV4Errors.Incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        var now = _clock.GetUtcNow();
        var stamp = timestamp.ToString(AmzDateFormat, CultureInfo.InvariantCulture);
        if (timestamp < now - MaxClockSkew)
        {
            throw SigV4Errors.Invalid(
                $"Signature expired: {stamp} is now earlier than {(now - MaxClockSkew).ToString(AmzDateFormat, CultureInfo.InvariantCulture)} " +
                $"({now.ToString(AmzDateFormat, CultureInfo.InvariantCulture)} - 15 min.)");
        }

        if (timestamp > now + MaxClockSkew)
        {
            throw SigV4Errors.Invalid(
                $"Signature not yet current: {stamp} is still later than {(now + MaxClockSkew).ToString(AmzDateFormat, CultureInfo.InvariantCulture)} " +
                $"({now.ToString(AmzDateFormat, CultureInfo.InvariantCulture)} + 15 min.)");
        }

        return timestamp.ToUniversalTime();
    }

    /// <summary>Checks the credential scope; returns the Region it names, which is the request's Region.</summary>
    private AwsRegion CheckScope(AuthorizationHeader header, DateTimeOffset amzDate, string service)
    {
        var date = amzDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        if (header.Date != date)
        {
            throw SigV4Errors.Invalid($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{header.Date}' != '{date}'");
        }

        // One endpoint serves every Region it is configured for; the scope picks one, as an AWS Region's endpoint
        // refuses a scope it does not serve. IAM (global) is signed for us-east-1 by the SDKs, which is served by default.
        if (!_regions.TryGet(header.Region, out var region))
        {
            throw SigV4Errors.Invalid("Credential should be scoped to a valid region.");
        }

        if (header.Service != service)
        {
            throw SigV4Errors.Invalid($"Credential should be scoped to correct service: '{service}'.");
        }

        if (header.Terminator != "aws4_request")
        {
            throw SigV4Errors.Invalid("Credential should be scoped with a valid terminator: 'aws4_request'.");
        }

        return region;
    }

    private static string PayloadHash(HttpRequest request, ReadOnlySpan<byte> body)
    {
        var computed = Convert.ToHexStringLower(SHA256.HashData(body));
        var declared = request.Headers["x-amz-content-sha256"].ToString();
        if (declared.Length == 0)
        {
            return computed;
        }

        if (!string.Equals(declared, computed, StringComparison.OrdinalIgnoreCase))
        {
            throw SigV4Errors.Invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        return declared;
    }

    private async ValueTask<SigningKey> SigningKeyAsync(AuthorizationHeader header, CancellationToken cancellationToken)
    {
        // One entry per access key (holding its few scopes), so that deleting the key removes all of them at once.
        if (_signingKeys.TryGetValue(header.AccessKeyId, out CachedAccessKey? cached) && cached!.Scopes.TryGetValue(header.Scope, out var hit))
        {
            return hit;
        }

        var deletions = Interlocked.Read(ref _deletions);
        var credential = await _accessKeys.FindAsync(header.AccessKeyId, cancellationToken).ConfigureAwait(false)
            ?? throw SigV4Errors.UnrecognizedClient();
        try
        {
            var signing = new SigningKey(DeriveSigningKey(credential.Secret, header), credential.Principal);
            // A deletion while the key was being read must not be undone by caching what was read before it.
            if (_cacheTimeToLive > TimeSpan.Zero && Interlocked.Read(ref _deletions) == deletions)
            {
                if (cached is null)
                {
                    cached = new CachedAccessKey();
                    _signingKeys.Set(header.AccessKeyId, cached, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _cacheTimeToLive });
                }

                if (cached.Scopes.Count < CachedAccessKey.MaxScopes)
                {
                    cached.Scopes.TryAdd(header.Scope, signing);
                }
            }

            return signing;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential.Secret);
        }
    }

    /// <summary>Temporary credentials: the session token carries the secret, sealed; it must name this access key and be unexpired.</summary>
    private SigningKey SessionSigningKey(AuthorizationHeader header, string sessionToken)
    {
        if (_sessions?.Open(sessionToken, header.AccessKeyId) is not { } session)
        {
            throw SigV4Errors.UnrecognizedClient();
        }

        try
        {
            if (session.Expiration <= _clock.GetUtcNow())
            {
                throw SigV4Errors.ExpiredToken();
            }

            return new SigningKey(DeriveSigningKey(session.Credential.Secret, header), session.Credential.Principal);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(session.Credential.Secret);
        }
    }

    private static byte[] DeriveSigningKey(byte[] secret, AuthorizationHeader header)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + Encoding.UTF8.GetString(secret));
        foreach (var part in new[] { header.Date, header.Region, header.Service, header.Terminator })
        {
            var next = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
            CryptographicOperations.ZeroMemory(key);
            key = next;
        }

        return key;
    }

    private sealed record SigningKey(byte[] Key, Principal Principal);

    /// <summary>The signing keys of one access key, by credential scope (date, Region, service): a handful at most.</summary>
    private sealed class CachedAccessKey
    {
        public const int MaxScopes = 16;

        public System.Collections.Concurrent.ConcurrentDictionary<string, SigningKey> Scopes { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Who signed a request, and the Region its credential scope names.</summary>
public readonly record struct SignedCaller(Principal Principal, AwsRegion Region);
