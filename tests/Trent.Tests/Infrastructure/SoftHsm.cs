namespace Trent.Tests.Infrastructure;

/// <summary>
/// A SoftHSM2 token of a test's own: a configuration and token directory in a scratch directory (SOFTHSM2_CONF
/// points there for every process the test starts), initialised with softhsm2-util and removed on dispose.
/// <c>pkcs11-tool</c> (OpenSC) reads it as an independent client.
/// </summary>
public sealed class SoftHsm : IDisposable
{
    public const string UserPin = "4711-test-pin";
    private const string SoPin = "so-pin-for-tests";

    private SoftHsm(string directory, string label)
    {
        Directory = directory;
        TokenLabel = label;
    }

    /// <summary>Debian's SoftHSM2 module.</summary>
    public static string ModulePath { get; } = new[] { "/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so" }
        .FirstOrDefault(File.Exists) ?? "/usr/lib/softhsm/libsofthsm2.so";

    public string Directory { get; }

    public string TokenLabel { get; }

    public string TokenDirectory => Path.Combine(Directory, "tokens");

    public string ConfigurationPath => Path.Combine(Directory, "softhsm2.conf");

    /// <summary>The environment every process using this token needs.</summary>
    public Dictionary<string, string> Environment => new() { ["SOFTHSM2_CONF"] = ConfigurationPath };

    /// <summary>Makes a token labelled <paramref name="label"/> with <see cref="UserPin"/> as its user PIN.</summary>
    public static SoftHsm Create(string label = "trent-test")
    {
        var hsm = new SoftHsm(TestDirectories.New("softhsm-"), label);
        System.IO.Directory.CreateDirectory(hsm.TokenDirectory);
        File.WriteAllText(hsm.ConfigurationPath, $"directories.tokendir = {hsm.TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        hsm.InitialiseToken(label);
        return hsm;
    }

    /// <summary>Initialises another token (in the next free slot) of this configuration.</summary>
    public void InitialiseToken(string label) =>
        Succeed("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SoPin, "--pin", UserPin);

    /// <summary>Generates a sensitive AES-256 key with pkcs11-tool (as an operator or an attacker with the PIN could).</summary>
    public void GenerateAesKey(string keyLabel) =>
        Succeed("pkcs11-tool", "--module", ModulePath, "--token-label", TokenLabel, "--login", "--pin", UserPin,
            "--keygen", "--key-type", "AES:32", "--label", keyLabel, "--sensitive");

    /// <summary>Destroys a secret key with pkcs11-tool, from outside Trent's process (an operator, or a failing HSM).</summary>
    public void DeleteKey(string keyLabel) =>
        Succeed("pkcs11-tool", "--module", ModulePath, "--token-label", TokenLabel, "--login", "--pin", UserPin,
            "--delete-object", "--type", "secrkey", "--label", keyLabel);

    /// <summary>The secret-key objects pkcs11-tool lists in a token, each as its label and its "Access:" line.</summary>
    public IReadOnlyList<(string Label, string Access)> SecretKeys(string? label = null)
    {
        var output = Succeed("pkcs11-tool", "--module", ModulePath, "--token-label", label ?? TokenLabel, "--login", "--pin", UserPin,
            "--list-objects", "--type", "secrkey");
        var keys = new List<(string, string)>();
        string? current = null;
        foreach (var line in output.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("label:", StringComparison.Ordinal))
            {
                current = line["label:".Length..].Trim();
            }
            else if (line.StartsWith("Access:", StringComparison.Ordinal) && current is not null)
            {
                keys.Add((current, line["Access:".Length..].Trim()));
                current = null;
            }
        }

        return keys;
    }

    /// <summary>Asserts the key is in the token, sensitive and never extractable, as pkcs11-tool reads it.</summary>
    public void AssertProtectedKey(string keyLabel, string? tokenLabel = null)
    {
        var keys = SecretKeys(tokenLabel);
        var access = Assert.Single(keys, k => k.Label == keyLabel).Access.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("sensitive", access);          // CKA_SENSITIVE true
        Assert.DoesNotContain("extractable", access);  // CKA_EXTRACTABLE false ("extractable" alone when true)
        Assert.Contains("never extractable", access);  // CKA_NEVER_EXTRACTABLE true: it never was
    }

    public void Dispose() => TestDirectories.TryDelete(Directory);

    private string Succeed(string program, params string[] arguments)
    {
        var (exitCode, output, error) = ToolProcess.Run(program, arguments, Environment);
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({exitCode}): {output}{error}");
        return output;
    }
}
