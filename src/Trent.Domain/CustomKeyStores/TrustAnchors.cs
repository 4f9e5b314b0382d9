using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trent.Domain.Errors;

namespace Trent.Domain.CustomKeyStores;

/// <summary>
/// CreateCustomKeyStore's TrustAnchorCertificate: AWS takes the cluster's customerCA.crt and refuses a certificate
/// that is not the cluster's (IncorrectTrustAnchorException). Here a cluster is a token, whose certificate the
/// operator may declare; the request's must then be that one, and in any case a PEM X.509 certificate.
/// </summary>
public static class TrustAnchors
{
    public static void Require(HsmCluster cluster, string pem)
    {
        using var given = Parse(pem) ?? throw Incorrect(cluster);
        if (cluster.TrustAnchor is { } expected && !given.RawDataMemory.Span.SequenceEqual(expected.RawDataMemory.Span))
        {
            throw Incorrect(cluster);
        }
    }

    /// <summary>The certificate of a PEM text, or null when it holds none.</summary>
    public static X509Certificate2? Parse(string pem)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static KmsException Incorrect(HsmCluster cluster) => new(
        KmsErrorCode.IncorrectTrustAnchor,
        $"The trust anchor certificate in the request is not the trust anchor certificate of cluster {cluster.ClusterId}.");
}
