using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Trent.Crypto.Pkcs11;
using Trent.Crypto.Sealing;

namespace Trent.Domain.CustomKeyStores;

/// <summary>
/// The tokens this process is logged in to, one per connected custom key store. Connecting unseals the token
/// user's PIN only for the login (the token keeps its own pinned copy to log in again after the token came back).
/// </summary>
public sealed class CustomKeyStoreConnections(HsmClusters clusters, Sealer sealer, TimeProvider clock) : IDisposable
{
    /// <summary>How long this node uses a token before it reads its store's state again: the bound on how long a store
    /// that another node disconnected (or deleted) keeps serving here.</summary>
    public static readonly TimeSpan StateRecheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Pkcs11Token> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _stateReadAt = new(StringComparer.Ordinal);

    /// <summary>The associated data that binds a sealed password to its store (a copy on another row does not unseal).</summary>
    public static byte[] PasswordBinding(string accountId, string region, string customKeyStoreId) =>
        Encoding.UTF8.GetBytes($"trent:custom-key-store-password:{accountId}:{region}:{customKeyStoreId}");

    public byte[] SealPassword(string accountId, string region, string customKeyStoreId, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return sealer.Seal(bytes, PasswordBinding(accountId, region, customKeyStoreId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Logs in to the store's token (a store already connected in this process stays as it is).</summary>
    /// <exception cref="Pkcs11TokenException">The cluster is not configured here, or the token refused or is absent.</exception>
    public void Connect(CustomKeyStoreRecord store)
    {
        lock (_gate)
        {
            if (_tokens.ContainsKey(store.CustomKeyStoreId))
            {
                return;
            }
        }

        var cluster = clusters.Find(store.CloudHsmClusterId)
            ?? throw new Pkcs11TokenException(Pkcs11Failure.TokenNotFound, $"HSM cluster {store.CloudHsmClusterId} is not configured on this server.");
        var pin = GC.AllocateArray<byte>(Sealer.PlaintextLength(store.SealedPassword), pinned: true);
        var chars = GC.AllocateArray<char>(pin.Length, pinned: true);
        try
        {
            sealer.Unseal(store.SealedPassword, PasswordBinding(store.AccountId, store.Region, store.CustomKeyStoreId), pin);
            var length = Encoding.UTF8.GetChars(pin, chars);
            var token = Pkcs11Token.Open(cluster.Token, chars.AsSpan(0, length));
            lock (_gate)
            {
                if (!_tokens.TryAdd(store.CustomKeyStoreId, token))
                {
                    token.Dispose(); // a concurrent connect won
                }

                _stateReadAt[store.CustomKeyStoreId] = clock.GetTimestamp(); // the caller just read the store as CONNECTED
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
            CryptographicOperations.ZeroMemory(MemoryMarshalBytes(chars));
        }
    }

    /// <summary>The token of a store connected in this process, or null.</summary>
    public Pkcs11Token? Find(string customKeyStoreId)
    {
        lock (_gate)
        {
            return _tokens.GetValueOrDefault(customKeyStoreId);
        }
    }

    /// <summary>
    /// Whether the caller should read the store's state again before using its token: true once per
    /// <see cref="StateRecheckInterval"/> and store, to one caller (the others go on meanwhile).
    /// </summary>
    public bool ClaimStateRecheck(string customKeyStoreId)
    {
        var now = clock.GetTimestamp();
        if (!_stateReadAt.TryGetValue(customKeyStoreId, out var readAt))
        {
            return _stateReadAt.TryAdd(customKeyStoreId, now);
        }

        return clock.GetElapsedTime(readAt, now) >= StateRecheckInterval && _stateReadAt.TryUpdate(customKeyStoreId, now, readAt);
    }

    /// <summary>The IDs of the stores connected in this process whose token still answers (for readiness).</summary>
    public IReadOnlyList<(string CustomKeyStoreId, bool Present)> Connected()
    {
        lock (_gate)
        {
            return [.. _tokens.Select(t => (t.Key, t.Value.IsPresent())).OrderBy(t => t.Key, StringComparer.Ordinal)];
        }
    }

    /// <summary>Logs out of the store's token, if this process is logged in to it.</summary>
    public void Disconnect(string customKeyStoreId)
    {
        Pkcs11Token? token;
        lock (_gate)
        {
            _tokens.Remove(customKeyStoreId, out token);
            _stateReadAt.TryRemove(customKeyStoreId, out _);
        }

        token?.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var token in _tokens.Values)
            {
                token.Dispose();
            }

            _tokens.Clear();
        }
    }

    private static Span<byte> MemoryMarshalBytes(char[] chars) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan());
}
