using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Audit.Index;
using Trent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Trent.Tests.Audit;

/// <summary>
/// What a client can make the audit trail cost: a rejected request writes at most a few KB however large its
/// values and headers, an oversized value is replaced by a marker with its length and SHA-256, and normal
/// requests' records keep every value.
/// </summary>
public sealed class AuditBoundsTests(ITestOutputHelper output)
{
    private const int FewKilobytes = 8 * 1024;
    private const int Requests = 20;

    [Fact]
    public async Task A_user_without_permissions_sending_250_KB_key_ids_writes_a_few_KB_per_request_with_a_marker()
    {
        await using var trent = await TestTrent.StartAsync();
        using var iam = IamClient.Admin(trent);
        var user = await iam.CreateUserWithKeyAsync($"bounded-{Guid.NewGuid():N}"[..24]);
        var keyId = new string('k', 250_000);
        var before = TrailBytes(trent);
        var indexBefore = await IndexBytesAsync(trent);

        using var raw = new RawKmsClient(trent.Url);
        for (var i = 0; i < Requests; i++)
        {
            var reply = await raw.SendAsync("TrentService.DescribeKey", JsonSerializer.Serialize(new { KeyId = keyId }), accessKeyId: user.AccessKeyId, secret: user.Secret);
            Assert.InRange(reply.Status, 400, 499);
        }

        var records = Records(trent).Where(r => r.GetProperty("eventName").GetString() == "DescribeKey").ToList();
        Assert.Equal(Requests, records.Count);
        Assert.All(records, r => Assert.InRange(r.GetRawText().Length, 1, FewKilobytes));
        var perRequest = (TrailBytes(trent) - before) / Requests;
        output.WriteLine($"250 KB KeyId, unprivileged user: {perRequest} log bytes and {(await IndexBytesAsync(trent) - indexBefore) / Requests} index bytes per request");
        Assert.InRange(perRequest, 1, FewKilobytes);

        var marker = records[0].GetProperty("requestParameters").GetProperty("keyId");
        Assert.True(marker.GetProperty("trentTruncated").GetBoolean());
        Assert.Equal(250_000, marker.GetProperty("length").GetInt32());
        Assert.Equal(Sha256(keyId), marker.GetProperty("sha256").GetString());
        Assert.Equal(user.Arn, records[0].GetProperty("userIdentity").GetProperty("arn").GetString());
    }

    [Fact]
    public async Task An_unauthenticated_request_with_three_10_KB_headers_writes_a_few_KB_and_says_what_was_cut()
    {
        await using var trent = await TestTrent.StartAsync();
        var userAgent = "agent/" + new string('u', 10_000);
        var claimedKey = "AKIA" + new string('A', 10_000);
        var token = new string('t', 10_000);
        var before = TrailBytes(trent);
        var indexBefore = await IndexBytesAsync(trent);

        using var raw = new RawKmsClient(trent.Url);
        for (var i = 0; i < Requests; i++)
        {
            var reply = await raw.SendAsync("TrentService.ListKeys", "{}", sign: false, tamper: request =>
            {
                request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
                request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
                request.Headers.TryAddWithoutValidation("Authorization",
                    $"AWS4-HMAC-SHA256 Credential={claimedKey}/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature={new string('0', 64)}");
            });
            Assert.InRange(reply.Status, 400, 499);
        }

        var records = Records(trent).Where(r => r.GetProperty("eventName").GetString() == "ListKeys").ToList();
        Assert.Equal(Requests, records.Count);
        Assert.All(records, r => Assert.InRange(r.GetRawText().Length, 1, FewKilobytes));
        var perRequest = (TrailBytes(trent) - before) / Requests;
        output.WriteLine($"three 10 KB headers, unauthenticated: {perRequest} log bytes and {(await IndexBytesAsync(trent) - indexBefore) / Requests} index bytes per request");
        Assert.InRange(perRequest, 1, FewKilobytes);

        var record = records[0];
        var agent = record.GetProperty("userAgent").GetString()!;
        Assert.Equal(1024, agent.Length);
        Assert.StartsWith(agent, userAgent, StringComparison.Ordinal);
        var cut = record.GetProperty("additionalEventData").GetProperty("trentTruncatedFields");
        Assert.Equal(userAgent.Length, cut.GetProperty("userAgent").GetProperty("length").GetInt32());
        Assert.Equal(Sha256(userAgent), cut.GetProperty("userAgent").GetProperty("sha256").GetString());
        if (record.GetProperty("userIdentity").TryGetProperty("accessKeyId", out var claimed))
        {
            Assert.True(claimed.GetString()!.Length <= 128);
            Assert.Equal(claimedKey.Length, cut.GetProperty("accessKeyId").GetProperty("length").GetInt32());
        }
    }

    [Fact]
    public async Task Normal_records_keep_their_values_and_an_authorized_PutKeyPolicy_keeps_its_whole_policy()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        var description = new string('d', 4000) + "é";
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = description })).KeyMetadata.KeyId;
        var sid = new string('s', 20_000);
        var policy = $$"""{"Version":"2012-10-17","Statement":[{"Sid":"{{sid}}","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}""";
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = policy });
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key });

        var records = Records(trent);
        var describe = records.Single(r => r.GetProperty("eventName").GetString() == "DescribeKey");
        Assert.Equal(key, describe.GetProperty("requestParameters").GetProperty("keyId").GetString());
        Assert.False(describe.TryGetProperty("additionalEventData", out _));

        var put = records.Single(r => r.GetProperty("eventName").GetString() == "PutKeyPolicy");
        Assert.Equal(policy, put.GetProperty("requestParameters").GetProperty("policy").GetString());

        // 4 KB is over the 2 KiB bound for an ordinary string: marked, with its UTF-8 length.
        var create = records.Single(r => r.GetProperty("eventName").GetString() == "CreateKey");
        var marker = create.GetProperty("requestParameters").GetProperty("description");
        Assert.Equal(4002, marker.GetProperty("length").GetInt32());
        Assert.Equal(Sha256(description), marker.GetProperty("sha256").GetString());
    }

    private static List<JsonElement> Records(TestTrent trent) => AuditFiles.ReadAll(trent.DataDirectory);

    /// <summary>Bytes of records in the trail (segments are preallocated, so their file size does not grow).</summary>
    private static long TrailBytes(TestTrent trent) => Records(trent).Sum(r => (long)Encoding.UTF8.GetByteCount(r.GetRawText()) + 1);

    /// <summary>The search index on disk, once everything handed to it is in (database and write-ahead log).</summary>
    private static async Task<long> IndexBytesAsync(TestTrent trent)
    {
        await trent.Server.Services.GetRequiredService<SqliteAuditIndex>().FlushAsync();
        return Directory.GetFiles(trent.DataDirectory, "audit-index.db*").Sum(f => new FileInfo(f).Length);
    }

    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
