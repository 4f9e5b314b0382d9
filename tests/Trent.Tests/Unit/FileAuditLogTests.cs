using Microsoft.Extensions.Logging.Abstractions;
using Trent.Audit;
using Trent.Audit.Files;
using Trent.Audit.Integrity;
using Trent.Domain.Audit;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Unit;

public sealed class FileAuditLogTests
{
    private static readonly AuditChain Chain = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static AuditEvent Event(int i, DateTimeOffset time) => new()
    {
        EventTime = time,
        EventSource = "kms.amazonaws.com",
        EventName = "Encrypt",
        Region = "us-east-1",
        RequestId = $"request-{i:D5}",
        EventId = Guid.NewGuid().ToString(),
        ReadOnly = true,
        RecipientAccountId = "111122223333",
    };

    [Fact]
    public async Task Records_roll_over_full_segments_and_periods_and_closed_segments_are_sealed_as_CloudTrail_gzip_files()
    {
        var directory = TestTrent.NewDataDirectory();
        var start = new DateTimeOffset(2026, 11, 29, 10, 59, 0, TimeSpan.Zero);
        await using (var log = new FileAuditLog(directory, "unit", NullLogger<FileAuditLog>.Instance, Chain, segmentBytes: 8 * 1024))
        {
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i => log.RecordAsync(Event(i, start.AddSeconds(i / 3)), default).AsTask()));
        }

        Assert.Empty(Directory.GetFiles(directory, "*.jsonl"));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
        var files = Directory.GetFiles(directory, "*.json.gz").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 5, $"expected several segments, got {files.Count}");
        Assert.Equal(300, ReadIds(files).Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"request-{i:D5}").Order(StringComparer.Ordinal), ReadIds(files).Order(StringComparer.Ordinal));
        // Records of 11:00 and later never share a file with those of 10:55-10:59 (five-minute rotation periods).
        Assert.All(files, f =>
        {
            var periods = LogFileSealer.ReadRecords(f).Select(r => r.GetProperty("eventTime").GetString()![..15]).Distinct().ToList();
            Assert.Single(periods);
        });
        // Names sort in the order the files were written.
        Assert.Equal(ReadIds(files), ReadIds(files).Order(StringComparer.Ordinal));
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_crash_leaves_a_zero_tail_that_the_next_start_trims_to_the_last_whole_record()
    {
        var directory = TestTrent.NewDataDirectory();
        var log = new FileAuditLog(directory, "unit", NullLogger<FileAuditLog>.Instance, Chain, segmentBytes: 64 * 1024);
        for (var i = 0; i < 10; i++)
        {
            await log.RecordAsync(Event(i, DateTimeOffset.UtcNow), default);
        }

        // Simulate a crash: copy the segment as it is on disk now, torn last line and all.
        var active = Assert.Single(Directory.GetFiles(directory, "*.jsonl"));
        var bytes = await File.ReadAllBytesAsync(active);
        await log.DisposeAsync();
        var end = Array.IndexOf(bytes, (byte)0);
        Assert.True(end > 0);
        "{\"torn\":"u8.ToArray().CopyTo(bytes, end);
        File.Delete(active);
        await File.WriteAllBytesAsync(active, bytes);

        await using (new FileAuditLog(directory, "unit", NullLogger<FileAuditLog>.Instance, Chain, segmentBytes: 64 * 1024))
        {
        }

        // The restart trimmed the torn line and sealed what remained.
        Assert.False(File.Exists(active));
        var sealedFile = Assert.Single(Directory.GetFiles(directory, "*.json.gz"));
        Assert.Equal(Path.GetFileName(active).Replace(".jsonl", ".json.gz", StringComparison.Ordinal), Path.GetFileName(sealedFile));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"request-{i:D5}"), ReadIds([sealedFile]));
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task The_copies_of_one_cross_account_event_are_written_together_in_one_file_under_one_chain_link()
    {
        var directory = TestTrent.NewDataDirectory();
        var start = DateTimeOffset.UtcNow;
        await using (var log = new FileAuditLog(directory, "unit", NullLogger<FileAuditLog>.Instance, Chain, segmentBytes: 8 * 1024))
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            {
                var caller = Event(i, start) with { SharedEventId = Guid.NewGuid().ToString(), RecipientAccountId = "444455556666" };
                return log.RecordAsync([caller, caller with { EventId = Guid.NewGuid().ToString(), RecipientAccountId = "111122223333" }], default).AsTask();
            }));
        }

        // Sealing checks every file's chain: a broken one would be left as .broken.
        Assert.Empty(Directory.GetFiles(directory, "*" + AuditFileNames.BrokenSuffix));
        var files = Directory.GetFiles(directory, "*.json.gz");
        Assert.True(files.Length > 5, $"expected several segments, got {files.Length}");
        foreach (var file in files)
        {
            var records = LogFileSealer.ReadRecords(file).Select(r => r.Clone()).ToList();
            Assert.True(records.Count % 2 == 0, "a file holds whole pairs");
            for (var i = 0; i < records.Count; i += 2)
            {
                Assert.Equal(records[i].GetProperty("sharedEventID").GetString(), records[i + 1].GetProperty("sharedEventID").GetString());
                Assert.Equal(["444455556666", "111122223333"], new[] { records[i], records[i + 1] }.Select(r => r.GetProperty("recipientAccountId").GetString()));
            }
        }

        Assert.Equal(400, files.Sum(f => LogFileSealer.ReadRecords(f).Count()));
        TestTrent.TryDelete(directory);
    }

    private static List<string> ReadIds(IEnumerable<string> files) =>
        [.. files.SelectMany(f => f.EndsWith(".json.gz", StringComparison.Ordinal)
            ? LogFileSealer.ReadRecords(f).Select(r => r.GetProperty("requestID").GetString()!)
            : File.ReadLines(f).Where(l => !l.StartsWith("{\"trentChain", StringComparison.Ordinal)).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("requestID").GetString()!))];
}
