using Trent.Domain.Keys;

namespace Trent.Domain.Auth;

/// <summary>
/// Decides whether the caller may perform <paramref name="action"/> (e.g. <c>kms:Encrypt</c>) on a key,
/// or on no key for account-level actions such as CreateKey. Every domain operation calls it before it acts.
/// Throws <see cref="Errors.KmsException"/> with <see cref="Errors.KmsErrorCode.AccessDenied"/> to refuse.
/// Request-specific condition values (encryption context, algorithms, grant tokens...) travel on
/// <see cref="RequestContext.Conditions"/>, which the operation sets before it asks; see <see cref="PolicyAuthorizer"/>.
/// Completes synchronously, without allocating, when the policies decide alone; it awaits the store only for
/// grants or the key's aliases (<c>kms:ResourceAliases</c>), so no request thread blocks on I/O.
/// </summary>
public interface IAuthorizer
{
    ValueTask AuthorizeAsync(RequestContext context, string action, KeyRecord? key, CancellationToken cancellationToken);
}
