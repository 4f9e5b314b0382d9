namespace Trent.Domain.Regions;

/// <summary>An AWS Region and the partition it belongs to (what its ARNs carry: <c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>).</summary>
public sealed record AwsRegion(string Name, string Partition)
{
    public override string ToString() => Name;
}
