using System.Globalization;
using Trent.Domain.Keys;
using Trent.Domain.Policies.Language;

namespace Trent.Domain.Auth;

/// <summary>
/// The condition keys of one authorization: derived from the caller, the key and the clock, plus what the
/// operation put on <see cref="RequestContext.Conditions"/>. Values are computed only when a condition asks.
/// </summary>
public sealed class RequestConditionValues(RequestContext context, KeyRecord? key, DateTimeOffset now, IReadOnlyList<string>? resourceAliases = null)
    : IConditionValues
{
    public bool TryGetValues(string name, out IReadOnlyList<string> values)
    {
        values = Lookup(name)!;
        if (values is null)
        {
            values = [];
            return false;
        }

        return true;
    }

    private IReadOnlyList<string>? Lookup(string name)
    {
        var caller = context.Caller;
        var conditions = context.HasConditions ? context.Conditions : null;
        if (conditions is not null && conditions.TryGetOther(name, out var other))
        {
            return other;
        }

        if (name.StartsWith(ConditionKeys.EncryptionContextPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var contextKey = name[ConditionKeys.EncryptionContextPrefix.Length..];
            return conditions?.EncryptionContext is { } ec && TryGetIgnoreCase(ec, contextKey, out var value) ? [value] : null;
        }

        if (name.StartsWith(ConditionKeys.ResourceTagPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var tagKey = name[ConditionKeys.ResourceTagPrefix.Length..];
            return key?.Tags.FirstOrDefault(t => string.Equals(t.Key, tagKey, StringComparison.OrdinalIgnoreCase)) is { } tag ? [tag.Value] : null;
        }

        if (name.StartsWith(ConditionKeys.RequestTagPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var tagKey = name[ConditionKeys.RequestTagPrefix.Length..];
            return conditions?.RequestTags is { } tags && TryGetIgnoreCase(tags, tagKey, out var value) ? [value] : null;
        }

        if (name.StartsWith(ConditionKeys.PrincipalTagPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var tagKey = name[ConditionKeys.PrincipalTagPrefix.Length..];
            return context.Identity?.Tags is { } tags && TryGetIgnoreCase(tags, tagKey, out var value) ? [value] : null;
        }

        return name.ToUpperInvariant() switch
        {
            "KMS:ENCRYPTIONCONTEXTKEYS" => conditions?.EncryptionContext is { Count: > 0 } ec ? [.. ec.Keys] : null,
            "KMS:CALLERACCOUNT" or "AWS:PRINCIPALACCOUNT" => [caller.AccountId],
            "KMS:KEYSPEC" or "KMS:CUSTOMERMASTERKEYSPEC" => key is null ? null : [key.KeySpec.ToString()],
            "KMS:KEYUSAGE" or "KMS:CUSTOMERMASTERKEYUSAGE" => key is null ? null : [key.KeyUsage.ToString()],
            "KMS:KEYORIGIN" => key is null ? null : [key.Origin.ToString()],
            "KMS:MULTIREGION" => key is null ? null : [key.MultiRegion ? "true" : "false"],
            "KMS:MULTIREGIONKEYTYPE" => key?.MultiRegionKeyType is { } type ? [type] : null,
            "KMS:ENCRYPTIONALGORITHM" => One(conditions?.EncryptionAlgorithm),
            "KMS:SIGNINGALGORITHM" => One(conditions?.SigningAlgorithm),
            "KMS:MACALGORITHM" => One(conditions?.MacAlgorithm),
            "KMS:KEYAGREEMENTALGORITHM" => One(conditions?.KeyAgreementAlgorithm),
            "KMS:MESSAGETYPE" => One(conditions?.MessageType),
            "KMS:DATAKEYPAIRSPEC" => One(conditions?.DataKeyPairSpec),
            "KMS:REQUESTALIAS" => One(conditions?.RequestAlias),
            "KMS:RESOURCEALIASES" => key is null ? null : resourceAliases is { Count: > 0 } aliases ? aliases : null,
            "KMS:GRANTOPERATIONS" => conditions?.GrantOperations,
            "KMS:GRANTEEPRINCIPAL" => One(conditions?.GranteePrincipal),
            "KMS:RETIRINGPRINCIPAL" => One(conditions?.RetiringPrincipal),
            "KMS:GRANTCONSTRAINTTYPE" => conditions?.GrantConstraintTypes,
            "KMS:GRANTISFORAWSRESOURCE" => Bool(conditions?.GrantIsForAWSResource),
            "KMS:BYPASSPOLICYLOCKOUTSAFETYCHECK" => Bool(conditions?.BypassPolicyLockoutSafetyCheck),
            "KMS:REENCRYPTONSAMEKEY" => Bool(conditions?.ReEncryptOnSameKey),
            "AWS:TAGKEYS" => conditions?.RequestTags is { Count: > 0 } tags ? [.. tags.Keys] : conditions?.TagKeys,
            "AWS:PRINCIPALARN" => [caller.IdentityArn],
            "AWS:PRINCIPALTYPE" => [caller.Type == PrincipalType.IAMUser ? "User" : caller.Type == PrincipalType.Root ? "Account" : "AssumedRole"],
            "AWS:USERID" => [caller.PrincipalId],
            "AWS:USERNAME" => caller.UserName is { } user ? [user] : null,
            "AWS:SOURCEIP" => One(context.SourceIp),
            "AWS:CURRENTTIME" => [now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)],
            "AWS:EPOCHTIME" => [now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
            "AWS:SECURETRANSPORT" => [context.SecureTransport ? "true" : "false"],
            _ => null,
        };
    }

    private static string[]? One(string? value) => value is null ? null : [value];

    private static string[]? Bool(bool? value) => value is null ? null : [value.Value ? "true" : "false"];

    private static bool TryGetIgnoreCase(IReadOnlyDictionary<string, string> map, string key, out string value)
    {
        if (map.TryGetValue(key, out value!))
        {
            return true;
        }

        foreach (var pair in map)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                value = pair.Value;
                return true;
            }
        }

        return false;
    }
}
