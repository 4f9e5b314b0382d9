using System.Text;
using System.Text.Json;
using Trent.Domain.Errors;

namespace Trent.Domain.Policies;

/// <summary>
/// Key policy text: AWS's default policy, byte for byte, and the checks every submitted policy must pass
/// before it is stored. Enforcement of the policy language comes with the access-control work.
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

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(policy, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw KmsErrors.MalformedPolicy($"The policy is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw KmsErrors.MalformedPolicy("The policy must be a JSON object.");
            }

            if (!root.TryGetProperty("Statement", out var statement)
                || statement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            {
                throw KmsErrors.MalformedPolicy("The policy must contain a Statement element.");
            }
        }
    }
}
