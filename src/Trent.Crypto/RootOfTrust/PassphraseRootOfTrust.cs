using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Trent.Crypto.RootOfTrust;

/// <summary>
/// A root of trust derived from a passphrase with Argon2id (RFC 9106's second recommended option: 64 MiB,
/// 3 passes), never stored. Each wrapped key carries its salt and cost, so nothing else has to be kept
/// and the cost can grow for new keys without breaking old ones.
/// Wrapped layout: format (0x02) | memory KiB (4) | passes (4) | lanes (1) | salt (16) | IV (12) | ciphertext | tag (16).
/// </summary>
public sealed class PassphraseRootOfTrust : IRootOfTrust
{
    private const byte WrapFormat = 0x02;
    private const int SaltSize = 16;
    private const int IvSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + 4 + 4 + 1 + SaltSize;
    private const int MemoryKiB = 64 * 1024;
    private const int Passes = 3;
    private const int Lanes = 1;
    private const int MinimumPassphraseLength = 12;

    private readonly byte[] _passphrase;
    private readonly Dictionary<string, byte[]> _derived = [];
    private readonly Lock _lock = new();
    private byte[]? _header;
    private bool _disposed;

    private PassphraseRootOfTrust(byte[] passphrase, string source)
    {
        _passphrase = passphrase;
        Description = $"passphrase ({source})";
    }

    public string Description { get; }

    /// <summary>Takes the passphrase (UTF-8, trailing line break dropped); <paramref name="source"/> says where it came from, for logs.</summary>
    public static PassphraseRootOfTrust Create(ReadOnlySpan<char> passphrase, string source)
    {
        passphrase = passphrase.TrimEnd("\r\n");
        if (passphrase.Length < MinimumPassphraseLength)
        {
            throw new RootOfTrustUnavailableException(
                $"The root passphrase ({source}) is {passphrase.Length} characters; it must be at least {MinimumPassphraseLength}.");
        }

        var bytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(passphrase), pinned: true);
        Encoding.UTF8.GetBytes(passphrase, bytes);
        return new PassphraseRootOfTrust(bytes, source);
    }

    public byte[] Wrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _header ??= NewHeader();
            var wrapped = new byte[HeaderSize + IvSize + key.Length + TagSize];
            _header.CopyTo(wrapped, 0);
            var iv = wrapped.AsSpan(HeaderSize, IvSize);
            RandomNumberGenerator.Fill(iv);
            using var aes = new AesGcm(DerivedKey(_header), TagSize);
            aes.Encrypt(iv, key, wrapped.AsSpan(HeaderSize + IvSize, key.Length), wrapped.AsSpan(HeaderSize + IvSize + key.Length, TagSize),
                Bound(wrapped.AsSpan(0, HeaderSize), associatedData));
            return wrapped;
        }
    }

    public void Unwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        if (wrapped.Length != HeaderSize + IvSize + destination.Length + TagSize || wrapped[0] != WrapFormat)
        {
            throw new CryptographicException("The wrapped key is malformed.");
        }

        var header = wrapped[..HeaderSize].ToArray();
        var memory = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        var passes = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5));
        if (memory is < 8 * 1024 or > 4 * 1024 * 1024 || passes is < 1 or > 64 || header[9] is < 1 or > 16)
        {
            throw new CryptographicException("The wrapped key names an Argon2 cost outside the accepted range.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var aes = new AesGcm(DerivedKey(header), TagSize);
            aes.Decrypt(wrapped.Slice(HeaderSize, IvSize), wrapped.Slice(HeaderSize + IvSize, destination.Length), wrapped[^TagSize..],
                destination, Bound(header, associatedData));
            _header ??= header; // new keys reuse this salt: one derivation per start
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_passphrase.AsSpan()));
            foreach (var key in _derived.Values)
            {
                CryptographicOperations.ZeroMemory(key);
            }

            _disposed = true;
        }
    }

    private static byte[] NewHeader()
    {
        var header = new byte[HeaderSize];
        header[0] = WrapFormat;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), MemoryKiB);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(5), Passes);
        header[9] = Lanes;
        RandomNumberGenerator.Fill(header.AsSpan(10, SaltSize));
        return header;
    }

    /// <summary>The Argon2id key for a header's salt and cost, derived once and kept (derivation costs ~a second).</summary>
    private byte[] DerivedKey(byte[] header)
    {
        var name = Convert.ToHexString(header);
        if (_derived.TryGetValue(name, out var key))
        {
            return key;
        }

        var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithMemoryAsKB(BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)))
            .WithIterations(BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)))
            .WithParallelism(header[9])
            .WithSalt(header[10..HeaderSize])
            .Build();
        var generator = new Argon2BytesGenerator();
        generator.Init(parameters);
        key = GC.AllocateArray<byte>(32, pinned: true);
        generator.GenerateBytes(_passphrase, key);
        _derived[name] = key;
        return key;
    }

    /// <summary>The header is authenticated with the caller's data, so its cost and salt cannot be swapped.</summary>
    private static byte[] Bound(ReadOnlySpan<byte> header, ReadOnlySpan<byte> associatedData)
    {
        var bound = new byte[header.Length + associatedData.Length];
        header.CopyTo(bound);
        associatedData.CopyTo(bound.AsSpan(header.Length));
        return bound;
    }
}
