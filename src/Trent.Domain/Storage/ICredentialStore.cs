using Trent.Domain.Auth;

namespace Trent.Domain.Storage;

/// <summary>Durable storage of access keys (secrets sealed).</summary>
public interface ICredentialStore
{
    Task<AccessKeyRecord?> GetAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an access key.</summary>
    Task PutAccessKeyAsync(AccessKeyRecord record, CancellationToken cancellationToken);

    Task<int> CountAccessKeysAsync(CancellationToken cancellationToken);

    /// <summary>The access keys of one principal, oldest first.</summary>
    Task<IReadOnlyList<AccessKeyRecord>> ListAccessKeysAsync(string principalArn, CancellationToken cancellationToken);

    Task<bool> DeleteAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);
}
