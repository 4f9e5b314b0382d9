using System.Security.Cryptography;
using Trent.Crypto.Asymmetric;
using Trent.Domain.Keys;

namespace Trent.Domain.Materials;

/// <summary>What fresh key material is for each key spec: the bytes the vault seals.</summary>
public static class GeneratedMaterial
{
    public const int SymmetricKeySize = 32;

    /// <summary>New material; the caller wipes the array once it is sealed.</summary>
    public static byte[] Create(KeySpec spec) =>
        spec == KeySpec.SYMMETRIC_DEFAULT ? RandomNumberGenerator.GetBytes(SymmetricKeySize)
        : KeySpecRules.IsHmac(spec) ? RandomNumberGenerator.GetBytes(KeySpecRules.HmacKeyLength(spec).Generated)
        : KeyPairs.Generate(KeySpecRules.PairKind(spec));
}
