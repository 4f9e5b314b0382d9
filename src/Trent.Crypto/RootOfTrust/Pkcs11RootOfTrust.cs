using System.Security.Cryptography;
using Trent.Crypto.Pkcs11;

namespace Trent.Crypto.RootOfTrust;

/// <summary>
/// A root of trust that is an AES-256 key inside a PKCS#11 token, generated there as sensitive and non-extractable:
/// domain keys are wrapped and unwrapped by AES-GCM in the token, so the root never exists outside it. The token is
/// used at start and on domain-key rotation only, never per request.
/// Wrapped layout: format (0x03) | IV (12) | ciphertext | tag (16); the format byte is bound into the associated data.
/// </summary>
public sealed class Pkcs11RootOfTrust : IRootOfTrust
{
    private const byte WrapFormat = 0x03;
    private readonly Pkcs11Token _token;
    private readonly string _keyLabel;

    private Pkcs11RootOfTrust(Pkcs11Token token, string keyLabel)
    {
        _token = token;
        _keyLabel = keyLabel;
    }

    public string Description => $"PKCS#11 key '{_keyLabel}' in {_token.Address}";

    /// <summary>Whether this open generated the key (the database held nothing sealed yet).</summary>
    public bool Created { get; private set; }

    /// <summary>Logs in to the token and finds the root key, generating it only when <paramref name="mayCreate"/>.</summary>
    /// <exception cref="RootOfTrustUnavailableException">Module, token or key missing; PIN refused; a key that could leave the token.</exception>
    public static Pkcs11RootOfTrust Open(Pkcs11TokenAddress address, ReadOnlySpan<char> pin, string keyLabel, bool mayCreate)
    {
        Pkcs11Token token;
        try
        {
            token = Pkcs11Token.Open(address, pin, maxSessions: 2);
        }
        catch (Pkcs11TokenException e)
        {
            throw new RootOfTrustUnavailableException(e.Message, e);
        }

        var root = new Pkcs11RootOfTrust(token, keyLabel);
        try
        {
            root.Created = token.Run(session =>
            {
                if (Pkcs11AesKeys.Find(session, keyLabel) is { } key)
                {
                    return Pkcs11AesKeys.IsProtected(session, key)
                        ? false
                        : throw new RootOfTrustUnavailableException(
                            $"The root key '{keyLabel}' in {address} is extractable or not sensitive; a root key must never leave its token (generate a new one only for a new database).");
                }

                if (!mayCreate)
                {
                    throw new RootOfTrustUnavailableException(
                        $"The root key '{keyLabel}' is not in {address}, but the database holds values sealed under it; restore the token (a new key would not open them).");
                }

                Pkcs11AesKeys.Generate(session, keyLabel);
                return true;
            });
            return root;
        }
        catch (Pkcs11TokenException e)
        {
            root.Dispose();
            throw new RootOfTrustUnavailableException(e.Message, e);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    public byte[] Wrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData)
    {
        var iv = RandomNumberGenerator.GetBytes(Pkcs11AesKeys.IvSize);
        var plaintext = key.ToArray();
        var aad = Bound(associatedData);
        try
        {
            var sealedKey = InToken(session => Pkcs11AesKeys.EncryptGcm(session, RootKey(session), iv, aad, plaintext));
            var wrapped = new byte[1 + iv.Length + sealedKey.Length];
            wrapped[0] = WrapFormat;
            iv.CopyTo(wrapped, 1);
            sealedKey.CopyTo(wrapped, 1 + iv.Length);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public void Unwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        if (wrapped.Length != 1 + Pkcs11AesKeys.IvSize + destination.Length + Pkcs11AesKeys.TagSize || wrapped[0] != WrapFormat)
        {
            throw new CryptographicException("The wrapped key is malformed.");
        }

        var iv = wrapped.Slice(1, Pkcs11AesKeys.IvSize).ToArray();
        var sealedKey = wrapped[(1 + Pkcs11AesKeys.IvSize)..].ToArray();
        var aad = Bound(associatedData);
        byte[] plaintext;
        try
        {
            plaintext = InToken(session => Pkcs11AesKeys.DecryptGcm(session, RootKey(session), iv, aad, sealedKey));
        }
        catch (Pkcs11TokenException e) when (e.Failure == Pkcs11Failure.OperationFailed)
        {
            throw new CryptographicException("The token could not unwrap the key (another root key, tampered with, or other associated data).", e);
        }

        try
        {
            if (plaintext.Length != destination.Length)
            {
                throw new CryptographicException("The unwrapped key has the wrong length.");
            }

            plaintext.CopyTo(destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public void Dispose() => _token.Dispose();

    private static byte[] Bound(ReadOnlySpan<byte> associatedData)
    {
        var bound = new byte[1 + associatedData.Length];
        bound[0] = WrapFormat;
        associatedData.CopyTo(bound.AsSpan(1));
        return bound;
    }

    private Net.Pkcs11Interop.HighLevelAPI.IObjectHandle RootKey(Net.Pkcs11Interop.HighLevelAPI.ISession session) =>
        Pkcs11AesKeys.Find(session, _keyLabel)
        ?? throw new Pkcs11TokenException(Pkcs11Failure.KeyNotFound, $"The root key '{_keyLabel}' is no longer in {_token.Address}.");

    /// <summary>Runs in the token; a token that went away is the root being unavailable, not bad data.</summary>
    private T InToken<T>(Func<Net.Pkcs11Interop.HighLevelAPI.ISession, T> operation)
    {
        try
        {
            return _token.Run(operation);
        }
        catch (Pkcs11TokenException e) when (e.Failure != Pkcs11Failure.OperationFailed)
        {
            throw new RootOfTrustUnavailableException(e.Message, e);
        }
    }
}
