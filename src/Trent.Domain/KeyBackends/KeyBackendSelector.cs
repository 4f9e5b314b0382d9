using Trent.Crypto.Ciphertext;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.KeyBackends;

/// <summary>
/// Chooses a key's backend: by the key's origin to encrypt, and to decrypt only when the blob's backend byte is
/// that same backend (a blob claiming another backend than its key's is not a ciphertext of that key).
/// AWS_CLOUDHSM keys (custom key stores, whose keys live in a PKCS#11 token: <see cref="Trent.Crypto.Pkcs11.Pkcs11Ciphertext"/>)
/// cannot be created yet; CreateKey refuses them.
/// </summary>
public sealed class KeyBackendSelector(SoftwareKeyBackend software)
{
    public IKeyBackend For(KeyRecord key) => key.Origin switch
    {
        KeyOrigin.AWS_CLOUDHSM or KeyOrigin.EXTERNAL_KEY_STORE => throw KmsErrors.Unsupported("Custom key stores are not supported by this Trent server yet."),
        _ => software,
    };

    public IKeyBackend For(KeyRecord key, CiphertextHeader header)
    {
        var backend = For(key);
        return backend.Id == header.Backend ? backend : throw KmsErrors.InvalidCiphertext();
    }
}
