// The suite checks Unix file modes and sends SIGKILL; it runs where Trent is deployed: Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
