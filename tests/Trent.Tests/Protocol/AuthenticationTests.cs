using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Protocol;

/// <summary>SigV4 is checked on every request, with AWS's error for each way it can be wrong.</summary>
public sealed class AuthenticationTests(SharedTrent shared) : IClassFixture<SharedTrent>, IDisposable
{
    private readonly RawKmsClient _raw = new(shared.Trent.Url);

    public void Dispose() => _raw.Dispose();

    [Fact]
    public async Task A_request_without_a_signature_is_refused()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}", sign: false);
        Assert.Equal(403, reply.Status);
        Assert.Equal("MissingAuthenticationTokenException", reply.ErrorType);
        Assert.Equal("Missing Authentication Token", reply.Message);
    }

    [Fact]
    public async Task A_wrong_secret_is_InvalidSignature_through_the_SDK()
    {
        using var kms = shared.Trent.Client(secret: "not-the-secret-at-all-0000000000000000000");
        await ThrowsAws("InvalidSignatureException", () => kms.ListKeysAsync(new ListKeysRequest()),
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    [Fact]
    public async Task An_unknown_access_key_is_UnrecognizedClient_through_the_SDK()
    {
        using var kms = shared.Trent.Client(accessKeyId: "AKIAUNKNOWNUNKNOWN00");
        await ThrowsAws("UnrecognizedClientException", () => kms.ListKeysAsync(new ListKeysRequest()),
            "The security token included in the request is invalid.");
    }

    [Fact]
    public async Task A_session_token_nobody_issued_is_refused()
    {
        using var kms = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(
            new Amazon.Runtime.SessionAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey, "forged-session-token"),
            TestTrent.Config(shared.Trent.Url));
        await ThrowsAws("UnrecognizedClientException", () => kms.ListKeysAsync(new ListKeysRequest()));
    }

    [Fact]
    public async Task A_signature_older_than_15_minutes_is_expired()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}", signedAt: DateTime.UtcNow.AddMinutes(-16));
        Assert.Equal("InvalidSignatureException", reply.ErrorType);
        Assert.StartsWith("Signature expired: ", reply.Message, StringComparison.Ordinal);

        reply = await _raw.SendAsync("TrentService.ListKeys", "{}", signedAt: DateTime.UtcNow.AddMinutes(16));
        Assert.Equal("InvalidSignatureException", reply.ErrorType);
        Assert.StartsWith("Signature not yet current: ", reply.Message, StringComparison.Ordinal);

        reply = await _raw.SendAsync("TrentService.ListKeys", "{}", signedAt: DateTime.UtcNow.AddMinutes(-14));
        Assert.Equal(200, reply.Status);
    }

    [Fact]
    public async Task A_tampered_body_or_header_breaks_the_signature()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}", tamper: r => r.Content = new StringContent("{\"Limit\":1}"));
        Assert.Equal("InvalidSignatureException", reply.ErrorType);

        reply = await _raw.SendAsync("TrentService.ListKeys", "{}", tamper: r =>
        {
            r.Headers.Remove("X-Amz-Target");
            r.Headers.Add("X-Amz-Target", "TrentService.CreateKey");
        });
        Assert.Equal("InvalidSignatureException", reply.ErrorType);
    }

    [Fact]
    public async Task A_declared_payload_hash_must_match_the_body()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}", tamper: r =>
            r.Headers.Add("x-amz-content-sha256", "0000000000000000000000000000000000000000000000000000000000000000"));
        Assert.Equal("InvalidSignatureException", reply.ErrorType);
        Assert.Contains("x-amz-content-sha256", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_credential_scope_must_name_an_AWS_Region_and_kms()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}", region: "xx-moon-1");
        Assert.Equal("InvalidSignatureException", reply.ErrorType);
        Assert.Equal("Credential should be scoped to a valid region.", reply.Message);

        reply = await _raw.SendAsync("TrentService.ListKeys", "{}", service: "s3");
        Assert.Equal("InvalidSignatureException", reply.ErrorType);
        Assert.Equal("Credential should be scoped to correct service: 'kms'.", reply.Message);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/kms, SignedHeaders=host, Signature=00")]
    public async Task A_malformed_Authorization_header_is_IncompleteSignature(string header)
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}", sign: false, tamper: r => r.Headers.TryAddWithoutValidation("Authorization", header));
        Assert.Equal(400, reply.Status);
        Assert.Equal("IncompleteSignatureException", reply.ErrorType);
    }

    [Fact]
    public async Task Host_must_be_signed()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}", tamper: r =>
        {
            var header = r.Headers.GetValues("Authorization").Single().Replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;", StringComparison.Ordinal);
            r.Headers.Remove("Authorization");
            r.Headers.TryAddWithoutValidation("Authorization", header);
        });
        Assert.Equal("InvalidSignatureException", reply.ErrorType);
    }
}
