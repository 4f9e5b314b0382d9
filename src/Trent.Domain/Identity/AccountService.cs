using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Trent.Domain.Auth;
using Trent.Domain.Storage;

namespace Trent.Domain.Identity;

/// <summary>Accounts: the bootstrap account, and new ones made with <c>trent create-account</c> (with root credentials).</summary>
public sealed partial class AccountService(IIdentityStore store, AccessKeyService accessKeys, ServiceSettings settings, TimeProvider clock)
{
    public Task EnsureAccountAsync(string accountId, CancellationToken cancellationToken) =>
        store.TryCreateAccountAsync(new AccountRecord(accountId, clock.GetUtcNow()), cancellationToken);

    /// <summary>Creates an account (a random ID when none is given) and an access key of its root.</summary>
    public async Task<(string AccountId, GeneratedCredentials Credentials)> CreateAccountAsync(string? accountId, CancellationToken cancellationToken)
    {
        accountId ??= string.Concat(Enumerable.Range(0, 12).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
        if (!AccountIdPattern().IsMatch(accountId))
        {
            throw new ArgumentException($"'{accountId}' is not an account ID: it must be 12 digits.", nameof(accountId));
        }

        if (!await store.TryCreateAccountAsync(new AccountRecord(accountId, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Account {accountId} already exists.");
        }

        var credentials = await accessKeys.CreateAsync(Principal.AccountRoot(settings.Partition, accountId, null), cancellationToken).ConfigureAwait(false);
        return (accountId, credentials);
    }

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();
}
