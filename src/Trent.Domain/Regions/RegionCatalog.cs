using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Trent.Domain.Regions;

/// <summary>
/// Every public AWS Region, with its partition: the one list Trent knows. A request's Region is its SigV4
/// credential scope, so a name that is not here is refused as an AWS endpoint refuses a scope it does not serve.
/// </summary>
public static class RegionCatalog
{
    private static readonly FrozenDictionary<string, AwsRegion> ByName = new[]
    {
        ("aws", new[]
        {
            "us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "af-south-1",
            "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ap-south-1", "ap-south-2",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
            "ca-central-1", "ca-west-1",
            "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
            "il-central-1",
            "me-central-1", "me-south-1",
            "mx-central-1",
            "sa-east-1",
        }),
        ("aws-cn", ["cn-north-1", "cn-northwest-1"]),
        ("aws-us-gov", ["us-gov-east-1", "us-gov-west-1"]),
    }
    .SelectMany(p => p.Item2.Select(name => new AwsRegion(name, p.Item1)))
    .ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>Every Region, in a stable order.</summary>
    public static IReadOnlyList<AwsRegion> All { get; } = [.. ByName.Values.OrderBy(r => r.Partition, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)];

    public static bool TryGet(string name, [NotNullWhen(true)] out AwsRegion? region) => ByName.TryGetValue(name, out region);

    /// <summary>The Region of that name; throws <see cref="ArgumentException"/> for a name AWS does not have.</summary>
    public static AwsRegion Get(string name) =>
        TryGet(name, out var region) ? region : throw new ArgumentException($"'{name}' is not an AWS Region.", nameof(name));
}

/// <summary>The Regions this server answers: every Region of the catalog unless configured otherwise.</summary>
public sealed class ServedRegions
{
    private readonly FrozenDictionary<string, AwsRegion> _served;

    /// <param name="names">The Regions to serve; null or empty for all of them.</param>
    public ServedRegions(IEnumerable<string>? names = null)
    {
        var list = names?.Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        All = list is { Count: > 0 } ? [.. list.Distinct(StringComparer.Ordinal).Select(RegionCatalog.Get)] : RegionCatalog.All;
        _served = All.ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<AwsRegion> All { get; }

    public bool TryGet(string name, [NotNullWhen(true)] out AwsRegion? region) => _served.TryGetValue(name, out region);
}
