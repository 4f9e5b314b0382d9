using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Trent.Crypto.Sealing;
using Trent.Domain.Errors;
using Trent.Domain.Keys;

namespace Trent.Domain.Imports;

/// <summary>
/// The ImportToken of GetParametersForImport: the wrapping private key, the key it is for, the wrapping
/// algorithm and the expiry, sealed under the root key. It is authenticated, bound to one key, opaque to the
/// caller, and needs no server-side state, so any node can accept a token another node issued.
/// Layout before sealing: version (1) | valid-to ms (8, BE) | algorithm (1) | ARN length (2, BE) | ARN | PKCS#8.
/// </summary>
public sealed class ImportToken(Sealer sealer)
{
    private const byte Version = 1;
    private static readonly byte[] AssociatedData = "trent:import-token:v1"u8.ToArray();

    public byte[] Issue(string keyArn, WrappingAlgorithm algorithm, DateTimeOffset validTo, ReadOnlySpan<byte> privateKeyPkcs8)
    {
        var arn = Encoding.UTF8.GetBytes(keyArn);
        var payload = new byte[1 + 8 + 1 + 2 + arn.Length + privateKeyPkcs8.Length];
        try
        {
            payload[0] = Version;
            BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(1), validTo.ToUnixTimeMilliseconds());
            payload[9] = (byte)algorithm;
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(10), (ushort)arn.Length);
            arn.CopyTo(payload.AsSpan(12));
            privateKeyPkcs8.CopyTo(payload.AsSpan(12 + arn.Length));
            return sealer.Seal(payload, AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>Opens a token; the caller must wipe <see cref="Contents.PrivateKeyPkcs8"/>.</summary>
    public Contents Open(ReadOnlySpan<byte> token)
    {
        var payload = new byte[Math.Max(0, Sealer.PlaintextLength(token))];
        try
        {
            sealer.Unseal(token, AssociatedData, payload);
            if (payload.Length < 12 || payload[0] != Version)
            {
                throw Invalid();
            }

            var arnLength = BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(10));
            if (payload.Length < 12 + arnLength)
            {
                throw Invalid();
            }

            return new Contents(
                Encoding.UTF8.GetString(payload, 12, arnLength),
                (WrappingAlgorithm)payload[9],
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(1))),
                payload.AsSpan(12 + arnLength).ToArray());
        }
        catch (CryptographicException)
        {
            throw Invalid();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    private static KmsException Invalid() =>
        new(KmsErrorCode.InvalidImportToken, "The import token is not valid. Call GetParametersForImport for a new one.");

    public sealed record Contents(string KeyArn, WrappingAlgorithm Algorithm, DateTimeOffset ValidTo, byte[] PrivateKeyPkcs8);
}
