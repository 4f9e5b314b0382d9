using Trent.CommandLine;

namespace Trent.Tests.Cli;

/// <summary>Progress is redrawn in place on a terminal and a few plain lines elsewhere (CI, logs, pipes).</summary>
public sealed class ProgressLineTests
{
    [Fact]
    public void On_a_terminal_one_line_is_redrawn_and_ended()
    {
        var output = new StringWriter();
        using (var progress = new ProgressLine("seeded", "keys", 30_000, plainEvery: 10_000, output, interactive: true))
        {
            progress.Report(10_000);
            progress.Report(30_000);
        }

        var text = output.ToString();
        Assert.StartsWith("\r\u001b[2Kseeded 10,000 of 30,000 keys (33%", text, StringComparison.Ordinal);
        Assert.Contains("\r\u001b[2Kseeded 30,000 of 30,000 keys (100%", text, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Elsewhere_plain_lines_every_step_and_at_the_end_without_control_characters()
    {
        var output = new StringWriter();
        using (var progress = new ProgressLine("seeded", "keys", 25_000, plainEvery: 10_000, output, interactive: false))
        {
            foreach (var done in new[] { 5_000, 10_000, 15_000, 20_000, 25_000 })
            {
                progress.Report(done);
            }
        }

        Assert.Equal(["seeded 10000 of 25000 keys", "seeded 20000 of 25000 keys", "seeded 25000 of 25000 keys"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));

        // Short work says nothing in plain mode: the command's own summary line is enough.
        var quiet = new StringWriter();
        using (var progress = new ProgressLine("checked", "digests", 3, plainEvery: 1000, quiet, interactive: false))
        {
            progress.Report(3);
        }

        Assert.Empty(quiet.ToString());
    }

    [Fact]
    public async Task Seed_keys_in_a_pipe_prints_no_terminal_control_characters()
    {
        var work = TrentCli.NewDirectory();
        try
        {
            var result = await TrentCli.RunAsync(["seed-keys", "--data", Path.Combine(work, "data"), "--count", "3"], work);
            Assert.True(result.Exit == 0, result.ToString());
            Assert.Contains("Created 3 keys", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain('\r', result.Stdout + result.Stderr);
            Assert.DoesNotContain('\u001b', result.Stdout + result.Stderr);
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }
}
