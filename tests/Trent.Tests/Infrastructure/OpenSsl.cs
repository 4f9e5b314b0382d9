using System.Security.Cryptography;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// The openssl CLI as an independent implementation: files in a scratch directory, one process per command.
/// </summary>
public sealed class OpenSsl : IDisposable
{
    private readonly string _directory = TestDirectories.New("openssl-");

    public OpenSsl() => Directory.CreateDirectory(_directory);

    /// <summary>Writes bytes to a scratch file and returns its path.</summary>
    public string File(string name, byte[] contents)
    {
        var path = Path(name);
        System.IO.File.WriteAllBytes(path, contents);
        return path;
    }

    /// <summary>Writes a DER SubjectPublicKeyInfo as a PEM file, the form every openssl command reads.</summary>
    public string PublicKeyPem(string name, byte[] subjectPublicKeyInfo) =>
        File(name, System.Text.Encoding.ASCII.GetBytes(PemEncoding.WriteString("PUBLIC KEY", subjectPublicKeyInfo) + "\n"));

    public string Path(string name) => System.IO.Path.Combine(_directory, name);

    public byte[] Read(string name) => System.IO.File.ReadAllBytes(Path(name));

    /// <summary>Runs openssl; returns its exit code and what it printed.</summary>
    public (int ExitCode, string Output) Run(params string[] arguments)
    {
        var (exitCode, output, error) = ToolProcess.Run("openssl", arguments);
        return (exitCode, output + error);
    }

    /// <summary>Runs openssl and fails the test if it fails.</summary>
    public string Succeed(params string[] arguments)
    {
        var (code, output) = Run(arguments);
        Assert.True(code == 0, $"openssl {string.Join(' ', arguments)} failed ({code}): {output}");
        return output;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
