using System.CommandLine;

namespace Trent.Commands;

/// <summary>
/// <c>trent completion bash|zsh</c>: a script that asks trent itself for completions through System.CommandLine's
/// <c>[suggest:POSITION]</c> directive, so the completions always match the installed version's commands and options.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # trent completion for bash: eval "$(trent completion bash)" in ~/.bashrc,
        # or: trent completion bash > /etc/bash_completion.d/trent
        _trent_complete()
        {
            local IFS=$'\n'
            local line="${COMP_LINE:0:$COMP_POINT}"
            COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _trent_complete trent
        """;

    private const string Zsh = """
        #compdef trent
        # trent completion for zsh: eval "$(trent completion zsh)" in ~/.zshrc (after compinit),
        # or: trent completion zsh > "${fpath[1]}/_trent"
        _trent()
        {
            local line="${(j: :)words[1,CURRENT]}"
            local -a completions
            completions=("${(@f)$("${words[1]}" "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -a completions
        }
        if (( $+functions[compdef] )); then compdef _trent trent; fi
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: eval \"$(trent completion bash)\" in ~/.bashrc, or zsh in ~/.zshrc.")
        {
            shell,
        };
        command.SetAction(parse =>
        {
            Console.WriteLine(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return 0;
        });
        return command;
    }
}
