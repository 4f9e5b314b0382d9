using System.Text.Json;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Audit;

/// <summary>CloudTrail LookupEvents on the KMS endpoint, through raw SigV4 requests signed for "cloudtrail".</summary>
public sealed class LookupEventsTests
{
    private const string Target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

    [Fact]
    public async Task Pages_walk_every_matching_event_newest_first_exactly_once()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var requestIds = new HashSet<string>();
        for (var i = 0; i < 120; i++)
        {
            requestIds.Add((await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) })).ResponseMetadata.RequestId);
        }

        await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        using var raw = new RawKmsClient(trent.Url);
        var seen = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["LookupAttributes"] = new[] { new { AttributeKey = "EventName", AttributeValue = "Encrypt" } },
                ["MaxResults"] = 50,
                ["NextToken"] = token,
            });
            var reply = await raw.SendAsync(Target, body, service: "cloudtrail");
            Assert.True(reply.Status == 200, reply.Body);
            using var document = JsonDocument.Parse(reply.Body);
            seen.AddRange(document.RootElement.GetProperty("Events").EnumerateArray().Select(e => e.Clone()));
            token = document.RootElement.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(120, seen.Count);
        var ids = seen.Select(e => JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!).RootElement.GetProperty("requestID").GetString()!).ToList();
        Assert.Equal(requestIds.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        var times = seen.Select(e => e.GetProperty("EventTime").GetDouble()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.All(seen, e => Assert.Equal("true", e.GetProperty("ReadOnly").GetString()));
    }

    [Fact]
    public async Task Tokens_are_bound_to_their_query_and_requests_must_be_signed_for_cloudtrail()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        for (var i = 0; i < 3; i++)
        {
            await kms.ListKeysAsync(new ListKeysRequest());
        }

        await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        using var raw = new RawKmsClient(trent.Url);
        var first = await raw.SendAsync(Target, """{"MaxResults":1,"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"ListKeys"}]}""", service: "cloudtrail");
        var token = JsonDocument.Parse(first.Body).RootElement.GetProperty("NextToken").GetString();
        var other = await raw.SendAsync(Target, $$"""{"MaxResults":1,"NextToken":"{{token}}"}""", service: "cloudtrail");
        Assert.Equal((400, "InvalidNextTokenException"), (other.Status, other.ErrorType));

        var wrongService = await raw.SendAsync(Target, "{}", service: "kms");
        Assert.Equal("InvalidSignatureException", wrongService.ErrorType);
        var badKey = await raw.SendAsync(Target, """{"LookupAttributes":[{"AttributeKey":"Region","AttributeValue":"x"}]}""", service: "cloudtrail");
        Assert.Equal("InvalidLookupAttributesException", badKey.ErrorType);
        var insight = await raw.SendAsync(Target, """{"EventCategory":"insight"}""", service: "cloudtrail");
        Assert.Equal("""{"Events":[]}""", insight.Body);
        var badCategory = await raw.SendAsync(Target, """{"EventCategory":"data"}""", service: "cloudtrail");
        Assert.Equal("InvalidEventCategoryException", badCategory.ErrorType);

        // LookupEvents is itself audited, as CloudTrail does, under its own event source.
        var records = AuditFiles.ReadAll(trent.DataDirectory).Where(r => r.GetProperty("eventName").GetString() == "LookupEvents").ToList();
        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal("cloudtrail.amazonaws.com", r.GetProperty("eventSource").GetString()));
        Assert.Contains(records, r => r.TryGetProperty("errorCode", out var code) && code.GetString() == "InvalidNextTokenException");
    }

    [Fact]
    public async Task A_lost_index_is_rebuilt_from_the_sealed_log_files()
    {
        var data = TestTrent.NewDataDirectory();
        string requestId;
        await using (var trent = await TestTrent.StartAsync(data))
        {
            using var kms = trent.Client();
            requestId = (await kms.CreateKeyAsync(new CreateKeyRequest())).ResponseMetadata.RequestId;
        }

        foreach (var file in Directory.GetFiles(data, "audit-index.db*"))
        {
            File.Delete(file);
        }

        await using (var trent = await TestTrent.StartAsync(data))
        {
            var index = trent.Server.Services.GetRequiredService<SqliteAuditIndex>();
            await index.FlushAsync();
            using var raw = new RawKmsClient(trent.Url);
            var reply = await raw.SendAsync(Target, """{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateKey"}]}""", service: "cloudtrail");
            var events = JsonDocument.Parse(reply.Body).RootElement.GetProperty("Events");
            var record = JsonDocument.Parse(Assert.Single(events.EnumerateArray()).GetProperty("CloudTrailEvent").GetString()!).RootElement;
            Assert.Equal(requestId, record.GetProperty("requestID").GetString());
        }

        TestTrent.TryDelete(data);
    }
}
