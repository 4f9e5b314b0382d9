using Trent.Domain.Policies.Language;

namespace Trent.Domain.Auth;

/// <summary>A caller's IAM side: its identity policies (compiled) and its tags (aws:PrincipalTag/*).
/// <see cref="Exists"/> is false for a user or role that has been deleted since the credentials were issued.</summary>
public sealed record CallerIdentity(IReadOnlyList<PolicyDocument> Policies, IReadOnlyDictionary<string, string> Tags, bool Exists)
{
    public static CallerIdentity Missing { get; } = new([], new Dictionary<string, string>(), Exists: false);
}
