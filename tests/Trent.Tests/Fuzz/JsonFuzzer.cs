using System.Collections;
using System.Reflection;
using System.Text;
using Trent.Protocol.AwsJson;

namespace Trent.Tests.Fuzz;

/// <summary>
/// Mutated awsJson1_1 requests for every operation in the registry. The members of each operation come from its
/// request shape (by reflection), so a new member is fuzzed without touching this file: plausible values (real key
/// IDs, ARNs, enum values) to get deep into the domain, and hostile ones (wrong JSON types, huge numbers, control
/// characters, deep nesting), with body-level damage (invalid UTF-8, duplicate keys, truncation, wrong types).
/// </summary>
public sealed class JsonFuzzer(IReadOnlyList<IKmsOperation> operations, FuzzTargets targets)
{
    private static readonly Dictionary<string, string[]> Enums = new(StringComparer.Ordinal)
    {
        // Only cheap key specs: RSA-4096 generation per request would measure the CPU, not the protocol.
        ["KeySpec"] = ["SYMMETRIC_DEFAULT", "AES_256", "HMAC_256", "ECC_NIST_P256", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519", "RSA_9", "ML_DSA_44"],
        ["CustomerMasterKeySpec"] = ["SYMMETRIC_DEFAULT", "ECC_NIST_P256"],
        ["KeyUsage"] = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"],
        ["KeyPairSpec"] = ["ECC_NIST_P256", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"],
        ["KeySpecForDataKey"] = ["AES_256", "AES_128"],
        ["SigningAlgorithm"] = ["ECDSA_SHA_256", "RSASSA_PSS_SHA_256", "ED25519_SHA_512", "HMAC_SHA_256"],
        ["EncryptionAlgorithm"] = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256", "SM2PKE"],
        ["SourceEncryptionAlgorithm"] = ["SYMMETRIC_DEFAULT"],
        ["DestinationEncryptionAlgorithm"] = ["SYMMETRIC_DEFAULT"],
        ["MacAlgorithm"] = ["HMAC_SHA_256", "HMAC_SHA_512"],
        ["MessageType"] = ["RAW", "DIGEST", "EXTERNAL_MU"],
        ["Origin"] = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM"],
        ["ExpirationModel"] = ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
        ["WrappingAlgorithm"] = ["RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_256"],
        ["WrappingKeySpec"] = ["RSA_2048"],
        ["KeyAgreementAlgorithm"] = ["ECDH"],
        ["AttributeKey"] = ["EventName", "Username", "ResourceName", "ReadOnly", "EventId", "AccessKeyId", "Bogus"],
        ["EventCategory"] = ["insight", "Management"],
        ["ImportType"] = ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"],
        ["Operations"] = ["Encrypt", "Decrypt", "CreateGrant", "Sign", "GenerateDataKey"],
        ["DryRunModifiers"] = ["IGNORE_CIPHERTEXT"],
        ["IncludeKeyMaterial"] = ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"],
    };

    private static readonly string[] ContentTypes =
    [
        "application/json", "text/plain", "application/x-amz-json-1.0", "application/xml", "multipart/form-data; boundary=x",
        "application/x-amz-json-1.1; charset=latin1", "application/x-www-form-urlencoded",
    ];

    public FuzzRequest Next(Random random)
    {
        var operation = operations[random.Next(operations.Count)];
        var cloudTrail = KmsOperationRegistry.IsCloudTrail(operation.Target);
        var target = random.Next(40) switch
        {
            0 => null,
            1 => "TrentService." + FuzzValues.Alnum(random, 6),
            2 => operation.Target.ToLowerInvariant(),
            _ => operation.Target,
        };
        var contentType = random.Next(12) switch
        {
            0 => null,
            1 => ContentTypes[random.Next(ContentTypes.Length)],
            _ => AwsJsonCodec.ContentType,
        };
        var body = Body(random, RequestType(operation));
        return new FuzzRequest(cloudTrail ? "cloudtrail" : "kms", operation.Name, cloudTrail ? "cloudtrail" : "kms", target, contentType, body);
    }

    /// <summary>The request shape of an operation: the first type argument of its <c>KmsOperation&lt;TRequest, TResponse&gt;</c> base.</summary>
    public static Type RequestType(IKmsOperation operation)
    {
        for (var type = operation.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KmsOperation<,>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        throw new InvalidOperationException($"{operation.Name} has no request shape");
    }

    private byte[] Body(Random random, Type shape)
    {
        switch (random.Next(100))
        {
            case 0:
                return [];
            case 1:
                return "{}"u8.ToArray();
            case 2:
                return Encoding.UTF8.GetBytes(random.Next(4) switch { 0 => "[]", 1 => "null", 2 => "12", _ => "\"text\"" });
            case 3:
                return Encoding.UTF8.GetBytes(FuzzValues.Nesting(random));
            case 4:
                // Oversized: past the 256 KiB body cap.
                return Encoding.UTF8.GetBytes("{\"Description\":\"" + new string('a', 300_000) + "\"}");
        }

        var json = Object(random, shape, depth: 0);
        var bytes = Encoding.UTF8.GetBytes(json);
        switch (random.Next(20))
        {
            case 0:
                // Invalid UTF-8 inside the first string value (or anywhere).
                var at = Math.Max(0, json.IndexOf(":\"", StringComparison.Ordinal) + 2);
                at = Math.Min(at, bytes.Length);
                return [.. bytes[..at], .. FuzzValues.InvalidUtf8(random), .. bytes[at..]];
            case 1:
                return bytes[..random.Next(bytes.Length + 1)];
            case 2:
                return [0xEF, 0xBB, 0xBF, .. bytes];
            case 3:
                return [.. bytes, .. " garbage"u8.ToArray()];
            default:
                return bytes;
        }
    }

    private string Object(Random random, Type shape, int depth)
    {
        var members = new List<string>();
        foreach (var property in shape.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (random.Next(10) < 3)
            {
                continue;
            }

            var value = Value(random, property.Name, property.PropertyType, depth);
            members.Add(Quote(property.Name) + ":" + value);
            if (random.Next(25) == 0)
            {
                // Duplicate key: the later value must not confuse validation or the audit record.
                members.Add(Quote(property.Name) + ":" + Value(random, property.Name, property.PropertyType, depth));
            }
        }

        if (random.Next(10) == 0)
        {
            members.Add(Quote(random.Next(2) == 0 ? "Extra" + FuzzValues.Alnum(random, 3) : FuzzValues.String(random)) + ":" + Junk(random));
        }

        members = [.. members.OrderBy(_ => random.Next())];
        return "{" + string.Join(',', members) + "}";
    }

    private string Value(Random random, string name, Type type, int depth)
    {
        // Mostly well-typed values, so that most requests parse and reach validation and the domain.
        if (random.Next(20) == 0)
        {
            return Junk(random);
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return Quote(random.Next(10) < 7 ? Plausible(random, name) : FuzzValues.String(random), raw: random.Next(60) == 0);
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(decimal))
        {
            return random.Next(2) == 0 ? PlausibleNumber(random, name) : FuzzValues.Number(random);
        }

        if (type == typeof(bool))
        {
            return random.Next(2) == 0 ? "true" : "false";
        }

        if (type == typeof(byte[]))
        {
            return random.Next(8) switch
            {
                0 => Quote("not base64!"),
                1 => Quote(FuzzValues.Base64(random, 100_000)),
                2 => Quote(targets.Ciphertext),
                _ => Quote(FuzzValues.Base64(random, 600)),
            };
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return random.Next(3) switch { 0 => FuzzValues.Number(random), 1 => "1764600000", _ => Quote("2026-12-01T00:00:00Z") };
        }

        if (type.IsGenericType && typeof(IDictionary).IsAssignableFrom(type))
        {
            var entries = Enumerable.Range(0, random.Next(0, 6))
                .Select(_ => Quote(random.Next(3) == 0 ? FuzzValues.String(random) : FuzzValues.Alnum(random, 4)) + ":"
                    + Value(random, "Value", type.GetGenericArguments()[1], depth + 1));
            return "{" + string.Join(',', entries) + "}";
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var count = random.Next(20) == 0 ? random.Next(50, 200) : random.Next(0, 5);
            var element = type.GetGenericArguments()[0];
            return "[" + string.Join(',', Enumerable.Range(0, count).Select(_ => Value(random, name, element, depth + 1))) + "]";
        }

        if (type.IsClass && depth < 4)
        {
            return Object(random, type, depth + 1);
        }

        return Junk(random);
    }

    private string Plausible(Random random, string name)
    {
        if (Enums.TryGetValue(name, out var values))
        {
            return values[random.Next(values.Length)];
        }

        return name switch
        {
            "KeyId" or "DestinationKeyId" or "TargetKeyId" or "SourceKeyId" => targets.KeyReference(random),
            "AliasName" => random.Next(3) == 0 ? "alias/fuzz-" + random.Next(10) : "alias/" + FuzzValues.Alnum(random, 8),
            "GranteePrincipal" or "RetiringPrincipal" => targets.PrincipalArn(random),
            "Policy" => random.Next(2) == 0 ? targets.KeyPolicy : "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
            "PolicyName" => "default",
            "GrantId" => FuzzValues.Alnum(random, 64),
            "Marker" or "NextToken" => FuzzValues.Alnum(random, 20),
            "AttributeValue" => random.Next(2) == 0 ? "Encrypt" : targets.KeyReference(random),
            "Name" => "grant-" + random.Next(5),
            _ => FuzzValues.Alnum(random, random.Next(1, 20)),
        };
    }

    private static string PlausibleNumber(Random random, string name) => name switch
    {
        "NumberOfBytes" => random.Next(0, 1100).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "PendingWindowInDays" => random.Next(0, 40).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "RotationPeriodInDays" => random.Next(80, 2600).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => random.Next(-2, 1200).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A value of a random JSON type.</summary>
    private static string Junk(Random random) => random.Next(9) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => FuzzValues.Number(random),
        3 => Quote(FuzzValues.String(random)),
        4 => "[" + FuzzValues.Number(random) + "," + Quote("x") + "]",
        5 => "{\"" + FuzzValues.Alnum(random, 3) + "\":{}}",
        6 => FuzzValues.Nesting(random),
        7 => "\"\\ud800\"",
        _ => random.Next(2) == 0 ? "NaN" : "'single'",
    };

    /// <summary>A JSON string literal; with <paramref name="raw"/>, control characters are left unescaped (invalid JSON).</summary>
    public static string Quote(string value, bool raw = false)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 && !raw)
            {
                builder.Append(FuzzValues.Invariant($"\\u{(int)c:x4}"));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
