using Trent.Domain.Regions;

namespace Trent.Domain;

/// <summary>
/// What holds for the whole server, not for one request: the Region and account that work outside any request
/// uses (the bootstrap administrator, CLI verbs), and the partition IAM identities are stored in. A request's
/// own Region is its credential scope, carried by its <see cref="Auth.RequestContext"/>.
/// </summary>
public sealed record ServiceSettings(AwsRegion DefaultRegion, string DefaultAccountId)
{
    /// <summary>The partition of <see cref="DefaultRegion"/>: stored IAM ARNs carry it (a request in another
    /// partition sees its caller in that partition, see <see cref="Auth.Principal.InPartition"/>).</summary>
    public string Partition => DefaultRegion.Partition;
}
