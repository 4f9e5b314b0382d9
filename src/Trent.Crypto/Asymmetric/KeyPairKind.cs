namespace Trent.Crypto.Asymmetric;

/// <summary>The kinds of key pair Trent makes and uses: the asymmetric KMS key specs and data key pair specs.</summary>
public enum KeyPairKind
{
    Rsa2048,
    Rsa3072,
    Rsa4096,
    NistP256,
    NistP384,
    NistP521,
    Secp256k1,
    Ed25519,
    MlDsa44,
    MlDsa65,
    MlDsa87,
    Sm2,
}
