namespace Trent.Crypto.Sealing;

/// <summary>
/// Supplies the 256-bit root key that seals every stored secret. The embedded default reads a local
/// file; a passphrase-derived or PKCS#11 provider can take its place without touching callers.
/// </summary>
public interface IRootKeyProvider
{
    /// <summary>A human-readable description of where the root key lives (never the key itself).</summary>
    string Description { get; }

    /// <summary>Loads (creating on first use where the provider allows it) and returns the root key.</summary>
    RootKey Load();
}
