using System.Security.Cryptography;
using Trent.Crypto.Sealing;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Unit;

public sealed class SealerTests
{
    [Fact]
    public void A_sealed_value_unseals_only_with_its_root_key_and_associated_data()
    {
        using var root = new RootKey(RandomNumberGenerator.GetBytes(32));
        using var otherRoot = new RootKey(RandomNumberGenerator.GetBytes(32));
        var secret = RandomNumberGenerator.GetBytes(32);
        var sealedValue = new Sealer(root).Seal(secret, "arn:key/1\nv1"u8);
        Assert.Equal(-1, sealedValue.AsSpan().IndexOf(secret));

        var output = new byte[32];
        new Sealer(root).Unseal(sealedValue, "arn:key/1\nv1"u8, output);
        Assert.Equal(secret, output);
        Assert.ThrowsAny<CryptographicException>(() => new Sealer(root).Unseal(sealedValue, "arn:key/2\nv1"u8, output));
        Assert.ThrowsAny<CryptographicException>(() => new Sealer(otherRoot).Unseal(sealedValue, "arn:key/1\nv1"u8, output));
        sealedValue[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => new Sealer(root).Unseal(sealedValue, "arn:key/1\nv1"u8, output));
    }

    [Fact]
    public void The_file_provider_creates_a_private_key_once_and_reloads_it()
    {
        var directory = TestDirectories.New();
        var path = Path.Combine(directory, "root.key");
        var provider = new FileRootKeyProvider(path);
        using var first = provider.Load();
        using var second = provider.Load();
        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        File.WriteAllBytes(path, new byte[5]);
        Assert.ThrowsAny<CryptographicException>(() => provider.Load());
        Directory.Delete(directory, recursive: true);
    }
}
