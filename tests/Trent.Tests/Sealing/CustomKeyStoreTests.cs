using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Sealing;

/// <summary>AWS_CLOUDHSM custom key stores on SoftHSM2 tokens, through the AWS SDK against real server processes
/// (each with its test's SOFTHSM2_CONF); the clusters are declared in a trent.json of the test's own.</summary>
[Trait("Category", "Pkcs11")]
public sealed class CustomKeyStoreTests
{
    internal const string ClusterA = "cluster-abcdefgh234";
    private const string ClusterB = "cluster-zyxwvuts765";
    private const string MissingTokenCluster = "cluster-nonexistent";
    /// <summary>A cluster's trust anchor certificate (AWS's customerCA.crt), as PEM.</summary>
    internal static readonly string TrustAnchor = NewCertificatePem("customer-ca");

    [Fact]
    public async Task A_store_goes_through_its_states_with_AWS_errors_and_its_PIN_is_nowhere_in_the_data_directory()
    {
        using var hsm = SoftHsm.Create("cks-a");
        hsm.InitialiseToken("cks-b");
        var directory = TestTrent.NewDataDirectory();
        using (var trent = await StartAsync(hsm, directory))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            await Assert.ThrowsAsync<CloudHsmClusterNotFoundException>(() => client.CreateCustomKeyStoreAsync(Create("s", "cluster-unknownabcd")));
            var missing = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
                client.CreateCustomKeyStoreAsync(Create("s", ClusterA, withTrustAnchor: false)));
            Assert.Equal("ValidationException", missing.ErrorCode);

            var id = (await client.CreateCustomKeyStoreAsync(Create("first", ClusterA))).CustomKeyStoreId;
            Assert.Matches("^cks-[0-9a-f]{17}$", id);
            await Assert.ThrowsAsync<CustomKeyStoreNameInUseException>(() => client.CreateCustomKeyStoreAsync(Create("first", ClusterB)));
            await Assert.ThrowsAsync<CloudHsmClusterInUseException>(() => client.CreateCustomKeyStoreAsync(Create("second", ClusterA)));
            var secondId = (await client.CreateCustomKeyStoreAsync(Create("second", ClusterB))).CustomKeyStoreId;

