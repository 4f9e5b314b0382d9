using Trent.Domain.Auth;

namespace Trent.Domain.Storage;

/// <summary>Durable storage of access keys (secrets sealed).</summary>
public interface ICredentialStore
{
    Task<AccessKeyRecord?> GetAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an access key.</summary>
    Task PutAccessKeyAsync(AccessKeyRecord record, CancellationToken cancellationToken);

    /// <summary>Adds the access key only while the store holds none at all; false (nothing added) otherwise. Atomic across
    /// nodes: of several nodes bootstrapping one empty store at once, exactly one adds its administrator.</summary>
    Task<bool> TryAddFirstAccessKeyAsync(AccessKeyRecord record, CancellationToken cancellationToken);

    Task<int> CountAccessKeysAsync(CancellationToken cancellationToken);

    /// <summary>The access keys of one principal, oldest first.</summary>
    Task<IReadOnlyList<AccessKeyRecord>> ListAccessKeysAsync(string principalArn, CancellationToken cancellationToken);

    Task<bool> DeleteAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);

    /// <summary>Every access key in access key ID order, a page after <paramref name="afterAccessKeyId"/> (re-sealing walks them).</summary>
    Task<IReadOnlyList<AccessKeyRecord>> ListAllAccessKeysAsync(string? afterAccessKeyId, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces a sealed secret only while it is still <paramref name="expected"/>; false when it changed or is gone.</summary>
    Task<bool> TryReplaceSealedSecretAsync(string accessKeyId, byte[] expected, byte[] replacement, CancellationToken cancellationToken);
}
