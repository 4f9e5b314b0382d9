using Trent.Crypto.Asymmetric;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Materials;

namespace Trent.Domain.Imports;

/// <summary>What imported material must be for each key spec (digest §6.3): it has to fit the key it goes into.</summary>
public static class ImportedMaterialRules
{
    public static void Check(KeyRecord key, ReadOnlySpan<byte> material)
    {
        if (key.KeySpec == KeySpec.SYMMETRIC_DEFAULT)
        {
            if (material.Length != GeneratedMaterial.SymmetricKeySize)
            {
                throw Incorrect($"Key material for a SYMMETRIC_DEFAULT key must be 256 bits (32 bytes), not {material.Length} bytes.");
            }
        }
        else if (KeySpecRules.IsHmac(key.KeySpec))
        {
            var (_, min, max) = KeySpecRules.HmacKeyLength(key.KeySpec);
            if (material.Length < min || material.Length > max)
            {
                throw Incorrect($"Key material for a {key.KeySpec} key must be {min} to {max} bytes long, not {material.Length} bytes.");
            }
        }
        else if (!KeyPairs.IsPrivateKeyOf(KeySpecRules.PairKind(key.KeySpec), material))
        {
            throw Incorrect($"Key material for a {key.KeySpec} key must be a DER-encoded PKCS#8 private key of that key spec.");
        }
    }

    private static KmsException Incorrect(string message) => new(KmsErrorCode.IncorrectKeyMaterial, message);
}
