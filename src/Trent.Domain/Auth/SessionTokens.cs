using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Trent.Crypto.Sealing;

namespace Trent.Domain.Auth;

/// <summary>
/// Temporary credentials of an assumed-role session. The session token is self-contained: the session's
/// identity, expiry and secret, sealed under the root key, so every node can verify it without a lookup
/// and nothing about sessions is stored.
/// </summary>
public sealed class SessionTokens(Sealer sealer, ServiceSettings settings, TimeProvider clock)
{
    private const string Prefix = "TRENT1";
    private static readonly byte[] AssociatedData = Encoding.UTF8.GetBytes("trent:session-token:v1");

    public SessionCredentials Issue(string accountId, string rolePath, string roleName, string roleId, string sessionName, TimeSpan duration)
    {
        var accessKeyId = "ASIA" + AccessKeyService.NewAccessKeyId()[4..];
        var secret = AccessKeyService.NewSecretAccessKey();
        var expiration = clock.GetUtcNow().Add(duration);
        var payload = string.Join('\n', accessKeyId, secret, accountId, roleName, roleId, sessionName, rolePath);
        var plain = Encoding.UTF8.GetBytes(payload);
        var buffer = new byte[8 + plain.Length];
        BinaryPrimitives.WriteInt64BigEndian(buffer, expiration.ToUnixTimeSeconds());
        plain.CopyTo(buffer, 8);
        try
        {
            var token = Prefix + Convert.ToBase64String(sealer.Seal(buffer, AssociatedData));
            return new SessionCredentials(accessKeyId, secret, token, DateTimeOffset.FromUnixTimeSeconds(expiration.ToUnixTimeSeconds()),
                Principal.Session(settings.Partition, accountId, rolePath, roleName, roleId, sessionName, accessKeyId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>The session a token carries, if it is genuine and for this access key; its expiry is the caller's to check.
    /// The caller must wipe <see cref="AccessKeySecret.Secret"/>.</summary>
    public (AccessKeySecret Credential, DateTimeOffset Expiration)? Open(string token, string accessKeyId)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 4096)
        {
            return null;
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(token[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return null;
        }

        var buffer = new byte[Sealer.PlaintextLength(sealedBytes)];
        try
        {
            sealer.Unseal(sealedBytes, AssociatedData, buffer);
        }
        catch (CryptographicException)
        {
            return null;
        }

        try
        {
            if (buffer.Length < 8)
            {
                return null;
            }

            var expiration = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(buffer));
            var parts = Encoding.UTF8.GetString(buffer, 8, buffer.Length - 8).Split('\n');
            // Seven fields since the role's path was added; older tokens (without it) are refused rather than guessed.
            if (parts.Length != 7 || !string.Equals(parts[0], accessKeyId, StringComparison.Ordinal))
            {
                return null;
            }

            var principal = Principal.Session(settings.Partition, parts[2], parts[6], parts[3], parts[4], parts[5], parts[0]);
            return (new AccessKeySecret(principal, Encoding.UTF8.GetBytes(parts[1])), expiration);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}

/// <summary>What AssumeRole hands out.</summary>
public sealed record SessionCredentials(
    string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration, Principal Principal);
