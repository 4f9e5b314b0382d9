using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Trent.Crypto.Asymmetric;

/// <summary>
/// ML-DSA (FIPS 204) through BouncyCastle: .NET's MLDsa needs OpenSSL 3.5, which Debian 12 lacks. Signing is
/// the hedged (randomized) variant with an empty context string, as FIPS 204 recommends.
/// </summary>
public static class MlDsaKeys
{
    internal static byte[] Generate(KeyPairKind kind)
    {
        var generator = new MLDsaKeyPairGenerator();
        generator.Init(new MLDsaKeyGenerationParameters(BouncyCastleKeys.Random, Parameters(kind)));
        return BouncyCastleKeys.EncodePrivate(generator.GenerateKeyPair().Private);
    }

    internal static byte[] PublicKey(KeyPairKind kind, ReadOnlySpan<byte> privateKey) =>
        BouncyCastleKeys.EncodePublic(Decode(kind, privateKey).GetPublicKey());

    internal static bool IsPrivateKey(KeyPairKind kind, ReadOnlySpan<byte> privateKey) =>
        BouncyCastleKeys.DecodePrivate(privateKey) is MLDsaPrivateKeyParameters key && key.Parameters == Parameters(kind);

    public static byte[] Sign(PrivateKeyHandle key, ReadOnlySpan<byte> message)
    {
        var signer = new MLDsaSigner(Parameters(key.Kind), deterministic: false);
        signer.Init(true, new ParametersWithRandom(key.BouncyCastle<MLDsaPrivateKeyParameters>(), BouncyCastleKeys.Random));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    public static bool Verify(PrivateKeyHandle key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var signer = new MLDsaSigner(Parameters(key.Kind), deterministic: false);
        signer.Init(false, key.BouncyCastlePublic(static k => k.BouncyCastle<MLDsaPrivateKeyParameters>().GetPublicKey()));
        signer.BlockUpdate(message);
        return signer.VerifySignature(signature.ToArray());
    }

    private static MLDsaParameters Parameters(KeyPairKind kind) => kind switch
    {
        KeyPairKind.MlDsa44 => MLDsaParameters.ml_dsa_44,
        KeyPairKind.MlDsa65 => MLDsaParameters.ml_dsa_65,
        KeyPairKind.MlDsa87 => MLDsaParameters.ml_dsa_87,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static MLDsaPrivateKeyParameters Decode(KeyPairKind kind, ReadOnlySpan<byte> privateKey) =>
        BouncyCastleKeys.DecodePrivate(privateKey) is MLDsaPrivateKeyParameters key && key.Parameters == Parameters(kind)
            ? key
            : throw new System.Security.Cryptography.CryptographicException("The key material is not an ML-DSA key of this parameter set.");
}
