namespace Trent.CommandLine;

/// <summary>A command line, variable or config file Trent cannot act on: one line on stderr, exit code 2, nothing touched.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
