namespace Trent.CommandLine;

/// <summary>The exit codes of every command (README "Command line").</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed: a verification found a bad file, an account already exists, ...</summary>
    public const int Failure = 1;

    /// <summary>Unknown command or option, a bad value (option, variable or config file): nothing was touched.</summary>
    public const int Usage = 2;

    /// <summary>The machine refused: address in use, data directory unusable or locked, certificate or database unreadable.</summary>
    public const int CannotStart = 3;
}
