namespace Trent.Domain.CustomKeyStores;

/// <summary>
/// An AWS_CLOUDHSM custom key store: a named binding of one account and Region to one configured HSM cluster
/// (a PKCS#11 token), with the token user's PIN sealed under the key hierarchy (bound to the store ID).
/// <see cref="RowVersion"/> grows with every write, so that concurrent changes (a connect racing a delete) are
/// seen rather than lost.
/// </summary>
public sealed record CustomKeyStoreRecord(
    string AccountId,
    string Region,
    string CustomKeyStoreId,
    string CustomKeyStoreName,
    string CloudHsmClusterId,
    string TrustAnchorCertificate,
    byte[] SealedPassword,
    string ConnectionState,
    string? ConnectionErrorCode,
    DateTimeOffset CreationDate,
    long RowVersion)
{
    /// <summary>Records are compared by value in tests: the sealed bytes by content.</summary>
    public bool Equals(CustomKeyStoreRecord? other) =>
        other is not null && AccountId == other.AccountId && Region == other.Region && CustomKeyStoreId == other.CustomKeyStoreId
        && CustomKeyStoreName == other.CustomKeyStoreName && CloudHsmClusterId == other.CloudHsmClusterId
        && TrustAnchorCertificate == other.TrustAnchorCertificate && SealedPassword.AsSpan().SequenceEqual(other.SealedPassword)
        && ConnectionState == other.ConnectionState && ConnectionErrorCode == other.ConnectionErrorCode
        && CreationDate == other.CreationDate && RowVersion == other.RowVersion;

    public override int GetHashCode() => HashCode.Combine(AccountId, Region, CustomKeyStoreId, RowVersion);
}

/// <summary>AWS's ConnectionState values.</summary>
public static class ConnectionStates
{
    public const string Connected = "CONNECTED";
    public const string Connecting = "CONNECTING";
    public const string Disconnected = "DISCONNECTED";
    public const string Disconnecting = "DISCONNECTING";
    public const string Failed = "FAILED";

    public static readonly IReadOnlyList<string> All = [Connected, Connecting, Disconnected, Disconnecting, Failed];
}
