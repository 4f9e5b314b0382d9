using Trent.Crypto.Ciphertext;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.KeyBackends;

/// <summary>
/// Chooses a key's backend: by the key's origin to encrypt, and to decrypt only when the blob's backend byte is
/// that same backend (a blob claiming another backend than its key's is not a ciphertext of that key).
/// AWS_CLOUDHSM keys live in the PKCS#11 token of their custom key store (<see cref="Pkcs11KeyBackend"/>).
/// </summary>
public sealed class KeyBackendSelector(SoftwareKeyBackend software, Pkcs11KeyBackend pkcs11)
{
    public IKeyBackend For(KeyRecord key) => key.Origin switch
    {
        KeyOrigin.AWS_CLOUDHSM => pkcs11,
        KeyOrigin.EXTERNAL_KEY_STORE => throw KmsErrors.Unsupported("External key stores are not supported by this Trent server."),
        _ => software,
    };

    public IKeyBackend For(KeyRecord key, CiphertextHeader header)
    {
        var backend = For(key);
        return backend.Id == header.Backend ? backend : throw KmsErrors.InvalidCiphertext();
    }
}
