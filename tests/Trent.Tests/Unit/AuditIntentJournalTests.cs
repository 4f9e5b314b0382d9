using Microsoft.Extensions.Logging.Abstractions;
using Trent.Audit.Journal;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Unit;

public sealed class AuditIntentJournalTests
{
    private static AuditEvent Intent(int i) => new()
    {
        EventTime = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000 + i),
        EventSource = "kms.amazonaws.com",
        EventName = "CreateKey",
        Region = "us-east-1",
        RequestId = $"request-{i:D5}",
        EventId = Guid.NewGuid().ToString(),
        ReadOnly = false,
        SourceIpAddress = "127.0.0.1",
        UserAgent = "test \"agent\"",
        Principal = Principal.User("111122223333", "arn:aws:iam::111122223333:user/alice", "AIDAEXAMPLE", "AKIAEXAMPLE"),
        RecipientAccountId = "111122223333",
        Resources = ["arn:aws:kms:us-east-1:111122223333:key/1234"],
        RequestParameters = """{"description":"d\u0000 \n","tags":[{"tagKey":"k"}]}"""u8.ToArray(),
    };

    [Fact]
    public async Task Intents_left_open_by_a_crash_come_back_whole_and_marked_and_retired_ones_do_not()
    {
        var directory = Path.Combine(TestTrent.NewDataDirectory(), "journal");
        // Small files, so that intents and their retirement markers span several of them.
        var journal = new AuditIntentJournal(directory, "node", NullLogger<AuditIntentJournal>.Instance, segmentBytes: 4096);
        var intents = new List<AuditIntent>();
        for (var i = 0; i < 40; i++)
        {
            intents.Add(await journal.BeginAsync(Intent(i), default));
        }

        // Every request but 7, 20 and 39 recorded its outcome; the process then dies without closing the journal.
        foreach (var (intent, i) in intents.Select((t, i) => (t, i)).Where(p => p.i is not (7 or 20 or 39)))
        {
            journal.Complete(intent);
        }

        await journal.BeginAsync(Intent(40), default); // a barrier: retirements before it are written
        var recovered = AuditIntentJournal.Recover(directory, "node");

        Assert.Equal(["request-00007", "request-00020", "request-00039", "request-00040"], recovered.Select(e => e.RequestId));
        var original = Intent(7);
        var back = recovered[0];
        Assert.True(back.OutcomeUnknown);
        Assert.Equal(original.EventTime, back.EventTime);
        Assert.Equal(original.Principal, back.Principal);
        Assert.Equal(original.UserAgent, back.UserAgent);
        Assert.Equal(original.Resources, back.Resources);
        Assert.Equal(original.RequestParameters!.Value.ToArray(), back.RequestParameters!.Value.ToArray());
        Assert.Null(back.ErrorCode);
        await journal.DisposeAsync();
    }

    [Fact]
    public async Task A_clean_stop_with_every_intent_retired_leaves_nothing_and_files_go_as_they_are_retired()
    {
        var directory = Path.Combine(TestTrent.NewDataDirectory(), "journal");
        await using (var journal = new AuditIntentJournal(directory, "node", NullLogger<AuditIntentJournal>.Instance, segmentBytes: 4096))
        {
            for (var i = 0; i < 60; i++)
            {
                journal.Complete(await journal.BeginAsync(Intent(i), default));
            }

            await journal.BeginAsync(Intent(99), default);
            // Only the file holding the open intent (and any after it) is kept while the journal runs.
            Assert.InRange(Directory.GetFiles(directory, "*" + AuditIntentJournal.Extension).Length, 1, 2);
            Assert.Equal(1, journal.Pending);
        }

        Assert.Single(AuditIntentJournal.Recover(directory, "node"));
        AuditIntentJournal.RemoveRecovered(directory, "node");
        Assert.Empty(Directory.GetFiles(directory));
        Assert.Empty(AuditIntentJournal.Recover(directory, "node"));
    }

    [Fact]
    public async Task An_oversized_user_agent_is_journaled_as_the_bounded_prefix_the_record_would_carry()
    {
        var directory = Path.Combine(TestTrent.NewDataDirectory(), "journal");
        var agent = "agent/" + new string('u', 20_000);
        await using var journal = new AuditIntentJournal(directory, "node", NullLogger<AuditIntentJournal>.Instance, segmentBytes: 64 * 1024);
        await journal.BeginAsync(Intent(1) with { UserAgent = agent }, default);

        var back = Assert.Single(AuditIntentJournal.Recover(directory, "node"));
        Assert.Equal(AuditBounds.MaxUserAgentBytes, back.UserAgent!.Length);
        Assert.StartsWith(back.UserAgent, agent, StringComparison.Ordinal);
    }
}
