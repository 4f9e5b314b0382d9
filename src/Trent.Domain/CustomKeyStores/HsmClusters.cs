using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Trent.Crypto.Pkcs11;

namespace Trent.Domain.CustomKeyStores;

/// <summary>One HSM "cluster" an operator declared: AWS's cluster ID for a PKCS#11 token (module and token label).</summary>
/// <param name="TrustAnchor">The cluster's trust anchor certificate (AWS's customerCA.crt), when the operator declared
/// one: a store is created for the cluster only with that certificate.</param>
public sealed record HsmCluster(string ClusterId, Pkcs11TokenAddress Token, X509Certificate2? TrustAnchor = null);

/// <summary>
/// The HSM clusters of this server's configuration, by cluster ID. They are settings, not data: every node of a
/// shared store must declare the same clusters (a store names its cluster by ID).
/// </summary>
public sealed partial class HsmClusters
{
    private readonly Dictionary<string, HsmCluster> _clusters = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">An ID not of AWS's form, declared twice, or a cluster without module or token label.</exception>
    public HsmClusters(IEnumerable<HsmCluster> clusters)
    {
        foreach (var cluster in clusters)
        {
            if (!ClusterIdPattern().IsMatch(cluster.ClusterId))
            {
                throw new ArgumentException($"HSM cluster ID '{cluster.ClusterId}' is not of the form cluster- followed by 11 lowercase letters a-z or digits 2-7.");
            }

            if (string.IsNullOrWhiteSpace(cluster.Token.ModulePath) || string.IsNullOrWhiteSpace(cluster.Token.TokenLabel))
            {
                throw new ArgumentException($"HSM cluster {cluster.ClusterId} needs a PKCS#11 module path and a token label.");
            }

            if (!_clusters.TryAdd(cluster.ClusterId, cluster))
            {
                throw new ArgumentException($"HSM cluster {cluster.ClusterId} is declared twice.");
            }
        }
    }

    public static HsmClusters None { get; } = new([]);

    public HsmCluster? Find(string clusterId) => _clusters.GetValueOrDefault(clusterId);

    [GeneratedRegex("^cluster-[a-z2-7]{11}$")]
    private static partial Regex ClusterIdPattern();
}
