namespace Trent.Domain;

/// <summary>Where this Trent answers: its partition and Region, and the account new principals default to.</summary>
public sealed record ServiceSettings(string Partition, string Region, string DefaultAccountId)
{
    public static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";
}
