using System.Security.Cryptography;

namespace Trent.Crypto.Sealing;

/// <summary>
/// The embedded root of trust: 32 random bytes in a file created with mode 0600 on first start.
/// Suitable for a laptop or CI; production deployments should use an HSM-backed provider.
/// </summary>
public sealed class FileRootKeyProvider(string path) : IRootKeyProvider
{
    public string Description => $"file {path}";

    public RootKey Load()
    {
        if (!File.Exists(path))
        {
            Create();
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            if (bytes.Length != RootKey.Size)
            {
                throw new CryptographicException(
                    $"The root key file {path} holds {bytes.Length} bytes; a root key is {RootKey.Size} bytes.");
            }

            return new RootKey(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private void Create()
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Span<byte> key = stackalloc byte[RootKey.Size];
        RandomNumberGenerator.Fill(key);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Options = FileOptions.WriteThrough,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
