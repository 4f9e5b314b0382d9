using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Trent.Audit;
using Trent.Audit.Journal;
using Trent.Domain.Audit;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

/// <summary>No state change without its record: every key, alias and tag that exists after a crash was audited.</summary>
public sealed class AuditCompletenessTests
{
    [Fact]
    public async Task After_kill_9_under_concurrent_writes_every_stored_change_has_a_record()
    {
        var data = TestTrent.NewDataDirectory();
        var attempted = new ConcurrentBag<string>();
        using (var trent = await TrentProcess.StartAsync(data))
        {
            using var kms = new AmazonKeyManagementServiceClient(
                new Amazon.Runtime.BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), TestTrent.Config(trent.Url));
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    // Each change carries a unique value in its request, so its record can be found from the stored state.
                    var tag = $"w{w}-{i}";
                    attempted.Add(tag);
                    try
                    {
                        var key = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "desc-" + tag });
                        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/a-" + tag, TargetKeyId = key.KeyMetadata.KeyId });
                        await kms.TagResourceAsync(new TagResourceRequest
                        {
                            KeyId = key.KeyMetadata.KeyId, Tags = [new Tag { TagKey = "t", TagValue = "tag-" + tag }],
                        });
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception)
                    {
                        // The process died under this request.
                        return;
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(2.5));
            trent.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        Assert.True(attempted.Count > 16);
        await using var restarted = await TestTrent.StartAsync(data, configure: o => o.NodeName = Environment.MachineName);
        using var client = restarted.Client();
        await restarted.Server.Services.GetRequiredService<FileAuditLog>().SealAsync();
        var text = AuditFiles.ReadAllText(data);

        var keys = new List<KeyListEntry>();
        string? marker = null;
        do
        {
            var page = await client.ListKeysAsync(new ListKeysRequest { Marker = marker, Limit = 1000 });
            keys.AddRange(page.Keys);
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);

        var changes = 0;
        foreach (var key in keys)
        {
            var described = (await client.DescribeKeyAsync(key.KeyId)).KeyMetadata;
            Assert.Contains($"\"{described.Description}\"", text, StringComparison.Ordinal);
            changes++;
            foreach (var tag in (await client.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags)
            {
                Assert.Contains($"\"{tag.TagValue}\"", text, StringComparison.Ordinal);
                changes++;
            }
        }

        foreach (var alias in (await client.ListAliasesAsync(new ListAliasesRequest { Limit = 100 })).Aliases)
        {
            Assert.Contains($"\"{alias.AliasName}\"", text, StringComparison.Ordinal);
            changes++;
        }

        Assert.True(changes > 16, $"only {changes} changes were stored");
        // Nothing of the killed run's journal is left once its open intents are in the trail (the restarted
        // node has only read since, so it has written no journal of its own).
        Assert.Empty(Directory.GetFiles(Path.Combine(data, "audit-journal"), "*" + AuditIntentJournal.Extension));
        await restarted.StopAsync();
        TestTrent.TryDelete(data);
    }

    [Fact]
    public async Task An_intent_left_open_becomes_a_record_marked_outcome_unknown_at_the_next_start()
    {
        var data = TestTrent.NewDataDirectory();
        var journalDirectory = Path.Combine(data, "audit-journal");
        // What a node that died between its state change and its record leaves: an intent never retired.
        var journal = new AuditIntentJournal(journalDirectory, "test", NullLogger<AuditIntentJournal>.Instance);
        await journal.BeginAsync(
            new AuditEvent
            {
                EventTime = DateTimeOffset.UtcNow,
                EventSource = "kms.amazonaws.com",
                EventName = "ScheduleKeyDeletion",
                Region = TestTrent.Region,
                RequestId = "interrupted-request-1",
                EventId = Guid.NewGuid().ToString(),
                ReadOnly = false,
                RecipientAccountId = TestTrent.AccountId,
                RequestParameters = """{"keyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}"""u8.ToArray(),
            },
            default);

        await using var trent = await TestTrent.StartAsync(data);
        var record = Assert.Single(AuditFiles.ReadAll(data), r => r.GetProperty("requestID").GetString() == "interrupted-request-1");
        Assert.Equal("ScheduleKeyDeletion", record.GetProperty("eventName").GetString());
        Assert.Equal("Unknown", record.GetProperty("additionalEventData").GetProperty("trentOutcome").GetString());
        Assert.Equal("1234abcd-12ab-34cd-56ef-1234567890ab", record.GetProperty("requestParameters").GetProperty("keyId").GetString());
        Assert.False(record.TryGetProperty("errorCode", out _));

        // The next start does not record it again.
        await trent.StopAsync();
        await using var again = await TestTrent.StartAsync(data);
        Assert.Single(AuditFiles.ReadAll(data), r => r.GetProperty("requestID").GetString() == "interrupted-request-1");
        await journal.DisposeAsync();
    }

    [Fact]
    public async Task A_write_request_is_journaled_before_it_acts_and_retired_after_its_record()
    {
        await using var trent = await TestTrent.StartAsync();
        using var client = trent.Client();
        var journal = trent.Server.Services.GetRequiredService<AuditIntentJournal>();
        await client.CreateKeyAsync(new CreateKeyRequest { Description = "journaled" });
        await client.ListKeysAsync(new ListKeysRequest());
        Assert.Equal(0, journal.Pending);
        var files = Directory.GetFiles(Path.Combine(trent.DataDirectory, "audit-journal"), "*" + AuditIntentJournal.Extension);
        var journaled = string.Concat(files.Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }));
        Assert.Contains("\"journaled\"", journaled, StringComparison.Ordinal); // the write was journaled
        Assert.DoesNotContain("\"ListKeys\"", journaled, StringComparison.Ordinal); // reads are not
    }
}
