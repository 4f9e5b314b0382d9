using Microsoft.Win32.SafeHandles;
using Trent.Crypto.RootOfTrust;
using Trent.Crypto.Sealing;
using Trent.Domain.Sealing;

namespace Trent.Server.Startup;

/// <summary>
/// Opens the configured root of trust and, through it, the database's domain keys. A root is only ever created
/// for a database that holds nothing sealed yet: a missing or wrong root never silently replaces the real one.
/// </summary>
internal static class RootOfTrustOpening
{
    public static async Task<(IRootOfTrust Root, DomainKeyRing Ring)> OpenAsync(
        TrentServerOptions options, StoreWiring store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var wrapped = await store.KeyHierarchy.ListWrappedKeysAsync(cancellationToken).ConfigureAwait(false);
        // Before the hierarchy, access keys (the administrator's, made at the first start) were the sign of sealed data.
        var legacyData = wrapped.Count == 0 && await store.Credentials.CountAccessKeysAsync(cancellationToken).ConfigureAwait(false) > 0;
        var root = Open(options, mayCreate: wrapped.Count == 0 && !legacyData);
        try
        {
            Func<byte[]>? legacyFingerprint = null;
            if (legacyData)
            {
                legacyFingerprint = root is FileRootOfTrust file
                    ? file.LegacyFingerprintKey
                    : throw new StartupException(
                        $"--root-of-trust: the database holds values sealed directly under a root key file by an older Trent; start once with --root-of-trust file (the file {options.RootKeyPath}) to upgrade them, then move to {options.RootOfTrust}.",
                        StartupFailure.Environment);
            }

            var ring = await KeyHierarchy.OpenAsync(root, store.KeyHierarchy, clock, legacyFingerprint, options.KeyHierarchy.ActivationDelay, cancellationToken).ConfigureAwait(false);
            return (root, ring);
        }
        catch (RootOfTrustUnavailableException e)
        {
            root.Dispose();
            throw new StartupException(e.Message, StartupFailure.Environment, e);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>The one-time upgrade of an installation made before the key hierarchy: every value sealed directly
    /// under the root key file is re-sealed under the domain key (access keys now bound to their principal's type and
    /// unique ID), then a marker retires the first format for good. Re-run at the next start if interrupted.</summary>
    public static async Task UpgradeAsync(IRootOfTrust root, Sealer sealer, StoreWiring store, TrentServerOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await store.KeyHierarchy.HasMarkerAsync(KeyHierarchy.LegacyRetiredMarker, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        SealedValueOpener? legacy = root is FileRootOfTrust file ? file.UnsealLegacy : null;
        try
        {
            await new Resealer(store.Keys, store.Credentials, store.CustomKeyStores, sealer).RunAsync(legacy, progress: null, cancellationToken).ConfigureAwait(false);
            Trent.Audit.Integrity.AuditSigningKey.Reseal(options.AuditSigningKeyPath, sealer, legacy);
        }
        catch (Exception e) when (e is SealedValueException or System.Security.Cryptography.CryptographicException)
        {
            throw new StartupException(e.Message, StartupFailure.Environment, e);
        }

        await store.KeyHierarchy.SetMarkerAsync(KeyHierarchy.LegacyRetiredMarker, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private static IRootOfTrust Open(TrentServerOptions options, bool mayCreate)
    {
        try
        {
            return options.RootOfTrust switch
            {
                "file" => FileRootOfTrust.Open(options.RootKeyPath, mayCreate),
                "passphrase" => PassphraseRootOfTrust.Create(Passphrase(options), PassphraseSource(options)),
                "pkcs11" => OpenPkcs11(options, mayCreate),
                _ => throw new StartupException($"--root-of-trust: '{options.RootOfTrust}' is not a root of trust; use file, passphrase or pkcs11."),
            };
        }
        catch (RootOfTrustUnavailableException e)
        {
            throw new StartupException(e.Message, StartupFailure.Environment, e);
        }
    }

    private static Pkcs11RootOfTrust OpenPkcs11(TrentServerOptions options, bool mayCreate)
    {
        var module = options.Pkcs11Module ?? throw new StartupException("--root-of-trust pkcs11: give the token's module with --pkcs11-module.");
        var token = options.Pkcs11Token ?? throw new StartupException("--root-of-trust pkcs11: give the token's label with --pkcs11-token.");
        var pin = options.Pkcs11PinFile is { } file
            ? ReadFirstLine(() => File.OpenText(file), $"--pkcs11-pin-file: {file}")
            : options.Pkcs11Pin ?? throw new StartupException(
                "--root-of-trust pkcs11: give the token user's PIN in TRENT_PKCS11_PIN or --pkcs11-pin-file.");
        return Pkcs11RootOfTrust.Open(new Trent.Crypto.Pkcs11.Pkcs11TokenAddress(module, token), pin, options.Pkcs11KeyLabel, mayCreate);
    }

    private static string PassphraseSource(TrentServerOptions options) =>
        options.RootPassphraseFile is { } file ? $"file {file}"
        : options.RootPassphraseFd is { } fd ? $"file descriptor {fd}"
        : options.RootPassphrase is not null ? "TRENT_ROOT_PASSPHRASE"
        : "prompt";

    private static string Passphrase(TrentServerOptions options)
    {
        if (options.RootPassphraseFile is { } path)
        {
            return ReadFirstLine(() => File.OpenText(path), $"--root-passphrase-file: {path}");
        }

        if (options.RootPassphraseFd is { } fd)
        {
            return ReadFirstLine(
                () => new StreamReader(new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read)),
                $"--root-passphrase-fd: file descriptor {fd}");
        }

        if (options.RootPassphrase is { } passphrase)
        {
            return passphrase;
        }

        if (Console.IsInputRedirected || Console.IsErrorRedirected)
        {
            throw new StartupException(
                "--root-of-trust passphrase: give the passphrase in TRENT_ROOT_PASSPHRASE, --root-passphrase-file or --root-passphrase-fd (there is no terminal to prompt on).");
        }

        Console.Error.Write("Root passphrase: ");
        var typed = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return typed.ToString();
    }

    private static string ReadFirstLine(Func<TextReader> open, string what)
    {
        try
        {
            using var reader = open();
            return reader.ReadLine() ?? string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new StartupException($"{what} cannot be read: {e.Message}", StartupFailure.Environment, e);
        }
    }
}
