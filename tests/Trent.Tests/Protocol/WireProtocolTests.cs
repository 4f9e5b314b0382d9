using System.Text;
using System.Text.Json;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>What the awsJson1_1 endpoint answers to requests no SDK would send.</summary>
public sealed class WireProtocolTests(SharedTrent shared) : IClassFixture<SharedTrent>, IDisposable
{
    private readonly RawKmsClient _raw = new(shared.Trent.Url);

    public void Dispose() => _raw.Dispose();

    [Fact]
    public async Task A_valid_request_gets_JSON_and_a_request_ID()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{}");
        Assert.Equal(200, reply.Status);
        Assert.Equal("application/x-amz-json-1.1", reply.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(Guid.TryParse(reply.Response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
        using var json = JsonDocument.Parse(reply.Body);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("Keys").ValueKind);
        Assert.False(json.RootElement.GetProperty("Truncated").GetBoolean());
    }

    [Fact]
    public async Task Timestamps_are_epoch_seconds_and_absent_members_are_omitted()
    {
        var reply = await _raw.SendAsync("TrentService.CreateKey", "{}");
        using var json = JsonDocument.Parse(reply.Body);
        var metadata = json.RootElement.GetProperty("KeyMetadata");
        Assert.Equal(JsonValueKind.Number, metadata.GetProperty("CreationDate").ValueKind);
        Assert.InRange(metadata.GetProperty("CreationDate").GetDouble(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.False(metadata.TryGetProperty("DeletionDate", out _));
        Assert.DoesNotContain("null", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_without_output_answer_an_empty_body()
    {
        var keyId = JsonDocument.Parse((await _raw.SendAsync("TrentService.CreateKey", "{}")).Body).RootElement.GetProperty("KeyMetadata").GetProperty("KeyId").GetString();
        var reply = await _raw.SendAsync("TrentService.DisableKey", $$"""{"KeyId":"{{keyId}}"}""");
        Assert.Equal(200, reply.Status);
        Assert.Equal(string.Empty, reply.Body);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("{\"Limit\":\"ten\"}")]
    [InlineData("{\"Limit\":1.5}")]
    [InlineData("{\"Marker\":42}")]
    public async Task Malformed_bodies_are_SerializationException(string body)
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", body);
        Assert.Equal(400, reply.Status);
        Assert.Equal("SerializationException", reply.ErrorType);
        Assert.False(string.IsNullOrEmpty(reply.Message));
    }

    [Fact]
    public async Task Bad_base64_is_SerializationException()
    {
        var reply = await _raw.SendAsync("TrentService.Decrypt", """{"CiphertextBlob":"***not base64***"}""");
        Assert.Equal("SerializationException", reply.ErrorType);
        Assert.Contains("base64", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_members_and_wrong_lengths_are_ValidationException_in_AWS_style()
    {
        var reply = await _raw.SendAsync("TrentService.Encrypt", "{}");
        Assert.Equal(400, reply.Status);
        Assert.Equal("ValidationException", reply.ErrorType);
        Assert.Equal(
            "2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
            "Value null at 'plaintext' failed to satisfy constraint: Member must not be null",
            reply.Message);

        reply = await _raw.SendAsync("TrentService.DescribeKey", """{"KeyId":""}""");
        Assert.Equal("1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1", reply.Message);

        reply = await _raw.SendAsync("TrentService.Encrypt", """{"KeyId":"k","Plaintext":"AA==","EncryptionAlgorithm":"ROT13"}""");
        Assert.Equal(
            "1 validation error detected: Value 'ROT13' at 'encryptionAlgorithm' failed to satisfy constraint: " +
            "Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
            reply.Message);
    }

    [Fact]
    public async Task Unknown_operations_are_UnknownOperationException()
    {
        var reply = await _raw.SendAsync("TrentService.MakeCoffee", "{}");
        Assert.Equal(400, reply.Status);
        Assert.Equal("UnknownOperationException", reply.ErrorType);

        reply = await _raw.SendAsync(null, "{}");
        Assert.Equal("UnknownOperationException", reply.ErrorType);

        reply = await _raw.SendAsync("OtherService.ListKeys", "{}");
        Assert.Equal("UnknownOperationException", reply.ErrorType);
    }

    [Fact]
    public async Task Recipient_attestation_is_refused_rather_than_ignored()
    {
        var reply = await _raw.SendAsync("TrentService.GenerateRandom", """{"NumberOfBytes":8,"Recipient":{"KeyEncryptionAlgorithm":"RSAES_OAEP_SHA_256","AttestationDocument":"AA=="}}""");
        Assert.Equal("UnsupportedOperationException", reply.ErrorType);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_without_reading_it_all()
    {
        var reply = await _raw.SendBytesAsync("TrentService.ListKeys", Encoding.UTF8.GetBytes("{\"Marker\":\"" + new string('x', 300_000) + "\"}"));
        Assert.Equal(413, reply.Status);
        Assert.Equal("SerializationException", reply.ErrorType);
    }

    [Fact]
    public async Task The_health_endpoint_answers_and_carries_a_request_ID()
    {
        using var http = new HttpClient { BaseAddress = new Uri(shared.Trent.Url) };
        var response = await http.GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
    }

    [Fact]
    public async Task Error_responses_carry_a_request_ID_too()
    {
        var reply = await _raw.SendAsync("TrentService.ListKeys", "{", sign: false);
        Assert.True(reply.Response.Headers.Contains("x-amzn-RequestId"));
    }
}
