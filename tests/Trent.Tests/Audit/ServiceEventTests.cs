using System.Text.Json;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Audit;

/// <summary>Work the service does by itself leaves CloudTrail's AwsServiceEvent records, as AWS's does.</summary>
public sealed class ServiceEventTests
{
    [Fact]
    public async Task Scheduled_deletion_and_automatic_rotation_are_recorded_as_service_events()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var trent = await TestTrent.StartAsync(clock: clock);
        using var kms = trent.Client();
        var doomed = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var rotating = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = doomed.KeyId, PendingWindowInDays = 7 });
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = rotating.KeyId, RotationPeriodInDays = 90 });
        await Task.Delay(500); // sweeps with nothing due record nothing
        Assert.DoesNotContain(AuditFiles.ReadAll(trent.DataDirectory), r => r.GetProperty("eventType").GetString() == "AwsServiceEvent");

        clock.Advance(TimeSpan.FromDays(91));
        var deleted = await WaitForServiceEventAsync(trent, "DeleteKey");
        var rotated = await WaitForServiceEventAsync(trent, "RotateKey");

        foreach (var (record, arn) in new[] { (deleted, doomed.Arn), (rotated, rotating.Arn) })
        {
            Assert.Equal("kms.amazonaws.com", record.GetProperty("userIdentity").GetProperty("invokedBy").GetString());
            Assert.Equal(TestTrent.AccountId, record.GetProperty("userIdentity").GetProperty("accountId").GetString());
            Assert.Equal("kms.amazonaws.com", record.GetProperty("sourceIPAddress").GetString());
            Assert.Equal(TestTrent.AccountId, record.GetProperty("recipientAccountId").GetString());
            Assert.False(record.GetProperty("readOnly").GetBoolean());
            Assert.Equal(arn, Assert.Single(record.GetProperty("resources").EnumerateArray()).GetProperty("ARN").GetString());
        }

        // Later sweeps do not record the same work again.
        await Task.Delay(600);
        Assert.Single(AuditFiles.ReadAll(trent.DataDirectory), r => r.GetProperty("eventName").GetString() == "DeleteKey");
        Assert.Single(AuditFiles.ReadAll(trent.DataDirectory), r => r.GetProperty("eventName").GetString() == "RotateKey");
    }

    private static async Task<JsonElement> WaitForServiceEventAsync(TestTrent trent, string eventName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = AuditFiles.ReadAll(trent.DataDirectory).FirstOrDefault(r =>
                r.GetProperty("eventName").GetString() == eventName && r.GetProperty("eventType").GetString() == "AwsServiceEvent");
            if (found.ValueKind == JsonValueKind.Object)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {eventName} service event within 10 s");
            await Task.Delay(100);
        }
    }
}
