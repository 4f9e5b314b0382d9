using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Data.Sqlite;
using Trent.Tests.Cli;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Sealing;

/// <summary><c>trent root rotate</c> through the admin API of real servers: no downtime, nothing lost, everything re-sealed.</summary>
public sealed class DomainKeyRotationTests
{
    private const string Rotate = "TrentAdmin.RotateDomainKey";
    private const string Describe = "TrentAdmin.DescribeKeyHierarchy";

    [Fact]
    public async Task Rotating_under_load_loses_nothing_and_reseals_every_stored_value_under_the_new_key()
    {
        var directory = TestTrent.NewDataDirectory();
        var before = new List<(byte[] Ciphertext, byte[] Plaintext)>();
        var acknowledged = new ConcurrentBag<(string KeyId, byte[] Ciphertext, byte[] Plaintext)>();
        string userKeyId, userSecret;
        await using (var trent = await TestTrent.StartAsync(directory, configure: o =>
        {
            o.Store = null; // the stored blobs are read back from SQLite below
            o.DomainKeyRefreshInterval = TimeSpan.FromMilliseconds(200);
        }))
        {
            using var kms = trent.Client();
            using var raw = new RawKmsClient(trent.Url);
            using var iam = IamClient.Admin(trent);
            (_, userKeyId, userSecret) = await iam.CreateUserWithKeyAsync("rotation-user");
            for (var i = 0; i < 5; i++)
            {
                var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
                var plaintext = new byte[] { (byte)i, 1, 2 };
                before.Add(((await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) })).CiphertextBlob.ToArray(), plaintext));
            }

            var initial = await DescribeAsync(raw);
            Assert.Equal(1, initial.GetProperty("CurrentDomainKeyVersion").GetInt64());

            // Bounded load (4 workers, 3 s) creating keys and encrypting while the domain key rotates.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                using var client = trent.Client();
                var n = 0;
                while (!stop.IsCancellationRequested)
                {
                    var keyId = (await client.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
                    var plaintext = BitConverter.GetBytes((w << 16) | n++);
                    var ciphertext = (await client.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream(plaintext) })).CiphertextBlob.ToArray();
                    acknowledged.Add((keyId, ciphertext, plaintext));
                }
            })).ToList();
            await Task.Delay(500);
            var rotated = await raw.SendAsync(Rotate, "{}");
            Assert.Equal(200, rotated.Status);
            using (var answer = JsonDocument.Parse(rotated.Body))
            {
                Assert.Equal(2, answer.RootElement.GetProperty("DomainKey").GetProperty("Version").GetInt64());
            }

            await Task.WhenAll(workers);
            Assert.NotEmpty(acknowledged);

            // The pass finishes by itself; the status names it.
            var status = await WaitForPassAsync(raw, version: 2);
            Assert.Equal(2, status.GetProperty("CurrentDomainKeyVersion").GetInt64());
            Assert.Equal(0, status.GetProperty("LastResealPass").GetProperty("Unreadable").GetInt32());
            Assert.Contains("file", status.GetProperty("RootOfTrust").GetString(), StringComparison.Ordinal);
        }

        // Every stored secret is now under version 2; nothing is left under version 1.
        var versions = SealedVersions(directory);
        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.Equal(2u, v));

        await using (var restarted = await TestTrent.StartAsync(directory, configure: o => o.Store = null))
        {
            using var kms = restarted.Client();
            foreach (var (ciphertext, plaintext) in before.Concat(acknowledged.Select(a => (a.Ciphertext, a.Plaintext))))
            {
                Assert.Equal(plaintext, (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) })).Plaintext.ToArray());
            }

            foreach (var (keyId, _, _) in acknowledged)
            {
                Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState);
            }

            // The user's re-sealed secret still authenticates (and the user is still just a user: denied).
            using var asUser = restarted.Client(userKeyId, userSecret);
            var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => asUser.ListKeysAsync(new ListKeysRequest()));
            Assert.Equal("AccessDeniedException", denied.ErrorCode);
        }

        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task Only_the_administrator_account_manages_the_key_hierarchy_and_every_call_is_audited()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.DomainKeyRefreshInterval = TimeSpan.FromMilliseconds(200));
        using var raw = new RawKmsClient(trent.Url);
        using var iam = IamClient.Admin(trent);
        var (userArn, userKeyId, userSecret) = await iam.CreateUserWithKeyAsync("no-policy");
        var denied = await raw.SendAsync(Rotate, "{}", accessKeyId: userKeyId, secret: userSecret);
        Assert.Equal(("AccessDeniedException", 400), (denied.ErrorType, denied.Status));
        Assert.Equal(
            $"User: {userArn} is not authorized to perform: trent:RotateDomainKey on resource: * because no identity-based policy allows the trent:RotateDomainKey action",
            denied.Message);

        var (_, operatorKeyId, operatorSecret) = await iam.CreateUserWithKeyAsync(
            "operator", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"trent:*","Resource":"*"}]}""");
        Assert.Equal(200, (await raw.SendAsync(Rotate, "{}", accessKeyId: operatorKeyId, secret: operatorSecret)).Status);

        // The root of another account owns nothing of the installation's hierarchy.
        var (otherKeyId, otherSecret) = await CreateOtherAccountRootAsync(trent);
        var foreign = await raw.SendAsync(Describe, "{}", accessKeyId: otherKeyId, secret: otherSecret);
        Assert.Equal("AccessDeniedException", foreign.ErrorType);
        Assert.Contains("only the administrator account", foreign.Message, StringComparison.Ordinal);

        var malformed = await raw.SendAsync(Rotate, "[1]");
        Assert.Equal(("SerializationException", 400), (malformed.ErrorType, malformed.Status));

        using var kms = trent.Client();
        var events = await LookupAsync(raw, "RotateDomainKey");
        Assert.Equal(3, events.Count); // the denied call, the operator's, the malformed one
        Assert.Contains(events, e => e.Contains("AccessDenied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_trent_root_verbs_rotate_and_describe_a_running_server()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.DomainKeyRefreshInterval = TimeSpan.FromMilliseconds(200));
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = trent.Url,
            ["AWS_ACCESS_KEY_ID"] = TestTrent.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = TestTrent.SecretAccessKey,
            ["AWS_REGION"] = TestTrent.Region,
        };
        var rotate = await TrentCli.RunAsync(["root", "rotate"], environment: environment);
        Assert.True(rotate.Exit == 0, rotate.ToString());
        Assert.Contains("Created domain key version 2", rotate.Stdout, StringComparison.Ordinal);

        using var raw = new RawKmsClient(trent.Url);
        await WaitForPassAsync(raw, version: 2);
        var status = await TrentCli.RunAsync(["root", "status"], environment: environment);
        Assert.True(status.Exit == 0, status.ToString());
        Assert.Contains("Current domain key version: 2", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("version 1: created", status.Stdout, StringComparison.Ordinal);

        environment["AWS_SECRET_ACCESS_KEY"] = "wrong";
        var refused = await TrentCli.RunAsync(["root", "status"], environment: environment);
        Assert.Equal(1, refused.Exit);
        Assert.StartsWith("trent: InvalidSignatureException: ", Assert.Single(refused.StderrLines), StringComparison.Ordinal);

        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";
        var unreachable = await TrentCli.RunAsync(["root", "status"], environment: environment);
        Assert.Equal(1, unreachable.Exit);
        Assert.StartsWith("trent: cannot reach Trent at http://127.0.0.1:1/", Assert.Single(unreachable.StderrLines), StringComparison.Ordinal);
    }

    internal static async Task<JsonElement> DescribeAsync(RawKmsClient raw)
    {
        var reply = await raw.SendAsync(Describe, "{}");
        Assert.Equal(200, reply.Status);
        return JsonDocument.Parse(reply.Body).RootElement.Clone();
    }

    internal static async Task<JsonElement> WaitForPassAsync(RawKmsClient raw, long version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = await DescribeAsync(raw);
            if (status.TryGetProperty("LastResealPass", out var pass) && pass.GetProperty("DomainKeyVersion").GetInt64() == version)
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no re-sealing pass under version {version} within 30 s: {status}");
            await Task.Delay(100);
        }
    }

    /// <summary>The domain key version every sealed material and access-key secret names, read from SQLite.</summary>
    private static List<uint> SealedVersions(string directory)
    {
        var versions = new List<uint>();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "trent.db")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        foreach (var sql in new[] { "SELECT sealed_material FROM key_materials WHERE sealed_material IS NOT NULL", "SELECT sealed_secret FROM access_keys" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var blob = (byte[])reader[0];
                Assert.Equal(0x02, blob[0]);
                versions.Add(BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(1)));
            }
        }

        return versions;
    }

    private static async Task<(string AccessKeyId, string Secret)> CreateOtherAccountRootAsync(TestTrent trent)
    {
        var accounts = trent.Server.Services.GetService(typeof(Trent.Domain.Identity.AccountService)) as Trent.Domain.Identity.AccountService;
        var (_, credentials) = await accounts!.CreateAccountAsync(accountId: null, CancellationToken.None);
        return (credentials.AccessKeyId, credentials.SecretAccessKey);
    }

    private static async Task<List<string>> LookupAsync(RawKmsClient raw, string eventName)
    {
        var reply = await raw.SendAsync(
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
            $$"""{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"{{eventName}}"}]}""",
            service: "cloudtrail");
        Assert.Equal(200, reply.Status);
        using var json = JsonDocument.Parse(reply.Body);
        return [.. json.RootElement.GetProperty("Events").EnumerateArray().Select(e => e.GetProperty("CloudTrailEvent").GetString()!)];
    }
}
