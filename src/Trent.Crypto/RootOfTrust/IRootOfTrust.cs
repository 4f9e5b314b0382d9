namespace Trent.Crypto.RootOfTrust;

/// <summary>
/// The root of a key hierarchy. It only wraps and unwraps domain keys, which then seal everything else;
/// it never hands out its own key bytes, so an HSM-held root can stay inside its token.
/// Calls are rare (at start and on domain-key rotation), never per request.
/// </summary>
public interface IRootOfTrust : IDisposable
{
    /// <summary>Where the root lives, for logs and errors (never key material or a secret).</summary>
    string Description { get; }

    /// <summary>Encrypts <paramref name="key"/>, binding <paramref name="associatedData"/>; the result is self-describing.</summary>
    byte[] Wrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData);

    /// <summary>Recovers a wrapped key into <paramref name="destination"/> (exactly the key's length).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// Wrapped under another root, tampered with, or bound to other associated data.</exception>
    void Unwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData, Span<byte> destination);
}

/// <summary>The root of trust cannot be opened (missing, wrong credentials, token absent); the message is one line for the operator.</summary>
public sealed class RootOfTrustUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
