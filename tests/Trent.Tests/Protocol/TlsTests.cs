using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>With a certificate configured, Trent serves the KMS API over HTTPS.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task The_SDK_works_over_TLS_with_a_configured_PEM_certificate()
    {
        var directory = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(directory);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=trent-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(directory, "tls.crt");
        var keyPath = Path.Combine(directory, "tls.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());

        await using var trent = await TestTrent.StartAsync(configure: o =>
        {
            o.Urls = "https://127.0.0.1:0";
            o.TlsCertificate = certificatePath;
            o.TlsKey = keyPath;
        });
        Assert.StartsWith("https://", trent.Url, StringComparison.Ordinal);

        var config = TestTrent.Config(trent.Url);
        config.HttpClientFactory = new PinnedCertificateClientFactory(certificate.GetCertHashString(HashAlgorithmName.SHA256));
        using var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), config);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([5]) })).CiphertextBlob;
        Assert.Equal(new byte[] { 5 }, (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext.ToArray());
        TestTrent.TryDelete(directory);
    }

    /// <summary>Trusts exactly the test's self-signed certificate, nothing else.</summary>
    private sealed class PinnedCertificateClientFactory(string sha256Thumbprint) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == sha256Thumbprint,
        });
    }
}
