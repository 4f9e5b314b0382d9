using System.Security.Cryptography;
using Trent.Crypto.Pkcs11;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Paging;
using Trent.Domain.Storage;

namespace Trent.Domain.CustomKeyStores;

/// <summary>
/// CreateCustomKeyStore, DescribeCustomKeyStores, UpdateCustomKeyStore, ConnectCustomKeyStore,
/// DisconnectCustomKeyStore and DeleteCustomKeyStore for AWS_CLOUDHSM stores backed by configured PKCS#11 tokens.
/// Stores belong to an account and Region, like keys; the actions are authorized by identity policies only, as
/// AWS's (a custom key store has no resource policy). Connecting logs in to the token within the request, so
/// CONNECTING and DISCONNECTING are never observed: the outcome is CONNECTED, or FAILED with a ConnectionErrorCode.
/// </summary>
public sealed class CustomKeyStoreService(
    ICustomKeyStoreStore stores, IKeyStore keys, HsmClusters clusters, CustomKeyStoreConnections connections, IAuthorizer authorizer, TimeProvider clock)
{
    public const string CloudHsmType = "AWS_CLOUDHSM";
    public const int MaxStoresPerRegion = 10;
    private const string ListName = "custom-key-stores";

    public async Task<string> CreateAsync(
        RequestContext context, string name, string? clusterId, string? trustAnchorCertificate, string? password, string? type,
        CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeAsync(context, "kms:CreateCustomKeyStore", key: null, cancellationToken).ConfigureAwait(false);
        if (type is not null and not CloudHsmType)
        {
            throw KmsErrors.Unsupported("External key stores (EXTERNAL_KEY_STORE) are not supported by this Trent server.");
        }

        if (clusterId is null || trustAnchorCertificate is null || password is null)
        {
            throw KmsErrors.Validation("CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword are required for a custom key store of type AWS_CLOUDHSM.");
        }

        TrustAnchors.Require(RequireCluster(clusterId), trustAnchorCertificate);
        var accountId = context.Caller.AccountId;
        var region = context.Region.Name;
        if ((await stores.ListAsync(accountId, region, null, MaxStoresPerRegion, cancellationToken).ConfigureAwait(false)).Count >= MaxStoresPerRegion)
        {
            throw KmsErrors.LimitExceeded($"An account can have at most {MaxStoresPerRegion} custom key stores in each Region.");
        }

        var id = "cks-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17];
        var store = new CustomKeyStoreRecord(
            accountId, region, id, name, clusterId, trustAnchorCertificate, connections.SealPassword(accountId, region, id, password),
            ConnectionStates.Disconnected, null, clock.GetUtcNow(), 1);
        switch (await stores.TryCreateAsync(store, cancellationToken).ConfigureAwait(false))
        {
            case CustomKeyStoreWrite.NameTaken:
                throw NameInUse(name);
            case CustomKeyStoreWrite.ClusterInUse:
                throw ClusterInUse(clusterId);
        }

        context.AddResource(Arn(context, id));
        return id;
    }

    public async Task<Page<CustomKeyStoreRecord>> DescribeAsync(
        RequestContext context, string? id, string? name, int limit, string? marker, CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeAsync(context, "kms:DescribeCustomKeyStores", key: null, cancellationToken).ConfigureAwait(false);
        var accountId = context.Caller.AccountId;
        var region = context.Region.Name;
        if (id is not null || name is not null)
        {
            if (id is not null && name is not null)
            {
                throw KmsErrors.Validation("Specify either CustomKeyStoreId or CustomKeyStoreName, not both.");
            }

            var store = (id is not null
                    ? await stores.GetAsync(accountId, region, id, cancellationToken).ConfigureAwait(false)
                    : await stores.GetByNameAsync(accountId, region, name!, cancellationToken).ConfigureAwait(false))
                ?? throw NotFound(id ?? name!);
            return new Page<CustomKeyStoreRecord>([store], null);
        }

        var after = PageMarker.Decode(ListName, marker, item => item.StartsWith("cks-", StringComparison.Ordinal));
        var page = await stores.ListAsync(accountId, region, after, limit + 1, cancellationToken).ConfigureAwait(false);
        return page.Count > limit
            ? new Page<CustomKeyStoreRecord>([.. page.Take(limit)], PageMarker.Encode(ListName, page[limit - 1].CustomKeyStoreId))
            : new Page<CustomKeyStoreRecord>(page, null);
    }

    /// <summary>The name can change in any state; the password and the cluster only while the store is DISCONNECTED, as AWS.</summary>
    public async Task UpdateAsync(
        RequestContext context, string id, string? newName, string? password, string? clusterId, CancellationToken cancellationToken)
    {
        var store = await GetAsync(context, id, "kms:UpdateCustomKeyStore", cancellationToken).ConfigureAwait(false);
        if ((password is not null || clusterId is not null) && store.ConnectionState != ConnectionStates.Disconnected)
        {
            throw InvalidState($"Custom key store {id} must be disconnected to change its KeyStorePassword or CloudHsmClusterId; its ConnectionState is {store.ConnectionState}.");
        }

        if (clusterId is not null)
        {
            RequireCluster(clusterId);
        }

        var updated = store with
        {
            CustomKeyStoreName = newName ?? store.CustomKeyStoreName,
            CloudHsmClusterId = clusterId ?? store.CloudHsmClusterId,
            SealedPassword = password is null ? store.SealedPassword : connections.SealPassword(store.AccountId, store.Region, id, password),
            RowVersion = store.RowVersion + 1,
        };
        switch (await stores.TryUpdateAsync(updated, store.RowVersion, cancellationToken).ConfigureAwait(false))
        {
            case CustomKeyStoreWrite.NameTaken:
                throw NameInUse(updated.CustomKeyStoreName);
            case CustomKeyStoreWrite.ClusterInUse:
                throw ClusterInUse(updated.CloudHsmClusterId);
            case CustomKeyStoreWrite.Changed:
                throw Concurrent(id);
        }
    }

    /// <summary>Logs in to the token. A refusal is not an error of the request (AWS connects asynchronously): the
    /// store becomes FAILED with the ConnectionErrorCode closest to the cause.</summary>
    public async Task ConnectAsync(RequestContext context, string id, CancellationToken cancellationToken)
    {
        var store = await GetAsync(context, id, "kms:ConnectCustomKeyStore", cancellationToken).ConfigureAwait(false);
        if (store.ConnectionState is ConnectionStates.Failed or ConnectionStates.Disconnecting)
        {
            throw InvalidState($"Custom key store {id} is {store.ConnectionState}: ConnectCustomKeyStore is valid only when it is not DISCONNECTING or FAILED (disconnect a FAILED store first).");
        }

        string state = ConnectionStates.Connected;
        string? errorCode = null;
        try
        {
            connections.Connect(store);
        }
        catch (Pkcs11TokenException e)
        {
            state = ConnectionStates.Failed;
            errorCode = ConnectionErrorCode(e.Failure);
        }

        if (store.ConnectionState == state && store.ConnectionErrorCode == errorCode)
        {
            return;
        }

        var updated = store with { ConnectionState = state, ConnectionErrorCode = errorCode, RowVersion = store.RowVersion + 1 };
        if (await stores.TryUpdateAsync(updated, store.RowVersion, cancellationToken).ConfigureAwait(false) != CustomKeyStoreWrite.Done)
        {
            connections.Disconnect(id);
            throw Concurrent(id);
        }
    }

    public async Task DisconnectAsync(RequestContext context, string id, CancellationToken cancellationToken)
    {
        var store = await GetAsync(context, id, "kms:DisconnectCustomKeyStore", cancellationToken).ConfigureAwait(false);
        if (store.ConnectionState is ConnectionStates.Disconnected or ConnectionStates.Disconnecting)
        {
            throw InvalidState($"Custom key store {id} is {store.ConnectionState}: DisconnectCustomKeyStore is valid only when it is not DISCONNECTED or DISCONNECTING.");
        }

        var updated = store with { ConnectionState = ConnectionStates.Disconnected, ConnectionErrorCode = null, RowVersion = store.RowVersion + 1 };
        if (await stores.TryUpdateAsync(updated, store.RowVersion, cancellationToken).ConfigureAwait(false) != CustomKeyStoreWrite.Done)
        {
            throw Concurrent(id);
        }

        connections.Disconnect(id);
    }

    /// <summary>Only a DISCONNECTED store without keys (in any state) can be deleted, as AWS.</summary>
    public async Task DeleteAsync(RequestContext context, string id, CancellationToken cancellationToken)
    {
        var store = await GetAsync(context, id, "kms:DeleteCustomKeyStore", cancellationToken).ConfigureAwait(false);
        if (store.ConnectionState != ConnectionStates.Disconnected)
        {
            throw InvalidState($"Custom key store {id} is {store.ConnectionState}: DeleteCustomKeyStore is valid only when it is DISCONNECTED.");
        }

        if (await keys.AnyKeyInCustomKeyStoreAsync(id, cancellationToken).ConfigureAwait(false))
        {
            throw new KmsException(KmsErrorCode.CustomKeyStoreHasCMKs,
                $"Custom key store {id} still has KMS keys: schedule their deletion and wait until they are deleted before deleting the store.");
        }

        if (!await stores.TryDeleteAsync(store.AccountId, store.Region, id, store.RowVersion, cancellationToken).ConfigureAwait(false))
        {
            throw Concurrent(id);
        }
    }

    /// <summary>
    /// AWS's ConnectionErrorCode for why a token could not be used. A token that is absent is the cluster not being
    /// found (the token is the cluster); a module that cannot be loaded or a token that stopped answering is the
    /// path to the HSM failing, AWS's NETWORK_ERRORS; what is left is INTERNAL_ERROR.
    /// </summary>
    public static string ConnectionErrorCode(Pkcs11Failure failure) => failure switch
    {
        Pkcs11Failure.InvalidCredentials => "INVALID_CREDENTIALS",
        Pkcs11Failure.UserLockedOut => "USER_LOCKED_OUT",
        Pkcs11Failure.TokenNotFound => "CLUSTER_NOT_FOUND",
        Pkcs11Failure.ModuleUnavailable or Pkcs11Failure.TokenUnavailable => "NETWORK_ERRORS",
        _ => "INTERNAL_ERROR",
    };

    /// <summary>Generates a key's AES-256 material inside the token of a CONNECTED store of the caller's account and Region.</summary>
    /// <returns>The token, to destroy the object again if the key cannot be stored.</returns>
    public async Task<Pkcs11Token> GenerateKeyAsync(RequestContext context, string id, string label, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(context.Caller.AccountId, context.Region.Name, id, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(id);
        if (store.ConnectionState != ConnectionStates.Connected)
        {
            throw InvalidState($"Custom key store {id} is {store.ConnectionState}: KMS keys can be created only in a CONNECTED custom key store.");
        }

        try
        {
            connections.Connect(store); // after a restart, or on another node: the store is CONNECTED, this process not yet
            var token = connections.Find(id) ?? throw InvalidState($"Custom key store {id} was disconnected meanwhile.");
            await token.RunAsync(session => Pkcs11AesKeys.Generate(session, label), cancellationToken).ConfigureAwait(false);
            return token;
        }
        catch (Pkcs11TokenException e)
        {
            throw new KmsException(KmsErrorCode.KMSInternal, $"The HSM of custom key store {id} could not generate the key: {e.Failure}.");
        }
    }

    /// <summary>
    /// Once a key in a store is deleted, its token object goes too, best effort as AWS: the store must be CONNECTED
    /// (this process logs in if it has not yet); otherwise the object stays in the token, orphaned, for an operator.
    /// </summary>
    public async Task DestroyKeyMaterialAsync(Keys.KeyRecord key, CancellationToken cancellationToken)
    {
        if (key.CustomKeyStoreId is not { } id
            || await stores.GetAsync(key.AccountId, key.Region, id, cancellationToken).ConfigureAwait(false) is not { ConnectionState: ConnectionStates.Connected } store)
        {
            return;
        }

        try
        {
            connections.Connect(store);
        }
        catch (Pkcs11TokenException)
        {
            return;
        }

        if (connections.Find(id) is { } token)
        {
            DestroyQuietly(token, key.Arn);
        }
    }

    /// <summary>The cluster of a key's custom key store (KeyMetadata's CloudHsmClusterId), or null.</summary>
    public async Task<string?> ClusterIdOfAsync(Keys.KeyRecord key, CancellationToken cancellationToken) =>
        key.CustomKeyStoreId is { } id
            ? (await stores.GetAsync(key.AccountId, key.Region, id, cancellationToken).ConfigureAwait(false))?.CloudHsmClusterId
            : null;

    /// <summary>Removes a key's token object (deletion completed, or a create that failed); a token that is gone is left alone.</summary>
    public static void DestroyQuietly(Pkcs11Token token, string label)
    {
        try
        {
            token.ForgetKey(label);
            token.Run(session => Pkcs11AesKeys.Destroy(session, label));
        }
        catch (Exception e) when (e is Pkcs11TokenException or ObjectDisposedException)
        {
            // Nothing more to do here: the token is unavailable.
        }
    }

    private async Task<CustomKeyStoreRecord> GetAsync(RequestContext context, string id, string action, CancellationToken cancellationToken)
    {
        await authorizer.AuthorizeAsync(context, action, key: null, cancellationToken).ConfigureAwait(false);
        var store = await stores.GetAsync(context.Caller.AccountId, context.Region.Name, id, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(id);
        context.AddResource(Arn(context, id));
        return store;
    }

    private HsmCluster RequireCluster(string clusterId) =>
        clusters.Find(clusterId) ?? throw new KmsException(KmsErrorCode.CloudHsmClusterNotFound, $"Cluster {clusterId} not found.");

    private static string Arn(RequestContext context, string id) =>
        $"arn:{context.Region.Partition}:kms:{context.Region.Name}:{context.Caller.AccountId}:custom-key-store/{id}";

    private static KmsException NotFound(string idOrName) =>
        new(KmsErrorCode.CustomKeyStoreNotFound, $"Custom key store {idOrName} does not exist.");

    private static KmsException NameInUse(string name) =>
        new(KmsErrorCode.CustomKeyStoreNameInUse, $"A custom key store named {name} already exists in this account and Region.");

    private static KmsException ClusterInUse(string clusterId) =>
        new(KmsErrorCode.CloudHsmClusterInUse, $"Cluster {clusterId} is already associated with a custom key store.");

    private static KmsException InvalidState(string message) => new(KmsErrorCode.CustomKeyStoreInvalidState, message);

    private static KmsException Concurrent(string id) =>
        new(KmsErrorCode.Conflict, $"Custom key store {id} was changed by a concurrent request; retry.");
}
