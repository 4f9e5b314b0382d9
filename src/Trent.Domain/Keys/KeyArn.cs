using System.Diagnostics.CodeAnalysis;

namespace Trent.Domain.Keys;

/// <summary>ARNs of KMS resources: <c>arn:PARTITION:kms:REGION:ACCOUNT:key/ID</c> and <c>…:alias/NAME</c>.</summary>
public static class KeyArn
{
    public static string Format(string partition, string region, string accountId, string keyId) =>
        $"arn:{partition}:kms:{region}:{accountId}:key/{keyId}";

    public static string FormatAlias(string partition, string region, string accountId, string aliasName) =>
        $"arn:{partition}:kms:{region}:{accountId}:{aliasName}";

    /// <summary>Splits a KMS ARN into its parts; the resource is <c>key/ID</c> or <c>alias/NAME</c>.</summary>
    public static bool TryParse(string arn, [NotNullWhen(true)] out ParsedArn? parsed)
    {
        parsed = null;
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[1].Length == 0 || parts[2] != "kms" || parts[3].Length == 0)
        {
            return false;
        }

        if (parts[4].Length != 12 || !parts[4].All(char.IsAsciiDigit))
        {
            return false;
        }

        var resource = parts[5];
        if (resource.StartsWith("key/", StringComparison.Ordinal) && resource.Length > 4)
        {
            parsed = new ParsedArn(parts[1], parts[3], parts[4], IsAlias: false, resource[4..]);
            return true;
        }

        if (resource.StartsWith("alias/", StringComparison.Ordinal) && resource.Length > 6)
        {
            parsed = new ParsedArn(parts[1], parts[3], parts[4], IsAlias: true, resource);
            return true;
        }

        return false;
    }
}

/// <summary>A parsed KMS ARN. For an alias, <see cref="Resource"/> keeps the <c>alias/</c> prefix.</summary>
public sealed record ParsedArn(string Partition, string Region, string AccountId, bool IsAlias, string Resource);
