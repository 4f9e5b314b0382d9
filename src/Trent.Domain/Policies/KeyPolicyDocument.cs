using System.Text;
using Trent.Domain.Policies.Language;
using Trent.Domain.Errors;

namespace Trent.Domain.Policies;

/// <summary>
/// Key policy text: AWS's default policy, byte for byte, and the checks every submitted policy must pass
/// before it is stored. The policy language itself is in Language/.
/// </summary>
public static class KeyPolicyDocument
{
    public const string DefaultPolicyName = "default";
    public const int MaxBytes = 32 * 1024;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Partition, string AccountId), string> Defaults = new();

    /// <summary>The default policy text of an account (built once per account, then shared).</summary>
    public static string Default(string partition, string accountId) =>
        Defaults.GetOrAdd((partition, accountId), static k => Build(k.Partition, k.AccountId));

    private static string Build(string partition, string accountId) =>
        "{\n" +
        "  \"Version\" : \"2012-10-17\",\n" +
        "  \"Id\" : \"key-default-1\",\n" +
        "  \"Statement\" : [ {\n" +
        "    \"Sid\" : \"Enable IAM User Permissions\",\n" +
        "    \"Effect\" : \"Allow\",\n" +
        "    \"Principal\" : {\n" +
        $"      \"AWS\" : \"arn:{partition}:iam::{accountId}:root\"\n" +
        "    },\n" +
        "    \"Action\" : \"kms:*\",\n" +
        "    \"Resource\" : \"*\"\n" +
        "  } ]\n" +
        "}";

    public static void Validate(string policy)
    {
        if (Encoding.UTF8.GetByteCount(policy) > MaxBytes)
        {
            throw KmsErrors.LimitExceeded($"The key policy is larger than the maximum of {MaxBytes} bytes.");
        }

        try
        {
            PolicyParser.Parse(policy, PolicyKind.Resource);
        }
        catch (PolicyFormatException e)
        {
            throw KmsErrors.MalformedPolicy(e.Message);
        }
    }

    /// <summary>AWS's answer when the lockout safety check fails.</summary>
    public static KmsException LockoutError() =>
        KmsErrors.MalformedPolicy("The new key policy will not allow you to update the key policy in the future.");
}
