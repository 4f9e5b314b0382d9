using System.Reflection;
using Trent.Domain.Cryptography;
using Trent.Domain.Materials;

namespace Trent.Tests.Unit;

/// <summary>
/// The cryptographic services ask a key backend to encrypt, decrypt, sign, verify, MAC and agree keys; none of them
/// may reach key material itself (the vault, or a lease on unsealed material), or a custom key store's keys could
/// be bypassed by a service that reads material directly.
/// </summary>
public sealed class KeyBackendSeamTests
{
    [Fact]
    public void No_cryptographic_service_holds_key_material()
    {
        var services = typeof(CryptoServices).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(CryptoServices).Namespace && type.IsClass)
            .ToList();
        Assert.Contains(typeof(SigningService), services);

        var offenders = services
            .SelectMany(type => type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .SelectMany(constructor => constructor.GetParameters())
                .Select(parameter => parameter.ParameterType)
                .Concat(type.GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance).Select(field => field.FieldType))
                .Where(IsMaterial)
                .Select(material => $"{type.Name} -> {material.Name}"))
            .ToList();

        Assert.Empty(offenders);
    }

    private static bool IsMaterial(Type type) => type == typeof(KeyMaterialVault) || type == typeof(MaterialLease);
}
