using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Trent.Crypto.Pkcs11;

/// <summary>
/// AES-256 keys that live in a token: generated there as sensitive and non-extractable (their value never leaves
/// the token), found by label, and used for AES-GCM inside the token.
/// </summary>
public static class Pkcs11AesKeys
{
    public const int IvSize = 12;
    public const int TagSize = 16;
    private const int KeySize = 32;

    /// <summary>The secret key labelled <paramref name="label"/>, or null; more than one is an error (which would be used?).</summary>
    public static IObjectHandle? Find(ISession session, string label)
    {
        var factory = session.Factories.ObjectAttributeFactory;
        var found = session.FindAllObjects(
        [
            factory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            factory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            factory.Create(CKA.CKA_LABEL, label),
        ]);
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new Pkcs11TokenException(Pkcs11Failure.OperationFailed, $"{found.Count} AES keys in the token are labelled '{label}'; exactly one may be."),
        };
    }

    /// <summary>Generates a token AES-256 key for encryption and decryption only: private, sensitive, never extractable, not modifiable.</summary>
    public static IObjectHandle Generate(ISession session, string label)
    {
        var factory = session.Factories.ObjectAttributeFactory;
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        return session.GenerateKey(mechanism,
        [
            factory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            factory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            factory.Create(CKA.CKA_VALUE_LEN, (ulong)KeySize),
            factory.Create(CKA.CKA_LABEL, label),
            factory.Create(CKA.CKA_TOKEN, true),
            factory.Create(CKA.CKA_PRIVATE, true),
            factory.Create(CKA.CKA_SENSITIVE, true),
            factory.Create(CKA.CKA_EXTRACTABLE, false),
            factory.Create(CKA.CKA_MODIFIABLE, false),
            factory.Create(CKA.CKA_ENCRYPT, true),
            factory.Create(CKA.CKA_DECRYPT, true),
            factory.Create(CKA.CKA_WRAP, false),
            factory.Create(CKA.CKA_UNWRAP, false),
            factory.Create(CKA.CKA_SIGN, false),
            factory.Create(CKA.CKA_VERIFY, false),
            factory.Create(CKA.CKA_DERIVE, false),
        ]);
    }

    /// <summary>Whether the key's value can never leave the token (CKA_SENSITIVE true, CKA_EXTRACTABLE false).</summary>
    public static bool IsProtected(ISession session, IObjectHandle key)
    {
        var attributes = session.GetAttributeValue(key, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]);
        return attributes[0].GetValueAsBool() && !attributes[1].GetValueAsBool();
    }

    /// <summary>AES-GCM in the token: returns ciphertext followed by the 16-byte tag.</summary>
    public static byte[] EncryptGcm(ISession session, IObjectHandle key, byte[] iv, byte[] associatedData, byte[] plaintext) =>
        Gcm(session, iv, associatedData, mechanism => session.Encrypt(mechanism, key, plaintext));

    /// <summary>AES-GCM decryption in the token of ciphertext followed by its tag; a wrong tag fails as <see cref="Pkcs11Exception"/>.</summary>
    public static byte[] DecryptGcm(ISession session, IObjectHandle key, byte[] iv, byte[] associatedData, byte[] ciphertextAndTag) =>
        Gcm(session, iv, associatedData, mechanism => session.Decrypt(mechanism, key, ciphertextAndTag));

    private static byte[] Gcm(ISession session, byte[] iv, byte[] associatedData, Func<IMechanism, byte[]> operation)
    {
        using var parameters = session.Factories.MechanismParamsFactory.CreateCkGcmParams(iv, (ulong)iv.Length * 8, associatedData, TagSize * 8);
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
        return operation(mechanism);
    }

    /// <summary>Removes a key object (on key deletion); absent already is fine.</summary>
    public static bool Destroy(ISession session, string label)
    {
        if (Find(session, label) is not { } key)
        {
            return false;
        }

        session.DestroyObject(key);
        return true;
    }
}
