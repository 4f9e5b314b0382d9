using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;
using Trent.Crypto.Sealing;
using Trent.Domain;
using Trent.Domain.Auth;
using Trent.Domain.Regions;
using Trent.Protocol.AwsJson;
using Trent.Protocol.SigV4;
using Trent.Storage.Sqlite;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Unit;

/// <summary>The server's verifier against AWS's published SigV4 test vector "get-vanilla".</summary>
public sealed class SigV4VerifierTests : IDisposable
{
    private const string VanillaSignature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private const string VanillaAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + VanillaSignature;

    private readonly string _directory = TestDirectories.New();
    private readonly DomainKeyRing _root = TestSealing.NewRing();

    public void Dispose()
    {
        _root.Dispose();
        TestTrent.TryDelete(_directory);
    }

    [Fact]
    public void The_test_signer_reproduces_the_vector()
    {
        var authorization = TestSigner.Authorization(
            "GET", "/", new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" }, [],
            "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service", new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc));
        Assert.Equal(VanillaAuthorization, authorization);
    }

    [Fact]
    public async Task The_verifier_accepts_the_vector_and_rejects_any_change()
    {
        using var verifier = await VerifierAsync(new DateTimeOffset(2015, 8, 30, 12, 40, 0, TimeSpan.Zero));
        var (principal, _) = await verifier.VerifyAsync(Vanilla(VanillaAuthorization), ReadOnlyMemory<byte>.Empty, "service", _ => { }, default);
        Assert.Equal("arn:aws:iam::111122223333:root", principal.Arn);

        var wrong = VanillaAuthorization[..^1] + (VanillaAuthorization[^1] == '1' ? '2' : '1');
        var e = await Assert.ThrowsAsync<AwsProtocolException>(async () =>
            await verifier.VerifyAsync(Vanilla(wrong), ReadOnlyMemory<byte>.Empty, "service", _ => { }, default));
        Assert.Equal("InvalidSignatureException", e.Error.Type);

        var request = Vanilla(VanillaAuthorization);
        request.Headers.Host = "other.amazonaws.com";
        e = await Assert.ThrowsAsync<AwsProtocolException>(async () =>
            await verifier.VerifyAsync(request, ReadOnlyMemory<byte>.Empty, "service", _ => { }, default));
        Assert.Equal("InvalidSignatureException", e.Error.Type);

        e = await Assert.ThrowsAsync<AwsProtocolException>(async () =>
            await verifier.VerifyAsync(Vanilla(VanillaAuthorization), new byte[] { 1 }, "service", _ => { }, default));
        Assert.Equal("InvalidSignatureException", e.Error.Type);
    }

    [Fact]
    public async Task The_vector_is_expired_16_minutes_later()
    {
        using var verifier = await VerifierAsync(new DateTimeOffset(2015, 8, 30, 12, 52, 1, TimeSpan.Zero));
        var e = await Assert.ThrowsAsync<AwsProtocolException>(async () =>
            await verifier.VerifyAsync(Vanilla(VanillaAuthorization), ReadOnlyMemory<byte>.Empty, "service", _ => { }, default));
        Assert.Equal(
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123701Z (20150830T125201Z - 15 min.)",
            e.Error.Message);
    }

    [Fact]
    public async Task Session_credentials_are_verified_with_their_token_until_they_expire()
    {
        var settings = new ServiceSettings(RegionCatalog.Get("us-east-1"), "111122223333");
        var issuedAt = new DateTimeOffset(2015, 8, 30, 12, 30, 0, TimeSpan.Zero);
        var session = new SessionTokens(new Sealer(_root), settings, new FakeTimeProvider(issuedAt))
            .Issue("111122223333", "/", "app", "AROAEXAMPLE", "s1", TimeSpan.FromMinutes(15));

        using var valid = await VerifierAsync(issuedAt.AddMinutes(14), new SessionTokens(new Sealer(_root), settings, TimeProvider.System));
        var (principal, _) = await valid.VerifyAsync(SessionRequest(session, issuedAt.AddMinutes(14)), ReadOnlyMemory<byte>.Empty, "kms", _ => { }, default);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/app/s1", principal.Arn);
        Assert.Equal("AROAEXAMPLE:s1", principal.PrincipalId);

        using var later = await VerifierAsync(issuedAt.AddMinutes(16), new SessionTokens(new Sealer(_root), settings, TimeProvider.System));
        var e = await Assert.ThrowsAsync<AwsProtocolException>(async () =>
            await later.VerifyAsync(SessionRequest(session, issuedAt.AddMinutes(16)), ReadOnlyMemory<byte>.Empty, "kms", _ => { }, default));
        Assert.Equal("ExpiredTokenException", e.Error.Type);

        // A token sealed under another root key is not a token of this server.
        using var otherRoot = TestSealing.NewRing();
        var foreign = new SessionTokens(new Sealer(otherRoot), settings, new FakeTimeProvider(issuedAt)).Issue("111122223333", "/", "app", "AROAEXAMPLE", "s1", TimeSpan.FromMinutes(15));
        e = await Assert.ThrowsAsync<AwsProtocolException>(async () =>
            await valid.VerifyAsync(SessionRequest(foreign, issuedAt.AddMinutes(14)), ReadOnlyMemory<byte>.Empty, "kms", _ => { }, default));
        Assert.Equal("UnrecognizedClientException", e.Error.Type);
    }

    private static HttpRequest SessionRequest(SessionCredentials session, DateTimeOffset at)
    {
        var stamp = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var request = Vanilla(string.Empty);
        request.Headers["X-Amz-Date"] = stamp;
        request.Headers["X-Amz-Security-Token"] = session.SessionToken;
        request.Headers.Authorization = TestSigner.Authorization(
            "GET", "/",
            new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = stamp, ["x-amz-security-token"] = session.SessionToken },
            [], session.AccessKeyId, session.SecretAccessKey, "us-east-1", "kms", at.UtcDateTime);
        return request;
    }

    private async Task<SigV4Verifier> VerifierAsync(DateTimeOffset now, SessionTokens? sessions = null)
    {
        Directory.CreateDirectory(_directory);
        var database = new SqliteDatabase(Path.Combine(_directory, "trent.db"));
        database.Initialize();
        var settings = new ServiceSettings(RegionCatalog.Get("us-east-1"), "111122223333");
        var clock = new FakeTimeProvider(now);
        var accessKeys = new AccessKeyService(new SqliteCredentialStore(database), new Sealer(_root), settings, clock);
        await accessKeys.EnsureAdministratorAsync("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", default);
        return new SigV4Verifier(accessKeys, new ServedRegions(), clock, sessions);
    }

    private static HttpRequest Vanilla(string authorization)
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/";
        var request = context.Request;
        request.Method = "GET";
        request.Path = "/";
        request.Headers.Host = "example.amazonaws.com";
        request.Headers["X-Amz-Date"] = "20150830T123600Z";
        request.Headers.Authorization = authorization;
        return request;
    }
}
