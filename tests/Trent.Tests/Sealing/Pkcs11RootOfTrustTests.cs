using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Trent.Tests.Cli;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Sealing;

/// <summary>The pkcs11 root of trust through real servers (separate processes: each test's SoftHSM2 token is
/// chosen by SOFTHSM2_CONF, which a module reads once per process), with pkcs11-tool as an independent client.</summary>
[Trait("Category", "Pkcs11")]
public sealed class Pkcs11RootOfTrustTests
{
    private const string RootLabel = "trent-root-of-trust";

    [Fact]
    public async Task A_pkcs11_root_survives_restarts_stays_in_its_token_and_leaves_no_key_in_the_data_directory()
    {
        using var hsm = SoftHsm.Create();
        var directory = TestTrent.NewDataDirectory();
        string keyId;
        byte[] ciphertext;
        using (var trent = await TrentProcess.StartAsync(directory, Arguments(hsm), Environment(hsm)))
        {
            using var client = Client(trent);
            keyId = (await client.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            ciphertext = (await client.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream([1, 2, 3]) })).CiphertextBlob.ToArray();
            Assert.DoesNotContain(SoftHsm.UserPin, trent.Output(), StringComparison.Ordinal);
        }

        hsm.AssertProtectedKey(RootLabel);
        Assert.False(File.Exists(Path.Combine(directory, "root.key")));
        AssertPinNowhereIn(directory);

        // Again with the PIN from a file (first line) instead of the environment.
        var pinFile = Path.Combine(hsm.Directory, "pin");
        File.WriteAllText(pinFile, SoftHsm.UserPin + "\n");
        using (var again = await TrentProcess.StartAsync(directory, [.. Arguments(hsm), "--pkcs11-pin-file", pinFile], hsm.Environment))
        {
            using var client = Client(again);
            var plain = await client.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) });
            Assert.Equal(keyId, RootOfTrustTests.KeyIdOf(plain.KeyId));
            Assert.Equal(new byte[] { 1, 2, 3 }, plain.Plaintext.ToArray());
        }

        // Still exactly one root key: a restart finds it, never makes another.
        Assert.Single(hsm.SecretKeys(), k => k.Label == RootLabel);
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_wrong_pin_is_refused_in_one_line_without_the_pin()
    {
        using var hsm = SoftHsm.Create();
        var directory = TestTrent.NewDataDirectory();
        const string wrongPin = "not-the-pin-9876";
        var environment = Environment(hsm);
        environment["TRENT_PKCS11_PIN"] = wrongPin;

        var result = await ServeAsync(directory, Arguments(hsm), environment);
        Assert.NotEqual(0, result.Exit);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("CKR_PIN_INCORRECT", line, StringComparison.Ordinal);
        Assert.Contains(hsm.TokenLabel, line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPin, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Empty(hsm.SecretKeys()); // nothing made in the token
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task A_missing_token_or_module_is_refused_in_one_line()
    {
        using var hsm = SoftHsm.Create();
        var directory = TestTrent.NewDataDirectory();

        var noToken = await ServeAsync(directory, Arguments(hsm, token: "no-such-token"), Environment(hsm));
        Assert.NotEqual(0, noToken.Exit);
        Assert.Contains("No token labelled 'no-such-token'", Assert.Single(noToken.StderrLines), StringComparison.Ordinal);

        var noModule = await ServeAsync(directory, Arguments(hsm, module: "/nonexistent/libpkcs11.so"), Environment(hsm));
        Assert.NotEqual(0, noModule.Exit);
        Assert.Contains("/nonexistent/libpkcs11.so does not exist", Assert.Single(noModule.StderrLines), StringComparison.Ordinal);
        TestTrent.TryDelete(directory);
    }

    [Fact]
    public async Task Another_token_without_the_root_key_is_refused_and_gets_no_new_one_over_sealed_data()
    {
        using var hsm = SoftHsm.Create();
        var directory = TestTrent.NewDataDirectory();
        using (var trent = await TrentProcess.StartAsync(directory, Arguments(hsm), Environment(hsm)))
        {
            using var client = Client(trent);
            await client.CreateKeyAsync(new CreateKeyRequest());
        }

        // A fresh token with the same label (the real one lost or swapped): the root key is not there.
        using var other = SoftHsm.Create(hsm.TokenLabel);
        var result = await ServeAsync(directory, Arguments(other), Environment(other));
        Assert.NotEqual(0, result.Exit);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"The root key '{RootLabel}' is not in token '{hsm.TokenLabel}'", line, StringComparison.Ordinal);
        Assert.Empty(other.SecretKeys());

        // Another AES key under the root key's label: the token's AES-GCM refuses to unwrap the domain keys.
        other.GenerateAesKey(RootLabel);
        var wrongKey = await ServeAsync(directory, Arguments(other), Environment(other));
        Assert.NotEqual(0, wrongKey.Exit);
        Assert.True(wrongKey.Stderr.Contains("cannot unwrap the database's", StringComparison.Ordinal), wrongKey.Stderr);

        // A file root on this data is refused too (it cannot unwrap the domain keys).
        var fileRoot = await ServeAsync(directory, [], new Dictionary<string, string>());
        Assert.NotEqual(0, fileRoot.Exit);
        Assert.False(File.Exists(Path.Combine(directory, "root.key")));
        TestTrent.TryDelete(directory);
    }

    internal static string[] Arguments(SoftHsm hsm, string? token = null, string? module = null) =>
        ["--root-of-trust", "pkcs11", "--pkcs11-module", module ?? SoftHsm.ModulePath, "--pkcs11-token", token ?? hsm.TokenLabel];

    internal static Dictionary<string, string> Environment(SoftHsm hsm)
    {
        var environment = hsm.Environment;
        environment["TRENT_PKCS11_PIN"] = SoftHsm.UserPin;
        return environment;
    }

    internal static AmazonKeyManagementServiceClient Client(TrentProcess trent) =>
        new(new BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), TestTrent.Config(trent.Url));

    private static Task<TrentCli.Result> ServeAsync(string directory, string[] arguments, Dictionary<string, string> environment)
    {
        environment["TRENT_ADMIN_ACCESS_KEY_ID"] = TestTrent.AccessKeyId;
        environment["TRENT_ADMIN_SECRET_ACCESS_KEY"] = TestTrent.SecretAccessKey;
        return TrentCli.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", directory, .. arguments], environment: environment);
    }

    private static void AssertPinNowhereIn(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            Assert.False(File.ReadAllBytes(file).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(SoftHsm.UserPin)) >= 0, $"{file} holds the PIN");
        }
    }
}
