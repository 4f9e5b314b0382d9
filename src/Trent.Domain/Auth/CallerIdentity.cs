using Trent.Domain.Policies.Language;

namespace Trent.Domain.Auth;

/// <summary>A caller's IAM side: its identity policies (compiled), its tags (aws:PrincipalTag/*) and the unique ID
/// (<c>AIDA…</c>, <c>AROA…</c>) of the user or role they were loaded for. <see cref="Exists"/> is false when the user
/// or role the credentials were issued for is gone, even if another of the same name has been created since.</summary>
public sealed record CallerIdentity(IReadOnlyList<PolicyDocument> Policies, IReadOnlyDictionary<string, string> Tags, bool Exists, string? UniqueId = null)
{
    public static CallerIdentity Missing { get; } = new([], new Dictionary<string, string>(), Exists: false);
}
