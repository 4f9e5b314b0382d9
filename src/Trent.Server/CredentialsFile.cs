using Trent.Domain.Auth;

namespace Trent.Server;

/// <summary>Writes generated credentials in the AWS shared-credentials format, readable by the owner only.</summary>
public static class CredentialsFile
{
    public const string Profile = "trent";

    public static void Write(string path, GeneratedCredentials credentials)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(
                $"""
                [{Profile}]
                aws_access_key_id = {credentials.AccessKeyId}
                aws_secret_access_key = {credentials.SecretAccessKey}

                """);
        }

        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its old mode on FileMode.Create; make sure it is 0600.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
