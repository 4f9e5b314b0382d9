namespace Trent.Domain.Storage;

/// <summary>
/// Empties a development server's store (<c>trent serve --dev</c>, <c>POST /_trent/reset</c>) so that each test
/// starts from nothing. Never wired outside the development profile.
/// </summary>
public interface IStateReset
{
    /// <summary>
    /// In one transaction, removes every key (with its key materials), alias, grant, IAM user, role and inline policy,
    /// every account but <paramref name="keepAccountId"/> and every access key but <paramref name="keepAccessKeyId"/>.
    /// The key hierarchy (wrapped domain keys, markers) stays: it is how the kept access key's secret unseals.
    /// Returns how many of each were removed.
    /// </summary>
    Task<StateResetCounts> ResetAsync(string keepAccountId, string keepAccessKeyId, CancellationToken cancellationToken);
}

/// <summary>What a reset removed.</summary>
public sealed record StateResetCounts(int Keys, int Aliases, int Grants, int Users, int Roles, int Accounts, int AccessKeys)
{
    /// <summary>The statements of a reset, in order, each named by the count it yields (null: not counted). The same
    /// SQL on every store: parameters <c>@account</c> and <c>@accessKey</c>.</summary>
    public static readonly IReadOnlyList<(string? Count, string Sql)> Statements =
    [
        (nameof(Grants), "DELETE FROM grants"),
        (nameof(Aliases), "DELETE FROM aliases"),
        (null, "DELETE FROM key_materials"),
        (nameof(Keys), "DELETE FROM keys"),
        // The stores' records (their token objects stay in the operator's token, as after a scheduled deletion of a disconnected store's key).
        (null, "DELETE FROM custom_key_stores"),
        (null, "DELETE FROM iam_inline_policies"),
        (nameof(Users), "DELETE FROM iam_users"),
        (nameof(Roles), "DELETE FROM iam_roles"),
        (nameof(AccessKeys), "DELETE FROM access_keys WHERE access_key_id <> @accessKey"),
        (nameof(Accounts), "DELETE FROM accounts WHERE account_id <> @account"),
    ];

    /// <summary>The counts from the rows each of <see cref="Statements"/> removed.</summary>
    public static StateResetCounts From(IReadOnlyDictionary<string, int> removed) =>
        new(removed[nameof(Keys)], removed[nameof(Aliases)], removed[nameof(Grants)], removed[nameof(Users)], removed[nameof(Roles)],
            removed[nameof(Accounts)], removed[nameof(AccessKeys)]);
}
