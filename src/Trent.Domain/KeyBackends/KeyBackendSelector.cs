using Trent.Crypto.Ciphertext;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.KeyBackends;

/// <summary>
/// Chooses a key's backend by the key's origin. Symmetric keys: to encrypt by origin, and to decrypt only when the
/// blob's backend byte is that same backend (a blob claiming another backend than its key's is not a ciphertext of
/// that key). AWS_CLOUDHSM keys live in the PKCS#11 token of their custom key store (<see cref="Pkcs11KeyBackend"/>).
/// Asymmetric and HMAC keys exist only as software material (AWS too allows only symmetric keys in key stores).
/// </summary>
public sealed class KeyBackendSelector(
    SoftwareKeyBackend software, Pkcs11KeyBackend pkcs11, SoftwareAsymmetricKeyBackend softwareAsymmetric, SoftwareMacKeyBackend softwareMac)
{
    public IKeyBackend For(KeyRecord key) => key.Origin switch
    {
        KeyOrigin.AWS_CLOUDHSM => pkcs11,
        KeyOrigin.EXTERNAL_KEY_STORE => throw ExternalKeyStoresUnsupported(),
        _ => software,
    };

    public IKeyBackend For(KeyRecord key, CiphertextHeader header)
    {
        var backend = For(key);
        return backend.Id == header.Backend ? backend : throw KmsErrors.InvalidCiphertext();
    }

    public IAsymmetricKeyBackend Asymmetric(KeyRecord key) => IsSoftware(key) ? softwareAsymmetric : throw SymmetricOnly(key);

    public IMacKeyBackend Mac(KeyRecord key) => IsSoftware(key) ? softwareMac : throw SymmetricOnly(key);

    private static bool IsSoftware(KeyRecord key) => key.Origin is KeyOrigin.AWS_KMS or KeyOrigin.EXTERNAL;

    private static KmsException SymmetricOnly(KeyRecord key) =>
        KmsErrors.Unsupported($"{key.Arn} is in a custom key store, which holds only symmetric encryption keys.");

    private static KmsException ExternalKeyStoresUnsupported() =>
        KmsErrors.Unsupported("External key stores are not supported by this Trent server.");
}
