namespace Trent.Domain.Aliases;

/// <summary>An alias: a friendly name (<c>alias/…</c>) that points to one key of the same account and Region.</summary>
public sealed record AliasRecord(
    string AccountId,
    string Region,
    string AliasName,
    string TargetKeyId,
    DateTimeOffset CreationDate,
    DateTimeOffset LastUpdatedDate);
