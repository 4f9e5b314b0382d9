using System.Collections.Concurrent;
using System.Collections.Frozen;
using Trent.Protocol.AwsJson;

namespace Trent.Protocol.Quotas;

/// <summary>
/// Token buckets per account, Region and operation class (AWS's quotas are per account per Region): each allows its rate per second, with a burst of one
/// second's worth. A request over quota gets AWS's ThrottlingException, which every AWS SDK retries with
/// backoff. Quotas are per node; with several nodes behind a balancer each enforces its share.
/// </summary>
public sealed class RequestQuotas(QuotaOptions options, TimeProvider clock)
{
    public const string ThrottlingMessage = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.";

    /// <summary>AWS's default per-operation quotas for management operations (digest §8.1).</summary>
    private static readonly FrozenDictionary<string, double> ManagementDefaults = new Dictionary<string, double>
    {
        ["DescribeKey"] = 2000, ["GetPublicKey"] = 2000, ["ListResourceTags"] = 2000,
        ["GetKeyPolicy"] = 1000, ["GetKeyRotationStatus"] = 1000,
        ["ListAliases"] = 500, ["ListKeys"] = 500,
        ["ListGrants"] = 100, ["ListKeyPolicies"] = 100, ["ListRetirableGrants"] = 100, ["ListKeyRotations"] = 100,
        ["CreateGrant"] = 50, ["RetireGrant"] = 50, ["RevokeGrant"] = 50,
        ["DeleteAlias"] = 15, ["EnableKeyRotation"] = 15, ["PutKeyPolicy"] = 15, ["ScheduleKeyDeletion"] = 15,
        ["DeleteImportedKeyMaterial"] = 15, ["ImportKeyMaterial"] = 15,
        ["TagResource"] = 10,
        ["GetParametersForImport"] = 1,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const double OtherManagementDefault = 5;
    private readonly ConcurrentDictionary<(string Account, string Region, string Bucket), TokenBucket> _buckets = new();

    public bool Enabled => options.Enabled;

    /// <summary>Takes one request from the caller's bucket for <paramref name="operation"/>, or throws ThrottlingException.</summary>
    public void Take(string accountId, string region, string operation)
    {
        if (!options.Enabled)
        {
            return;
        }

        var (bucket, rate) = Classify(operation);
        var tokens = _buckets.GetOrAdd((accountId, region, bucket), static (_, r) => new TokenBucket(r.Rate, r.Now), (Rate: rate, Now: clock.GetTimestamp()));
        if (!tokens.TryTake(clock.GetTimestamp(), clock.TimestampFrequency))
        {
            throw new AwsProtocolException(new AwsError("ThrottlingException", 400, ThrottlingMessage));
        }
    }

    private (string Bucket, double Rate) Classify(string operation) => operation switch
    {
        "Encrypt" or "Decrypt" or "ReEncrypt" or "GenerateDataKey" or "GenerateDataKeyWithoutPlaintext" or "GenerateMac" or "VerifyMac"
            => ("cryptographic-symmetric", options.SymmetricCryptoPerSecond),
        "Sign" or "Verify" or "DeriveSharedSecret" => ("cryptographic-asymmetric", options.AsymmetricCryptoPerSecond),
        "GenerateDataKeyPair" or "GenerateDataKeyPairWithoutPlaintext" => ("generate-data-key-pair", options.GenerateDataKeyPairPerSecond),
        "GenerateRandom" => ("generate-random", options.GenerateRandomPerSecond),
        _ => (operation, options.ManagementPerSecond.TryGetValue(operation, out var rate) ? rate
            : ManagementDefaults.TryGetValue(operation, out var fallback) ? fallback : OtherManagementDefault),
    };

    private sealed class TokenBucket(double ratePerSecond, long now)
    {
        private readonly Lock _lock = new();
        private readonly double _rate = ratePerSecond;
        private double _tokens = ratePerSecond;
        private long _last = now;

        public bool TryTake(long now, long frequency)
        {
            lock (_lock)
            {
                var elapsed = Math.Max(0, now - _last) / (double)frequency;
                _tokens = Math.Min(_rate, _tokens + (elapsed * _rate));
                _last = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
                return true;
            }
        }
    }
}
