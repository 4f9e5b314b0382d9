using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.Storage;

namespace Trent.Domain.Grants;

/// <summary>
/// Whether a grant allows a request. Consulted only when no policy allows it, so the common path never
/// reads grants. The store answers synchronously (SQLite); grants are read, never cached, so a retired or
/// revoked grant stops working at once, and grant tokens name grants that are usable immediately.
/// </summary>
public sealed class GrantEvaluator(IGrantStore store)
{
    /// <summary>Operations whose requests carry an encryption context, to which constraints apply.</summary>
    private static readonly HashSet<string> ContextOperations = new(StringComparer.Ordinal)
    {
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    };

    /// <summary>Checks that every grant token of the request is well formed (InvalidGrantTokenException otherwise).</summary>
    public static void ValidateTokens(RequestContext context)
    {
        if (context.HasConditions && context.Conditions.GrantTokens is { } tokens)
        {
            foreach (var token in tokens)
            {
                if (GrantTokens.GrantIdOf(token) is null)
                {
                    throw new KmsException(KmsErrorCode.InvalidGrantToken, "The grant token is not valid.");
                }
            }
        }
    }

    public async ValueTask<bool> AllowsAsync(RequestContext context, string action, KeyRecord key, CancellationToken cancellationToken)
    {
        if (!action.StartsWith("kms:", StringComparison.Ordinal))
        {
            return false;
        }

        var operation = action[4..];
        var caller = context.Caller;
        string[] grantees = caller.Type == PrincipalType.AssumedRole ? [caller.Arn, caller.IdentityArn] : [caller.Arn];
        var grants = await store.ListGrantsForGranteesAsync(key.AccountId, key.Region, key.KeyId, grantees, cancellationToken).ConfigureAwait(false);
        return grants.Any(g => Permits(g, operation, context));
    }

    private static bool Permits(GrantRecord grant, string operation, RequestContext context)
    {
        if (!grant.Operations.Contains(operation))
        {
            return false;
        }

        var conditions = context.HasConditions ? context.Conditions : null;
        if (operation == "CreateGrant" && conditions?.GrantOperations is { } requested && !requested.All(grant.Operations.Contains))
        {
            return false;
        }

        if (grant.Constraints is not { } constraints)
        {
            return true;
        }

        if (operation == "CreateGrant")
        {
            // A grant created through a constrained grant must be constrained at least as strictly.
            return AtLeastAsStrict(constraints, conditions?.ChildGrantConstraints);
        }

        return !ContextOperations.Contains(operation) || ContextSatisfies(constraints, conditions?.EncryptionContext);
    }

    public static bool ContextSatisfies(GrantConstraints constraints, IReadOnlyDictionary<string, string>? context)
    {
        context ??= new Dictionary<string, string>();
        if (constraints.EncryptionContextEquals is { } equals
            && (equals.Count != context.Count || !equals.All(pair => Contains(context, pair))))
        {
            return false;
        }

        return constraints.EncryptionContextSubset is not { } subset || subset.All(pair => Contains(context, pair));
    }

    private static bool AtLeastAsStrict(GrantConstraints parent, GrantConstraints? child)
    {
        if (child is null)
        {
            return parent.EncryptionContextEquals is null && parent.EncryptionContextSubset is null;
        }

        if (parent.EncryptionContextEquals is { } equals)
        {
            return child.EncryptionContextEquals is { } childEquals && ContextSatisfies(parent, childEquals);
        }

        if (parent.EncryptionContextSubset is { } subset)
        {
            var strictest = child.EncryptionContextEquals ?? child.EncryptionContextSubset;
            return strictest is not null && subset.All(pair => Contains(strictest, pair));
        }

        return true;
    }

    /// <summary>Context keys compare case-insensitively, values exactly (reference digest §3.1 Grants).</summary>
    private static bool Contains(IReadOnlyDictionary<string, string> context, KeyValuePair<string, string> pair) =>
        context.Any(c => string.Equals(c.Key, pair.Key, StringComparison.OrdinalIgnoreCase) && string.Equals(c.Value, pair.Value, StringComparison.Ordinal));
}