            var store = await DescribeAsync(client, id);
            Assert.Equal(("first", ClusterA, TrustAnchor, "DISCONNECTED", "AWS_CLOUDHSM"),
                (store.CustomKeyStoreName, store.CloudHsmClusterId, store.TrustAnchorCertificate, store.ConnectionState.Value, store.CustomKeyStoreType.Value));
            Assert.Equal(id, Assert.Single((await client.DescribeCustomKeyStoresAsync(new() { CustomKeyStoreName = "first" })).CustomKeyStores).CustomKeyStoreId);
            var page = await client.DescribeCustomKeyStoresAsync(new() { Limit = 1 });
            Assert.True(page.Truncated);
            var rest = await client.DescribeCustomKeyStoresAsync(new() { Limit = 1, Marker = page.NextMarker });
            Assert.False(rest.Truncated);
            Assert.Equal(new[] { id, secondId }.Order(StringComparer.Ordinal), page.CustomKeyStores.Concat(rest.CustomKeyStores).Select(s => s.CustomKeyStoreId));
            await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => client.DescribeCustomKeyStoresAsync(new() { CustomKeyStoreId = "cks-00000000000000000" }));
            await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => client.DescribeCustomKeyStoresAsync(new() { CustomKeyStoreName = "nope" }));

            using var http = new HttpClient { BaseAddress = new Uri(trent.Url) };
            Assert.Equal("ready\n", await http.GetStringAsync("/readyz"));
            await client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id });
            Assert.Equal(ConnectionStateType.CONNECTED, (await DescribeAsync(client, id)).ConnectionState);
            Assert.Equal($"ready\ncustom key store {id}: connected\n", await http.GetStringAsync("/readyz"));
            await client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id }); // connecting a connected store does nothing, as AWS
            await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() =>
                client.UpdateCustomKeyStoreAsync(new() { CustomKeyStoreId = id, KeyStorePassword = "another-pin" }));
            await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => client.DeleteCustomKeyStoreAsync(new() { CustomKeyStoreId = id }));
            await client.UpdateCustomKeyStoreAsync(new() { CustomKeyStoreId = id, NewCustomKeyStoreName = "renamed" });
            await Assert.ThrowsAsync<CustomKeyStoreNameInUseException>(() =>
                client.UpdateCustomKeyStoreAsync(new() { CustomKeyStoreId = secondId, NewCustomKeyStoreName = "renamed" }));
            Assert.Equal("renamed", (await DescribeAsync(client, id)).CustomKeyStoreName);

            await client.DisconnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id });
            Assert.Equal(ConnectionStateType.DISCONNECTED, (await DescribeAsync(client, id)).ConnectionState);
            Assert.Equal("ready\n", await http.GetStringAsync("/readyz"));
            await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => client.DisconnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id }));
            // AWS's model of UpdateCustomKeyStore lists no CloudHsmClusterInUseException, so the SDK has no type for it here.
            var inUse = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
                client.UpdateCustomKeyStoreAsync(new() { CustomKeyStoreId = id, CloudHsmClusterId = ClusterB }));
            Assert.Equal("CloudHsmClusterInUseException", inUse.ErrorCode);
            await Assert.ThrowsAsync<CloudHsmClusterNotFoundException>(() =>
                client.UpdateCustomKeyStoreAsync(new() { CustomKeyStoreId = id, CloudHsmClusterId = "cluster-unknownabcd" }));

            await client.DeleteCustomKeyStoreAsync(new() { CustomKeyStoreId = id });
            await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => client.DescribeCustomKeyStoresAsync(new() { CustomKeyStoreId = id }));
            await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id }));
            // The cluster is free again.
            await client.CreateCustomKeyStoreAsync(Create("third", ClusterA));

            // Identity-only actions: a user whose policy allows only describing may describe, and nothing more.
            using var iam = new IamClient(trent.Url, TestTrent.AccessKeyId, TestTrent.SecretAccessKey);
            var (_, userKey, userSecret) = await iam.CreateUserWithKeyAsync("reader",
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:DescribeCustomKeyStores","Resource":"*"}]}""");
            using var reader = new AmazonKeyManagementServiceClient(
                new Amazon.Runtime.BasicAWSCredentials(userKey, userSecret), TestTrent.Config(trent.Url));
            Assert.Equal(2, (await reader.DescribeCustomKeyStoresAsync(new())).CustomKeyStores.Count);
            var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => reader.CreateCustomKeyStoreAsync(Create("denied", ClusterA)));
            Assert.Equal("AccessDeniedException", denied.ErrorCode);
            Assert.Contains("kms:CreateCustomKeyStore", denied.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => reader.DisconnectCustomKeyStoreAsync(new() { CustomKeyStoreId = secondId }));
            Assert.DoesNotContain(SoftHsm.UserPin, trent.Output(), StringComparison.Ordinal);
        }

        AssertAuditedWithoutPin(directory);
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_key_in_a_store_lives_in_the_token_encrypts_there_and_is_unavailable_while_the_store_is_disconnected()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var directory = TestTrent.NewDataDirectory();
        var context = new Dictionary<string, string> { ["purpose"] = "test" };
        byte[] ciphertext;
        string keyArn;
        var metricsUrl = $"http://127.0.0.1:{PostgresCluster.FreePort()}";
        using (var trent = await StartAsync(hsm, directory, "--metrics-urls", metricsUrl))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            var storeId = (await client.CreateCustomKeyStoreAsync(Create("keys", ClusterA))).CustomKeyStoreId;
            await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => CreateKeyAsync(client, storeId));
            await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => CreateKeyAsync(client, "cks-00000000000000000"));
            await client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = storeId });

            var metadata = (await CreateKeyAsync(client, storeId)).KeyMetadata;
            Assert.Equal((OriginType.AWS_CLOUDHSM, storeId, ClusterA), (metadata.Origin, metadata.CustomKeyStoreId, metadata.CloudHsmClusterId));
            var described = (await client.DescribeKeyAsync(metadata.KeyId)).KeyMetadata;
            Assert.Equal((storeId, ClusterA), (described.CustomKeyStoreId, described.CloudHsmClusterId));
            hsm.AssertProtectedKey(metadata.Arn);

            await Assert.ThrowsAsync<UnsupportedOperationException>(() => client.CreateKeyAsync(new()
            {
                Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = storeId, KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT,
            }));
            await Assert.ThrowsAsync<UnsupportedOperationException>(() => client.EnableKeyRotationAsync(metadata.KeyId));

            ciphertext = (await client.EncryptAsync(new() { KeyId = metadata.KeyId, Plaintext = new MemoryStream([1, 2, 3]), EncryptionContext = context })).CiphertextBlob.ToArray();
            // The header's backend byte (after format, key reference and material version) names the PKCS#11 backend.
            Assert.Equal(Trent.Crypto.Ciphertext.SymmetricCiphertext.Pkcs11Backend, ciphertext[1 + Trent.Crypto.Ciphertext.SymmetricCiphertext.KeyReferenceSize + 4]);
            var plain = await client.DecryptAsync(new() { CiphertextBlob = new MemoryStream(ciphertext), EncryptionContext = context });
            Assert.Equal(new byte[] { 1, 2, 3 }, plain.Plaintext.ToArray());
            await Assert.ThrowsAsync<InvalidCiphertextException>(() => client.DecryptAsync(new() { CiphertextBlob = new MemoryStream(ciphertext) }));

            var dataKey = await client.GenerateDataKeyAsync(new() { KeyId = metadata.KeyId, KeySpec = DataKeySpec.AES_256 });
            var unwrapped = await client.DecryptAsync(new() { CiphertextBlob = dataKey.CiphertextBlob });
            Assert.Equal(dataKey.Plaintext.ToArray(), unwrapped.Plaintext.ToArray());
            var software = (await client.CreateKeyAsync(new())).KeyMetadata.KeyId;
            var moved = await client.ReEncryptAsync(new() { CiphertextBlob = new MemoryStream(ciphertext), SourceEncryptionContext = context, DestinationKeyId = software });
            Assert.Equal(new byte[] { 1, 2, 3 }, (await client.DecryptAsync(new() { CiphertextBlob = moved.CiphertextBlob })).Plaintext.ToArray());

            // Encrypt, a Decrypt that authenticates and one that does not, GenerateDataKey and its Decrypt, ReEncrypt's Decrypt: all in the token.
            using var scraper = new HttpClient { BaseAddress = new Uri(metricsUrl) };
            var metrics = await scraper.GetStringAsync("/metrics");
            Assert.True(MetricValue(metrics, "trent_hsm_operations_total") == 6, metrics);
            Assert.True(MetricValue(metrics, "trent_hsm_errors_total") == 0, metrics);
            Assert.Contains("trent_hsm_operation_seconds_total", metrics, StringComparison.Ordinal);

            await client.DisconnectCustomKeyStoreAsync(new() { CustomKeyStoreId = storeId });
            var unavailable = await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
                client.DecryptAsync(new() { CiphertextBlob = new MemoryStream(ciphertext), EncryptionContext = context }));
            Assert.Equal($"{metadata.Arn} is unavailable.", unavailable.Message);
            await Assert.ThrowsAsync<CustomKeyStoreHasCMKsException>(() => client.DeleteCustomKeyStoreAsync(new() { CustomKeyStoreId = storeId }));

            await client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = storeId });
            plain = await client.DecryptAsync(new() { CiphertextBlob = new MemoryStream(ciphertext), EncryptionContext = context });
            Assert.Equal(new byte[] { 1, 2, 3 }, plain.Plaintext.ToArray());
            keyArn = metadata.Arn;
        }

        // After a restart the store is still CONNECTED: its keys log in to the token again on first use.
        using (var again = await StartAsync(hsm, directory))
        {
            using var client = Pkcs11RootOfTrustTests.Client(again);
            var plain = await client.DecryptAsync(new() { CiphertextBlob = new MemoryStream(ciphertext), EncryptionContext = context });
            Assert.Equal(new byte[] { 1, 2, 3 }, plain.Plaintext.ToArray());
        }

        Assert.Single(hsm.SecretKeys(), k => k.Label == keyArn);
        AssertAuditedWithoutPin(directory);
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task Concurrent_requests_use_a_key_in_the_token_without_failures_until_its_object_is_destroyed_outside()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var directory = TestTrent.NewDataDirectory();
        using (var trent = await StartAsync(hsm, directory))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            var (storeId, _) = await CreateAndConnectAsync(client, Create("busy", ClusterA));
            var key = (await CreateKeyAsync(client, storeId)).KeyMetadata;

            // 16 callers at once, each session of the token's pool in use: every round trip must succeed (a search
            // per operation made SoftHSM miss the present key now and then under this load).
            var failures = 0;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; i < 60; i++)
                {
                    try
                    {
                        var plaintext = new[] { (byte)worker, (byte)i };
                        var blob = (await client.EncryptAsync(new() { KeyId = key.KeyId, Plaintext = new MemoryStream(plaintext) })).CiphertextBlob;
                        var opened = await client.DecryptAsync(new() { CiphertextBlob = blob });
                        Assert.Equal(plaintext, opened.Plaintext.ToArray());
                    }
                    catch (AmazonKeyManagementServiceException)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            })));
            Assert.Equal(0, failures);

            // The remembered handle is searched for again once the token no longer knows it: the key is unavailable.
            hsm.DeleteKey(key.Arn);
            var gone = await Assert.ThrowsAsync<KMSInvalidStateException>(() =>
                client.EncryptAsync(new() { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }));
            Assert.Equal($"{key.Arn} is unavailable.", gone.Message);
        }

        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_stores_PIN_is_resealed_under_a_new_domain_key_and_logs_in_again_after_a_restart()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var directory = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(directory);
        var config = WriteConfig(directory, [(ClusterA, "cks-a")], domainKeyRefreshInterval: "00:00:00.200");
        string storeId, keyId;
        byte[] ciphertext;
        var onSqlite = new Dictionary<string, string>(hsm.Environment) { ["TRENT_STORE"] = "" }; // the sealed PIN is read back from SQLite
        using (var trent = await TrentProcess.StartAsync(directory, ["--config", config], onSqlite))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            (storeId, _) = await CreateAndConnectAsync(client, Create("resealed", ClusterA));
            keyId = (await CreateKeyAsync(client, storeId)).KeyMetadata.KeyId;
            ciphertext = (await client.EncryptAsync(new() { KeyId = keyId, Plaintext = new MemoryStream([7, 8, 9]) })).CiphertextBlob.ToArray();
            Assert.Equal(1u, SealedPasswordVersion(directory, storeId));

            using var raw = new RawKmsClient(trent.Url);
            Assert.Equal(200, (await raw.SendAsync("TrentAdmin.RotateDomainKey", "{}")).Status);
            var status = await DomainKeyRotationTests.WaitForPassAsync(raw, version: 2);
            Assert.Equal(1, status.GetProperty("LastResealPass").GetProperty("CustomKeyStorePasswords").GetInt32());
        }

        Assert.Equal(2u, SealedPasswordVersion(directory, storeId));

        // The store is still CONNECTED in the database: the restarted node logs in with the re-sealed PIN on first use.
        using (var trent = await TrentProcess.StartAsync(directory, ["--config", config], onSqlite))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            var opened = await client.DecryptAsync(new() { CiphertextBlob = new MemoryStream(ciphertext) });
            Assert.Equal(new byte[] { 7, 8, 9 }, opened.Plaintext.ToArray());
        }

        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_wrong_PIN_fails_the_connection_with_INVALID_CREDENTIALS_until_the_password_is_updated()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var directory = TestTrent.NewDataDirectory();
        using (var trent = await StartAsync(hsm, directory))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            var (id, failed) = await CreateAndConnectAsync(client, Create("wrong", ClusterA, password: "not-the-pin"));
            Assert.Equal((ConnectionStateType.FAILED, ConnectionErrorCodeType.INVALID_CREDENTIALS), (failed.ConnectionState, failed.ConnectionErrorCode));

            // As AWS: a FAILED store is disconnected before it is connected again.
            await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id }));
            await client.DisconnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id });
            var disconnected = await DescribeAsync(client, id);
            Assert.Equal(ConnectionStateType.DISCONNECTED, disconnected.ConnectionState);
            Assert.Null(disconnected.ConnectionErrorCode?.Value);

            await client.UpdateCustomKeyStoreAsync(new() { CustomKeyStoreId = id, KeyStorePassword = SoftHsm.UserPin });
            await client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id });
            Assert.Equal(ConnectionStateType.CONNECTED, (await DescribeAsync(client, id)).ConnectionState);
        }

        AssertAuditedWithoutPin(directory);
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_cluster_whose_token_is_missing_fails_the_connection_with_CLUSTER_NOT_FOUND()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var directory = TestTrent.NewDataDirectory();
        using (var trent = await StartAsync(hsm, directory))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            var (_, failed) = await CreateAndConnectAsync(client, Create("missing", MissingTokenCluster));
            Assert.Equal((ConnectionStateType.FAILED, ConnectionErrorCodeType.CLUSTER_NOT_FOUND), (failed.ConnectionState, failed.ConnectionErrorCode));
        }

        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_store_is_created_only_with_its_clusters_declared_trust_anchor_certificate()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var directory = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(directory);
        var anchorFile = directory.TrimEnd('/') + ".customerCA.crt";
        File.WriteAllText(anchorFile, TrustAnchor);
        var config = WriteConfig(directory, [(ClusterA, "cks-a")], trustAnchorFiles: new Dictionary<string, string> { [ClusterA] = anchorFile });
        using (var trent = await TrentProcess.StartAsync(directory, ["--config", config], hsm.Environment))
        {
            using var client = Pkcs11RootOfTrustTests.Client(trent);
            foreach (var wrong in new[] { NewCertificatePem("another-ca"), "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----", "not a certificate" })
            {
                var request = Create("anchored", ClusterA);
                request.TrustAnchorCertificate = wrong;
                var refused = await Assert.ThrowsAsync<IncorrectTrustAnchorException>(() => client.CreateCustomKeyStoreAsync(request));
                Assert.Equal($"The trust anchor certificate in the request is not the trust anchor certificate of cluster {ClusterA}.", refused.Message);
            }

            var (_, store) = await CreateAndConnectAsync(client, Create("anchored", ClusterA));
            Assert.Equal((TrustAnchor, ConnectionStateType.CONNECTED), (store.TrustAnchorCertificate, store.ConnectionState));
        }

        // A declared certificate that cannot be read stops the start in one line.
        File.WriteAllText(anchorFile, "garbage");
        var result = await Cli.TrentCli.RunAsync(
            ["serve", "--urls", "http://127.0.0.1:0", "--data", directory, "--config", config], environment: hsm.Environment);
        Assert.NotEqual(0, result.Exit);
        Assert.Equal($"trent: HsmClusters: HSM cluster {ClusterA}: {anchorFile} holds no PEM certificate.", Assert.Single(result.StderrLines));
        File.Delete(anchorFile);
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_cluster_ID_not_of_AWS_form_stops_the_start_in_one_line()
    {
        using var hsm = SoftHsm.Create("cks-a");
        var directory = TestTrent.NewDataDirectory();
        Directory.CreateDirectory(directory);
        var config = WriteConfig(directory, [("cluster-UPPERCASE12", "cks-a")]);
        var result = await Cli.TrentCli.RunAsync(
            ["serve", "--urls", "http://127.0.0.1:0", "--data", directory, "--config", config], environment: hsm.Environment);
        Assert.NotEqual(0, result.Exit);
        Assert.Contains("HsmClusters: HSM cluster ID 'cluster-UPPERCASE12' is not of the form", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        TestTrent.TryDelete(directory);
    }

    private static Task<TrentProcess> StartAsync(SoftHsm hsm, string directory, params string[] arguments)
    {
        Directory.CreateDirectory(directory);
        var config = WriteConfig(directory, [(ClusterA, "cks-a"), (ClusterB, "cks-b"), (MissingTokenCluster, "no-such-token")]);
        return TrentProcess.StartAsync(directory, ["--config", config, .. arguments], hsm.Environment);
    }

    /// <summary>A trent.json beside (not in) the data directory, declaring the clusters.</summary>
    internal static string WriteConfig(
        string directory, (string ClusterId, string TokenLabel)[] clusters, string domainKeyRefreshInterval = "00:00:10",
        IReadOnlyDictionary<string, string>? trustAnchorFiles = null)
    {
        var path = directory.TrimEnd('/') + ".trent.json";
        var json = JsonSerializer.Serialize(new
        {
            Trent = new
            {
                HsmClusters = clusters.Select(c => new
                {
                    c.ClusterId, Module = SoftHsm.ModulePath, c.TokenLabel, TrustAnchorCertificate = trustAnchorFiles?.GetValueOrDefault(c.ClusterId),
                }).ToArray(),
                DomainKeyRefreshInterval = domainKeyRefreshInterval,
            },
        });
        File.WriteAllText(path, json);
        return path;
    }

    internal static CreateCustomKeyStoreRequest Create(string name, string clusterId, bool withTrustAnchor = true, string password = SoftHsm.UserPin) => new()
    {
        CustomKeyStoreName = name,
        CloudHsmClusterId = clusterId,
        TrustAnchorCertificate = withTrustAnchor ? TrustAnchor : null,
        KeyStorePassword = password,
    };

    internal static Task<CreateKeyResponse> CreateKeyAsync(AmazonKeyManagementServiceClient client, string storeId) =>
        client.CreateKeyAsync(new() { Origin = OriginType.AWS_CLOUDHSM, CustomKeyStoreId = storeId });

    internal static string NewCertificatePem(string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.ExportCertificatePem();
    }

    /// <summary>The domain key version the store's sealed PIN names, read from SQLite.</summary>
    private static uint? SealedPasswordVersion(string directory, string storeId)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "trent.db")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sealed_password FROM custom_key_stores WHERE custom_key_store_id = $id";
        command.Parameters.AddWithValue("$id", storeId);
        return Trent.Crypto.Sealing.Sealer.SealedVersion((byte[])command.ExecuteScalar()!);
    }

    private static double? MetricValue(string metrics, string name) =>
        System.Text.RegularExpressions.Regex.Match(metrics, $"^{name}(\\{{[^}}]*\\}})? ([0-9.e+-]+)", System.Text.RegularExpressions.RegexOptions.Multiline) is { Success: true } m
            ? double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>Creates and connects a store; returns its ID and how it describes itself afterwards.</summary>
    internal static async Task<(string Id, CustomKeyStoresListEntry Store)> CreateAndConnectAsync(
        AmazonKeyManagementServiceClient client, CreateCustomKeyStoreRequest request)
    {
        var id = (await client.CreateCustomKeyStoreAsync(request)).CustomKeyStoreId;
        await client.ConnectCustomKeyStoreAsync(new() { CustomKeyStoreId = id });
        return (id, await DescribeAsync(client, id));
    }

    private static async Task<CustomKeyStoresListEntry> DescribeAsync(AmazonKeyManagementServiceClient client, string id) =>
        Assert.Single((await client.DescribeCustomKeyStoresAsync(new() { CustomKeyStoreId = id })).CustomKeyStores);

    /// <summary>The audit trail (in the data directory) holds the custom key store requests, and no file there holds the PIN.</summary>
    private static void AssertAuditedWithoutPin(string directory)
    {
        var pin = System.Text.Encoding.UTF8.GetBytes(SoftHsm.UserPin);
        var audited = false;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.False(bytes.AsSpan().IndexOf(pin) >= 0, $"{file} holds the PIN");
            audited |= bytes.AsSpan().IndexOf("\"eventName\":\"ConnectCustomKeyStore\""u8) >= 0;
        }

        Assert.True(audited, "no audit record of ConnectCustomKeyStore was found in the data directory");
    }
}
