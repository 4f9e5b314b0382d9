using System.Diagnostics;

namespace Trent.Tests.Cli;

/// <summary><c>trent completion bash</c>: the script, sourced into a real bash, completes commands and options from trent itself.</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("trent se", "seed-keys serve")]
    [InlineData("trent au", "audit")]
    [InlineData("trent audit ", "--help -? -h head public-key verify")]
    [InlineData("trent serve --ur", "--urls")]
    [InlineData("trent audit verify --allow", "--allow-undigested-tail")]
    public async Task Bash_completes_commands_and_options(string line, string expected)
    {
        var work = TrentCli.NewDirectory();
        try
        {
            // `trent` on the PATH, as an installed tool is.
            var trent = Path.Combine(work, "trent");
            await File.WriteAllTextAsync(trent, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "trent.dll")}' \"$@\"\n");
            File.SetUnixFileMode(trent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var script = $$"""
                source <(trent completion bash)
                COMP_LINE='{{line}}'
                COMP_POINT=${#COMP_LINE}
                read -ra COMP_WORDS <<< "$COMP_LINE"
                [[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                _trent_complete
                printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
                """;
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.Environment["PATH"] = work + ":" + Environment.GetEnvironmentVariable("PATH");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Equal(expected, (await stdout).Trim());
        }
        finally
        {
            TrentCli.Delete(work);
        }
    }

    [Fact]
    public async Task Both_scripts_ask_trent_through_the_suggest_directive()
    {
        foreach (var shell in new[] { "bash", "zsh" })
        {
            var result = await TrentCli.RunAsync("completion", shell);
            Assert.Equal(0, result.Exit);
            Assert.Contains("[suggest:", result.Stdout, StringComparison.Ordinal);
            Assert.Contains(shell == "bash" ? "complete -o default -F _trent_complete trent" : "compdef _trent trent", result.Stdout, StringComparison.Ordinal);
        }

        var suggested = await TrentCli.RunAsync("[suggest:16]", "trent serve --da");
        Assert.Equal("--data", suggested.Stdout.Trim());
    }
}
