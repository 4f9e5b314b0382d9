using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.Auth;

/// <summary>
/// The authorization in force until key policies are enforced: a known principal may act on its own
/// account's keys and on nothing else.
/// </summary>
public sealed class SameAccountAuthorizer : IAuthorizer
{
    public void Authorize(RequestContext context, string action, KeyRecord? key)
    {
        if (key is not null && !string.Equals(key.AccountId, context.Caller.AccountId, StringComparison.Ordinal))
        {
            throw KmsErrors.AccessDenied(
                context.Caller.Arn,
                action,
                key.Arn,
                $"no resource-based policy allows the {action} action");
        }
    }
}
