using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trent.Server.Startup;

/// <summary>The certificate of the https:// listeners, loaded before the start so that a bad one is one line, not a failed bind.</summary>
internal static class TlsCertificate
{
    public static X509Certificate2? Load(TrentServerOptions options, bool https)
    {
        if (options.TlsCertificate is null)
        {
            if (https)
            {
                throw new StartupException("--urls: an https:// URL needs a certificate: --tls-cert FILE (PEM with --tls-key FILE, or PKCS#12).");
            }

            return null;
        }

        var certificatePath = Path.GetFullPath(options.TlsCertificate);
        var keyPath = options.TlsKey is null ? null : Path.GetFullPath(options.TlsKey);
        foreach (var (path, setting) in new[] { (certificatePath, "--tls-cert"), (keyPath, "--tls-key") })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new StartupException($"{setting}: there is no file {path}.", StartupFailure.Environment);
            }
        }

        X509Certificate2 certificate;
        try
        {
            certificate = keyPath is not null
                ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password: null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var hint = keyPath is null ? " (without --tls-key it must be PKCS#12; a PEM certificate needs its key in --tls-key)" : string.Empty;
            throw new StartupException($"--tls-cert: cannot load the certificate {certificatePath}{hint}: {OneLine(e.Message)}", StartupFailure.Environment, e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new StartupException($"--tls-cert: {certificatePath} has no private key (give it in --tls-key, or use a PKCS#12 file with its key).", StartupFailure.Environment);
        }

        return certificate;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
