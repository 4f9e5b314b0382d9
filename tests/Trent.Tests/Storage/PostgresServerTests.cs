using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Npgsql;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Storage;

/// <summary>A whole server on the PostgreSQL store, through the AWS SDK, across a restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Keys_aliases_grants_and_users_made_through_the_API_live_in_PostgreSQL_across_a_restart()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var data = TestTrent.NewDataDirectory();
        var plaintext = Encoding.UTF8.GetBytes("kept in PostgreSQL");
        string keyId, grantId;
        byte[] ciphertext;
        try
        {
            await using (var trent = await TestTrent.StartAsync(data, configure: o => o.Store = connectionString))
            {
                using var kms = trent.Client();
                keyId = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "on postgres" })).KeyMetadata.KeyId;
                await kms.CreateAliasAsync("alias/on-postgres", keyId);
                ciphertext = (await kms.EncryptAsync(new EncryptRequest { KeyId = "alias/on-postgres", Plaintext = new MemoryStream(plaintext) })).CiphertextBlob.ToArray();
                var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) });
                Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
                grantId = (await kms.CreateGrantAsync(new CreateGrantRequest
                {
                    KeyId = keyId,
                    GranteePrincipal = $"arn:{TestTrent.Partition}:iam::{TestTrent.AccountId}:user/pg-user",
                    Operations = ["Decrypt"],
                })).GrantId;
                using var iam = IamClient.Admin(trent);
                await iam.CallAsync("CreateUser", ("UserName", "pg-user"));
            }

            // Nothing went to an embedded database; the rows are in PostgreSQL.
            Assert.False(File.Exists(Path.Combine(data, "trent.db")));
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var count = new NpgsqlCommand(
                    "SELECT (SELECT count(*) FROM keys WHERE key_id = @k), (SELECT count(*) FROM aliases WHERE target_key_id = @k), (SELECT count(*) FROM grants WHERE key_id = @k), (SELECT count(*) FROM iam_users WHERE user_name = 'pg-user')",
                    connection);
                count.Parameters.AddWithValue("k", keyId);
                await using var reader = await count.ExecuteReaderAsync();
                await reader.ReadAsync();
                Assert.Equal((1L, 1L, 1L, 1L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }

            await using (var restarted = await TestTrent.StartAsync(data, configure: o => o.Store = connectionString))
            {
                using var kms = restarted.Client();
                var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) });
                Assert.Equal(plaintext, decrypted.Plaintext.ToArray());
                Assert.Equal(keyId, decrypted.KeyId.Split('/')[^1]);
                var described = await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/on-postgres" });
                Assert.Equal("on postgres", described.KeyMetadata.Description);
                var grants = await kms.ListGrantsAsync(new ListGrantsRequest { KeyId = keyId });
                Assert.Equal(grantId, Assert.Single(grants.Grants).GrantId);
                using var iam = IamClient.Admin(restarted);
                var user = await iam.CallAsync("GetUser", ("UserName", "pg-user"));
                Assert.Contains("pg-user", user.ToString(), StringComparison.Ordinal);
                await Assert.ThrowsAsync<AlreadyExistsException>(() => kms.CreateAliasAsync("alias/on-postgres", keyId));
            }
        }
        finally
        {
            TestTrent.TryDelete(data);
        }
    }
}
