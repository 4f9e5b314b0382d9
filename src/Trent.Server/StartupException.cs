namespace Trent.Server;

/// <summary>A setting that keeps the server from starting; reported as one line, with a non-zero exit.</summary>
public sealed class StartupException(string message) : Exception(message);
