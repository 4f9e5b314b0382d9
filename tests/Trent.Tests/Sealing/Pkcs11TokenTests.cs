using Trent.Crypto.Ciphertext;
using Trent.Crypto.Pkcs11;
using Trent.Domain.Keys;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Sealing;

/// <summary>
/// Token access and the PKCS#11 ciphertext backend in this process, on a real SoftHSM2 token per test. A module
/// reads SOFTHSM2_CONF once per load, so this process has one SoftHSM configuration of its own (these tests are
/// the only in-process users of the module, and each test initialises its own token in it and closes it).
/// </summary>
[Trait("Category", "Pkcs11")]
public sealed class Pkcs11TokenTests
{
    private static readonly Lazy<SoftHsm> Hsm = new(() =>
    {
        var hsm = SoftHsm.Create("in-process-first");
        // The module reads the native environment (getenv), which Environment.SetEnvironmentVariable does not change on Unix.
        Assert.Equal(0, SetNativeEnvironment("SOFTHSM2_CONF", hsm.ConfigurationPath, 1));
        return hsm;
    });

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string value,
        int overwrite);

    [Fact]
    public async Task A_token_key_seals_and_opens_ciphertext_that_names_the_pkcs11_backend()
    {
        var label = NewToken();
        using var token = Pkcs11Token.Open(new Pkcs11TokenAddress(SoftHsm.ModulePath, label), SoftHsm.UserPin);
        token.Run(session => Pkcs11AesKeys.Generate(session, "arn:aws:kms:us-east-1:111122223333:key/k1"));
        var reference = KeyId.ToReference(Guid.NewGuid().ToString());
        var context = new Dictionary<string, string> { ["purpose"] = "test" };
        byte[] plaintext = [1, 2, 3, 4, 5];

        var blob = await Pkcs11Ciphertext.EncryptAsync(token, "arn:aws:kms:us-east-1:111122223333:key/k1", reference, 1, plaintext, context, CancellationToken.None);
        Assert.True(SymmetricCiphertext.TryReadHeader(blob, out var header));
        Assert.Equal(SymmetricCiphertext.Pkcs11Backend, header.Backend);
        Assert.Equal(reference, header.KeyReference);
        var opened = await Pkcs11Ciphertext.TryDecryptAsync(token, "arn:aws:kms:us-east-1:111122223333:key/k1", blob, context, CancellationToken.None);
        Assert.Equal(plaintext, opened);

        // Another context, a flipped bit anywhere, or software material: never opens.
        Assert.Null(await Pkcs11Ciphertext.TryDecryptAsync(token, "arn:aws:kms:us-east-1:111122223333:key/k1", blob, null, CancellationToken.None));
        foreach (var offset in new[] { 0, 5, 20, 22, 30, 60, SymmetricCiphertext.HeaderSize, blob.Length - 1 })
        {
            var tampered = (byte[])blob.Clone();
            tampered[offset] ^= 0x01;
            Assert.True(await Pkcs11Ciphertext.TryDecryptAsync(token, "arn:aws:kms:us-east-1:111122223333:key/k1", tampered, context, CancellationToken.None) is null, $"byte {offset}");
        }

        Assert.False(SymmetricCiphertext.TryDecrypt(new byte[32], blob, context, out _));

        // The key as an independent client sees it: in the token, sensitive, never extractable.
        Hsm.Value.AssertProtectedKey("arn:aws:kms:us-east-1:111122223333:key/k1", label);
    }

    [Fact]
    public async Task The_session_pool_serves_concurrent_callers()
    {
        var label = NewToken();
        using var token = Pkcs11Token.Open(new Pkcs11TokenAddress(SoftHsm.ModulePath, label), SoftHsm.UserPin, maxSessions: 4);
        token.Run(session => Pkcs11AesKeys.Generate(session, "shared"));
        var reference = KeyId.ToReference(Guid.NewGuid().ToString());
        var work = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                byte[] plaintext = [(byte)worker, (byte)i];
                var blob = await Pkcs11Ciphertext.EncryptAsync(token, "shared", reference, 1, plaintext, null, CancellationToken.None);
                var opened = await Pkcs11Ciphertext.TryDecryptAsync(token, "shared", blob, null, CancellationToken.None);
                Assert.Equal(plaintext, opened);
            }
        }));
        await Task.WhenAll(work);
    }

    [Fact]
    public void A_wrong_pin_or_a_missing_token_or_module_is_a_clear_error_without_the_pin()
    {
        var label = NewToken();
        const string wrongPin = "wrong-pin-31337";
        var wrong = Assert.Throws<Pkcs11TokenException>(() => Pkcs11Token.Open(new Pkcs11TokenAddress(SoftHsm.ModulePath, label), wrongPin));
        Assert.Equal(Pkcs11Failure.InvalidCredentials, wrong.Failure);
        Assert.Contains("CKR_PIN_INCORRECT", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPin, wrong.ToString(), StringComparison.Ordinal);

        var missing = Assert.Throws<Pkcs11TokenException>(() => Pkcs11Token.Open(new Pkcs11TokenAddress(SoftHsm.ModulePath, "no-such-token"), SoftHsm.UserPin));
        Assert.Equal(Pkcs11Failure.TokenNotFound, missing.Failure);

        var noModule = Assert.Throws<Pkcs11TokenException>(() => Pkcs11Token.Open(new Pkcs11TokenAddress("/nonexistent/module.so", label), SoftHsm.UserPin));
        Assert.Equal(Pkcs11Failure.ModuleUnavailable, noModule.Failure);
    }

    [Fact]
    public async Task Two_users_of_one_token_share_its_login_and_a_second_user_must_know_the_pin()
    {
        var label = NewToken();
        var address = new Pkcs11TokenAddress(SoftHsm.ModulePath, label);
        using var first = Pkcs11Token.Open(address, SoftHsm.UserPin);
        first.Run(session => Pkcs11AesKeys.Generate(session, "k"));

        // The token is already logged in: a second C_Login would not check the PIN, so Trent does.
        var wrong = Assert.Throws<Pkcs11TokenException>(() => Pkcs11Token.Open(address, "not-the-pin"));
        Assert.Equal(Pkcs11Failure.InvalidCredentials, wrong.Failure);

        var reference = KeyId.ToReference(Guid.NewGuid().ToString());
        using (var second = Pkcs11Token.Open(address, SoftHsm.UserPin))
        {
            var blob = await Pkcs11Ciphertext.EncryptAsync(second, "k", reference, 1, [7], null, CancellationToken.None);
            Assert.NotNull(await Pkcs11Ciphertext.TryDecryptAsync(first, "k", blob, null, CancellationToken.None));
        }

        // The second user closing does not log the first out.
        var again = await Pkcs11Ciphertext.EncryptAsync(first, "k", reference, 1, [8], null, CancellationToken.None);
        var opened = await Pkcs11Ciphertext.TryDecryptAsync(first, "k", again, null, CancellationToken.None);
        Assert.Equal(new byte[] { 8 }, opened);
    }

    [Fact]
    public async Task A_token_removed_while_connected_fails_as_unavailable_not_as_bad_ciphertext()
    {
        var label = NewToken();
        using var token = Pkcs11Token.Open(new Pkcs11TokenAddress(SoftHsm.ModulePath, label), SoftHsm.UserPin);
        token.Run(session => Pkcs11AesKeys.Generate(session, "doomed"));
        var reference = KeyId.ToReference(Guid.NewGuid().ToString());
        var blob = await Pkcs11Ciphertext.EncryptAsync(token, "doomed", reference, 1, [9, 9], null, CancellationToken.None);

        // The token's directory goes (a removed HSM, a wiped slot): its objects with it.
        foreach (var directory in Directory.GetDirectories(Hsm.Value.TokenDirectory))
        {
            if (File.ReadAllText(Path.Combine(directory, "token.object"), System.Text.Encoding.Latin1).Contains(label, StringComparison.Ordinal))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        var failure = await Assert.ThrowsAsync<Pkcs11TokenException>(async () => await Pkcs11Ciphertext.TryDecryptAsync(token, "doomed", blob, null, CancellationToken.None));
        Assert.NotEqual(Pkcs11Failure.OperationFailed, failure.Failure);
    }

    /// <summary>A fresh token of this test's own in the process's SoftHSM configuration.</summary>
    private static string NewToken()
    {
        var label = "t-" + Guid.NewGuid().ToString("N")[..12];
        Hsm.Value.InitialiseToken(label);
        return label;
    }
}
