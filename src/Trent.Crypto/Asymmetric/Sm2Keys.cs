using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;

namespace Trent.Crypto.Asymmetric;

/// <summary>
/// SM2 (GB/T 32918) through BouncyCastle: SM2DSA signatures with SM3 and the default distinguishing ID
/// <c>1234567812345678</c>, DER-encoded like ECDSA; SM2PKE encryption with the ciphertext in the GM/T 0009
/// ASN.1 form <c>SEQUENCE { x, y, SM3 hash, ciphertext }</c>; and raw ECDH on the SM2 curve.
/// </summary>
public static class Sm2Keys
{
    private const int CoordinateLength = 32;
    private const int HashLength = 32;

    internal static byte[] Generate()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, BouncyCastleKeys.Random));
        return BouncyCastleKeys.EncodePrivate(generator.GenerateKeyPair().Private);
    }

    internal static byte[] PublicKey(ReadOnlySpan<byte> privateKey) => BouncyCastleKeys.EncodePublic(PublicOf(Decode(privateKey)));

    internal static bool IsPrivateKey(ReadOnlySpan<byte> privateKey) =>
        BouncyCastleKeys.DecodePrivate(privateKey) is ECPrivateKeyParameters key && IsSm2Curve(key.Parameters);

    /// <summary>Signs a message (<paramref name="digest"/> null) or a digest e = SM3(Z‖M) computed by the caller.</summary>
    public static byte[] Sign(PrivateKeyHandle key, ReadOnlySpan<byte> message, bool isDigest)
    {
        var signer = CreateSigner(isDigest ? message : default, isDigest);
        signer.Init(true, new ParametersWithRandom(Key(key), BouncyCastleKeys.Random));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    public static bool Verify(PrivateKeyHandle key, ReadOnlySpan<byte> message, bool isDigest, ReadOnlySpan<byte> signature)
    {
        var signer = CreateSigner(isDigest ? message : default, isDigest);
        signer.Init(false, PublicKeyOf(key));
        signer.BlockUpdate(message);
        try
        {
            return signer.VerifySignature(signature.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    public static byte[] Encrypt(PrivateKeyHandle key, ReadOnlySpan<byte> plaintext)
    {
        var engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
        engine.Init(true, new ParametersWithRandom(PublicKeyOf(key), BouncyCastleKeys.Random));
        var raw = engine.ProcessBlock(plaintext);

        // raw = 04 ‖ x ‖ y ‖ C3 ‖ C2
        var x = new BigInteger(1, raw, 1, CoordinateLength);
        var y = new BigInteger(1, raw, 1 + CoordinateLength, CoordinateLength);
        var c3 = raw.AsSpan(1 + (2 * CoordinateLength), HashLength).ToArray();
        var c2 = raw.AsSpan(1 + (2 * CoordinateLength) + HashLength).ToArray();
        return new DerSequence(new DerInteger(x), new DerInteger(y), new DerOctetString(c3), new DerOctetString(c2)).GetDerEncoded();
    }

    /// <summary>Null when the ciphertext is malformed or was not made for this key.</summary>
    public static byte[]? Decrypt(PrivateKeyHandle key, ReadOnlySpan<byte> ciphertext)
    {
        byte[] raw;
        try
        {
            var sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(ciphertext.ToArray()));
            if (sequence.Count != 4)
            {
                return null;
            }

            var x = DerInteger.GetInstance(sequence[0]).PositiveValue;
            var y = DerInteger.GetInstance(sequence[1]).PositiveValue;
            var c3 = Asn1OctetString.GetInstance(sequence[2]).GetOctets();
            var c2 = Asn1OctetString.GetInstance(sequence[3]).GetOctets();
            if (c3.Length != HashLength || c2.Length == 0 || x.BitLength > 256 || y.BitLength > 256)
            {
                return null;
            }

            raw = Arrays.ConcatenateAll(
                [0x04],
                BigIntegers.AsUnsignedByteArray(CoordinateLength, x),
                BigIntegers.AsUnsignedByteArray(CoordinateLength, y),
                c3,
                c2);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or InvalidCastException)
        {
            return null;
        }

        try
        {
            var engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
            engine.Init(false, Key(key));
            return engine.ProcessBlock(raw);
        }
        catch (Exception e) when (e is InvalidCipherTextException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Raw ECDH on the SM2 curve: the x-coordinate of d·Q. Null when the peer key is not an SM2 point.</summary>
    public static byte[]? DeriveSharedSecret(PrivateKeyHandle key, ReadOnlySpan<byte> peerPublicKey)
    {
        if (BouncyCastleKeys.TryDecodePublic(peerPublicKey) is not ECPublicKeyParameters peer || !IsSm2Curve(peer.Parameters))
        {
            return null;
        }

        var agreement = new ECDHBasicAgreement();
        agreement.Init(Key(key));
        try
        {
            return BigIntegers.AsUnsignedByteArray(CoordinateLength, agreement.CalculateAgreement(peer));
        }
        catch (InvalidOperationException)
        {
            return null; // the point at infinity
        }
    }

    private static ISigner CreateSigner(ReadOnlySpan<byte> digest, bool isDigest) =>
        isDigest ? new SM2Signer(StandardDsaEncoding.Instance, new PrecomputedDigest(digest)) : new SM2Signer(StandardDsaEncoding.Instance);

    private static ECPrivateKeyParameters Decode(ReadOnlySpan<byte> privateKey) =>
        BouncyCastleKeys.DecodePrivate(privateKey) is ECPrivateKeyParameters key && IsSm2Curve(key.Parameters)
            ? key
            : throw new System.Security.Cryptography.CryptographicException("The key material is not an SM2 key.");

    private static ECPrivateKeyParameters Key(PrivateKeyHandle key) => key.BouncyCastle<ECPrivateKeyParameters>();

    private static ECPublicKeyParameters PublicKeyOf(PrivateKeyHandle key) => key.BouncyCastlePublic(static k => PublicOf(Key(k)));

    private static ECPublicKeyParameters PublicOf(ECPrivateKeyParameters key) =>
        new("EC", key.Parameters.G.Multiply(key.D).Normalize(), GMObjectIdentifiers.sm2p256v1);

    private static bool IsSm2Curve(ECDomainParameters parameters) =>
        parameters.Curve.Equals(GMNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1).Curve);

    /// <summary>
    /// Stands in for SM3 inside <see cref="SM2Signer"/> when the caller already computed e = SM3(Z‖M):
    /// whatever the signer feeds it, it yields that digest.
    /// </summary>
    private sealed class PrecomputedDigest(ReadOnlySpan<byte> digest) : IDigest
    {
        private readonly byte[] _digest = digest.ToArray();

        public string AlgorithmName => "SM3-precomputed";

        public int GetDigestSize() => HashLength;

        public int GetByteLength() => 64;

        public void Update(byte input)
        {
        }

        public void BlockUpdate(byte[] input, int inOff, int inLen)
        {
        }

        public void BlockUpdate(ReadOnlySpan<byte> input)
        {
        }

        public int DoFinal(byte[] output, int outOff) => DoFinal(output.AsSpan(outOff));

        public int DoFinal(Span<byte> output)
        {
            _digest.CopyTo(output);
            return HashLength;
        }

        public void Reset()
        {
        }
    }
}
