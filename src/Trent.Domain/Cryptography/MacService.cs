using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Keys;
using Trent.Domain.KeyBackends;

namespace Trent.Domain.Cryptography;

/// <summary>GenerateMac and VerifyMac with HMAC keys (GENERATE_VERIFY_MAC).</summary>
public sealed class MacService(CryptoKeyAccess access, KeyBackendSelector backends)
{
    public async Task<MacResult> GenerateMacAsync(
        RequestContext context, string keyId, byte[] message, MacAlgorithm algorithm, bool dryRun, CancellationToken cancellationToken)
    {
        var key = await ResolveAsync(context, keyId, "kms:GenerateMac", "GenerateMac", algorithm, cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        return new MacResult(key, await backends.Mac(key).GenerateMacAsync(key, message, cancellationToken).ConfigureAwait(false), algorithm);
    }

    /// <summary>Returns when the MAC is valid; a MAC that does not match is KMSInvalidMacException.</summary>
    public async Task<KeyRecord> VerifyMacAsync(
        RequestContext context, string keyId, byte[] message, byte[] mac, MacAlgorithm algorithm, bool dryRun, CancellationToken cancellationToken)
    {
        var key = await ResolveAsync(context, keyId, "kms:VerifyMac", "VerifyMac", algorithm, cancellationToken).ConfigureAwait(false);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        return await backends.Mac(key).VerifyMacAsync(key, message, mac, cancellationToken).ConfigureAwait(false) ? key : throw KmsErrors.InvalidMac();
    }

    private async Task<KeyRecord> ResolveAsync(
        RequestContext context, string keyId, string action, string operation, MacAlgorithm algorithm, CancellationToken cancellationToken)
    {
        context.Conditions.MacAlgorithm = algorithm.ToString();
        var key = await access.ResolveForUseAsync(context, keyId, action, operation, KeyUsage.GENERATE_VERIFY_MAC, cancellationToken).ConfigureAwait(false);
        return KeySpecRules.MacAlgorithms(key).Contains(algorithm)
            ? key
            : throw KmsErrors.IncompatibleAlgorithm(algorithm.ToString(), key.KeySpec.ToString());
    }
}
