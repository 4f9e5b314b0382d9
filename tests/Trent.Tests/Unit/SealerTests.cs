using System.Security.Cryptography;
using Trent.Crypto.RootOfTrust;
using Trent.Crypto.Sealing;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Unit;

public sealed class SealerTests
{
    [Fact]
    public void A_sealed_value_unseals_only_with_its_domain_key_and_associated_data()
    {
        using var ring = TestSealing.NewRing();
        using var otherRing = TestSealing.NewRing();
        var secret = RandomNumberGenerator.GetBytes(32);
        var sealedValue = new Sealer(ring).Seal(secret, "arn:key/1\nv1"u8);
        Assert.Equal(-1, sealedValue.AsSpan().IndexOf(secret));
        Assert.Equal(1u, Sealer.SealedVersion(sealedValue));

        var output = new byte[32];
        new Sealer(ring).Unseal(sealedValue, "arn:key/1\nv1"u8, output);
        Assert.Equal(secret, output);
        Assert.ThrowsAny<CryptographicException>(() => new Sealer(ring).Unseal(sealedValue, "arn:key/2\nv1"u8, output));
        Assert.ThrowsAny<CryptographicException>(() => new Sealer(otherRing).Unseal(sealedValue, "arn:key/1\nv1"u8, output));
        sealedValue[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => new Sealer(ring).Unseal(sealedValue, "arn:key/1\nv1"u8, output));
    }

    [Fact]
    public void New_values_are_sealed_under_the_newest_domain_key_and_older_ones_stay_readable()
    {
        using var ring = TestSealing.NewRing(versions: 3);
        var sealer = new Sealer(ring);
        var sealedValue = sealer.Seal([1, 2, 3], "a"u8);
        Assert.Equal(3u, Sealer.SealedVersion(sealedValue));

        // A value naming another version does not open under this one (the version needs no extra binding).
        sealedValue[4] = 2;
        Assert.ThrowsAny<CryptographicException>(() => sealer.Unseal(sealedValue, "a"u8, new byte[3]));
        sealedValue[4] = 9;
        Assert.ThrowsAny<CryptographicException>(() => sealer.Unseal(sealedValue, "a"u8, new byte[3]));
    }

    [Fact]
    public void The_file_root_is_created_once_private_and_never_recreated_when_it_may_not_be()
    {
        var directory = TestDirectories.New();
        var path = Path.Combine(directory, "root.key");
        Assert.Throws<RootOfTrustUnavailableException>(() => FileRootOfTrust.Open(path, mayCreate: false));
        Assert.False(File.Exists(path));

        byte[] wrapped;
        using (var first = FileRootOfTrust.Open(path, mayCreate: true))
        {
            Assert.True(first.Created);
            wrapped = first.Wrap([7, 7, 7], "k"u8);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using (var second = FileRootOfTrust.Open(path, mayCreate: false))
        {
            Assert.False(second.Created);
            var key = new byte[3];
            second.Unwrap(wrapped, "k"u8, key);
            Assert.Equal([7, 7, 7], key);
            Assert.ThrowsAny<CryptographicException>(() => second.Unwrap(wrapped, "other"u8, key));
        }

        File.WriteAllBytes(path, new byte[5]);
        Assert.Throws<RootOfTrustUnavailableException>(() => FileRootOfTrust.Open(path, mayCreate: false));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void A_passphrase_root_unwraps_only_with_its_passphrase_and_refuses_a_short_one()
    {
        byte[] wrapped;
        var key = RandomNumberGenerator.GetBytes(32);
        using (var root = PassphraseRootOfTrust.Create("correct horse battery staple\n", "test"))
        {
            wrapped = root.Wrap(key, "domain 1"u8);
        }

        Assert.Equal(-1, wrapped.AsSpan().IndexOf(key));
        var back = new byte[32];
        using (var again = PassphraseRootOfTrust.Create("correct horse battery staple", "test"))
        {
            again.Unwrap(wrapped, "domain 1"u8, back);
            Assert.Equal(key, back);
            Assert.ThrowsAny<CryptographicException>(() => again.Unwrap(wrapped, "domain 2"u8, back));
            wrapped[12] ^= 1; // the salt is bound: a changed salt derives another key and fails
            Assert.ThrowsAny<CryptographicException>(() => again.Unwrap(wrapped, "domain 1"u8, back));
            wrapped[12] ^= 1;
        }

        using (var wrong = PassphraseRootOfTrust.Create("correct horse battery stapler", "test"))
        {
            Assert.ThrowsAny<CryptographicException>(() => wrong.Unwrap(wrapped, "domain 1"u8, back));
        }

        var error = Assert.Throws<RootOfTrustUnavailableException>(() => PassphraseRootOfTrust.Create("short", "TRENT_ROOT_PASSPHRASE"));
        Assert.DoesNotContain("short", error.Message.Replace("5 characters", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
