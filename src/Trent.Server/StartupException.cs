namespace Trent.Server;

/// <summary>Why a server did not start: a setting to fix, or something of the machine (port, files, certificate).</summary>
public enum StartupFailure
{
    /// <summary>A setting is invalid (a bad number, Region or URL, https without a certificate); nothing was touched.</summary>
    Setting,

    /// <summary>The machine refused (address in use, data directory unusable, unreadable certificate or database).</summary>
    Environment,
}

/// <summary>Something that keeps the server from starting; reported as one line, with a non-zero exit.</summary>
public sealed class StartupException(string message, StartupFailure failure = StartupFailure.Setting, Exception? inner = null)
    : Exception(message, inner)
{
    public StartupFailure Failure { get; } = failure;
}
