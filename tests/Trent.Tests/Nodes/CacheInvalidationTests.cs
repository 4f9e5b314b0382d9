using Amazon.KeyManagementService.Model;
using Npgsql;
using Trent.Server;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Nodes.NodeAssertions;

namespace Trent.Tests.Nodes;

/// <summary>
/// Several nodes on one PostgreSQL database, through the AWS SDK: what one node commits evicts every node's caches
/// (announced with LISTEN/NOTIFY), far sooner than their time to live, which these tests set to ten minutes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CacheInvalidationTests(PostgresCluster cluster)
{
    private static readonly TimeSpan LongLived = TimeSpan.FromMinutes(10);

    private static void LongCaches(TrentServerOptions options)
    {
        options.KeyCacheTimeToLive = LongLived;
        options.AccessKeyCacheTimeToLive = LongLived;
    }

    [Fact]
    public async Task Key_state_alias_and_key_policy_changes_through_one_node_evict_every_other_nodes_cache()
    {
        await using var nodes = await TrentNodes.StartAsync(cluster, 3, LongCaches);
        using var a = nodes[0].Client();
        using var b = nodes[1].Client();
        using var c = nodes[2].Client();
        var keyId = (await a.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await a.CreateAliasAsync("alias/moving", keyId);
        // Cached on b and c.
        Assert.EndsWith(keyId, (await EncryptAsync(b, "alias/moving")).KeyId, StringComparison.Ordinal);
        Assert.EndsWith(keyId, (await EncryptAsync(c, "alias/moving")).KeyId, StringComparison.Ordinal);

        await a.DisableKeyAsync(keyId);
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(b, keyId) == "DisabledException", "a disabled key on node b");
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(c, "alias/moving") == "DisabledException", "a disabled key on node c");

        var other = (await a.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await a.UpdateAliasAsync(new UpdateAliasRequest { AliasName = "alias/moving", TargetKeyId = other });
        await WithinAsync(AnnouncementBound, async () => (await EncryptAsync(b, "alias/moving")).KeyId.EndsWith(other, StringComparison.Ordinal), "a moved alias on node b");

        Assert.Null(await EncryptErrorAsync(c, other));
        var root = $"arn:{TestTrent.Partition}:iam::{TestTrent.AccountId}:root";
        await a.PutKeyPolicyAsync(new PutKeyPolicyRequest
        {
            KeyId = other,
            Policy = $$"""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Principal":{"AWS":"{{root}}"},"Action":"kms:*","Resource":"*"},
                  {"Effect":"Deny","Principal":{"AWS":"{{root}}"},"Action":"kms:Encrypt","Resource":"*"}]}
                """,
        });
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(c, other) == "AccessDeniedException", "a key policy change on node c");
    }

    [Fact]
    public async Task Identity_policies_grants_and_access_keys_changed_through_one_node_take_effect_on_the_others()
    {
        await using var nodes = await TrentNodes.StartAsync(cluster, 2, LongCaches);
        using var adminA = nodes[0].Client();
        using var iam = IamClient.Admin(nodes[0]);
        var keyId = (await adminA.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var (arn, accessKeyId, secret) = await iam.CreateUserWithKeyAsync(
            "roaming", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}""");
        using var userB = nodes[1].Client(accessKeyId, secret);
        Assert.Null(await EncryptErrorAsync(userB, keyId)); // identity and signing key cached on b

        await iam.CallAsync("DeleteUserPolicy", ("UserName", "roaming"), ("PolicyName", "inline"));
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(userB, keyId) == "AccessDeniedException", "a removed identity policy on node b");

        var grantId = (await adminA.CreateGrantAsync(new CreateGrantRequest { KeyId = keyId, GranteePrincipal = arn, Operations = ["Encrypt"] })).GrantId;
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(userB, keyId) is null, "a grant on node b");
        await adminA.RevokeGrantAsync(new RevokeGrantRequest { KeyId = keyId, GrantId = grantId });
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(userB, keyId) == "AccessDeniedException", "a revoked grant on node b");

        await iam.CallAsync("DeleteAccessKey", ("UserName", "roaming"), ("AccessKeyId", accessKeyId));
        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(userB, keyId) == "UnrecognizedClientException", "a deleted access key on node b");
    }

    [Fact]
    public async Task A_node_that_lost_its_listening_connection_clears_every_cache_when_it_listens_again()
    {
        await using var nodes = await TrentNodes.StartAsync(cluster, 1, LongCaches);
        using var kms = nodes[0].Client();
        var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        Assert.Null(await EncryptErrorAsync(kms, keyId));

        await using var connection = new NpgsqlConnection(nodes.ConnectionString);
        await connection.OpenAsync();
        // A change whose announcement is lost: triggers do not fire in replica mode.
        await using (var missed = new NpgsqlCommand(
            "SET session_replication_role = replica; UPDATE keys SET key_state = 'Disabled' WHERE key_id = @k; SET session_replication_role = origin", connection))
        {
            missed.Parameters.AddWithValue("k", keyId);
            await missed.ExecuteNonQueryAsync();
        }

        await Task.Delay(500);
        Assert.Null(await EncryptErrorAsync(kms, keyId)); // still served from the cache: nothing announced it

        await using (var cut = new NpgsqlCommand(
            $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{Trent.Storage.Postgres.PostgresChangeListener.ApplicationName}' AND datname = current_database()",
            connection))
        {
            Assert.Equal(1L, (long)(await cut.ExecuteScalarAsync())!);
        }

        await WithinAsync(AnnouncementBound, async () => await EncryptErrorAsync(kms, keyId) == "DisabledException", "a missed change after listening resumed");
    }

    [Fact]
    public async Task A_node_whose_root_of_trust_cannot_unwrap_the_shared_domain_keys_refuses_to_start()
    {
        await using var nodes = await TrentNodes.StartAsync(cluster, 1);
        var otherRoot = TrentNodes.NewRootKeyFile();
        try
        {
            var error = await Assert.ThrowsAsync<StartupException>(() => TestTrent.StartAsync(configure: o =>
            {
                nodes.Configure(o, "node-with-another-root");
                o.RootKeyFile = otherRoot;
            }));
            Assert.Contains("cannot unwrap", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            Assert.Equal(StartupFailure.Environment, error.Failure);
        }
        finally
        {
            File.Delete(otherRoot);
        }

        // The node sharing the root still serves.
        using var kms = nodes[0].Client();
        await kms.CreateKeyAsync(new CreateKeyRequest());
    }
}
