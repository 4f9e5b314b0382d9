namespace Trent.Crypto.Sealing;

/// <summary>Opens a sealed value of an older format (see <see cref="RootOfTrust.FileRootOfTrust.UnsealLegacy"/>)
/// into a destination of <see cref="LegacyPlaintextLength"/> bytes.</summary>
public delegate void SealedValueOpener(ReadOnlySpan<byte> sealedBlob, ReadOnlySpan<byte> associatedData, Span<byte> destination);

public static class LegacySealing
{
    /// <summary>The first format: 0x01 | IV (12) | ciphertext | tag (16), directly under the root key.</summary>
    public const byte Format = 0x01;

    public static bool IsLegacy(ReadOnlySpan<byte> sealedBlob) => sealedBlob.Length >= 29 && sealedBlob[0] == Format;

    public static int LegacyPlaintextLength(ReadOnlySpan<byte> sealedBlob) => Math.Max(0, sealedBlob.Length - 29);
}
