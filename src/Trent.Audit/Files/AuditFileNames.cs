using System.Globalization;

namespace Trent.Audit.Files;

/// <summary>
/// How audit files are named. Every name carries the node that wrote it, so nodes sharing a directory never
/// write the same file, and a UTC timestamp of fixed width, so names sort in the order the files were started.
/// <c>trent-audit_NODE_yyyyMMddTHHmmssfffZ.jsonl</c> while written, <c>.json.gz</c> once sealed;
/// <c>digest/trent-digest_NODE_yyyyMMddTHHmmssfffZ.json</c> (its end time) with its signature in <c>.json.sig</c>.
/// </summary>
public static class AuditFileNames
{
    public const string LogPrefix = "trent-audit_";
    public const string DigestPrefix = "trent-digest_";
    public const string ActiveExtension = ".jsonl";
    public const string SealedExtension = ".json.gz";
    public const string DigestExtension = ".json";

    /// <summary>Appended to a file whose hash chain is broken: set aside for the auditor, never sealed or signed.</summary>
    public const string BrokenSuffix = ".broken";
    public const string SignatureExtension = ".json.sig";
    public const string DigestDirectory = "digest";
    public const string PublicKeyFile = "trent-audit-public-key.pem";
    private const string StampFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private const int StampLength = 19;

    public static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);

    public static string ActiveLog(string node, DateTimeOffset start) => $"{LogPrefix}{node}_{Stamp(start)}{ActiveExtension}";

    public static string SealedLog(string activeName) => activeName[..^ActiveExtension.Length] + SealedExtension;

    public static string Digest(string node, DateTimeOffset end) => $"{DigestPrefix}{node}_{Stamp(end)}{DigestExtension}";

    public static string SignatureOf(string digestName) => digestName[..^DigestExtension.Length] + SignatureExtension;

    /// <summary>Parses a log or digest file name into its node and time; false for any other name.</summary>
    public static bool TryParse(string fileName, out string node, out DateTimeOffset time)
    {
        node = string.Empty;
        time = default;
        string rest;
        if (fileName.StartsWith(LogPrefix, StringComparison.Ordinal))
        {
            rest = fileName[LogPrefix.Length..];
        }
        else if (fileName.StartsWith(DigestPrefix, StringComparison.Ordinal))
        {
            rest = fileName[DigestPrefix.Length..];
        }
        else
        {
            return false;
        }

        var extension = new[] { SealedExtension, ActiveExtension, DigestExtension }.FirstOrDefault(e => rest.EndsWith(e, StringComparison.Ordinal));
        if (extension is null || rest.Length < extension.Length + StampLength + 2)
        {
            return false;
        }

        rest = rest[..^extension.Length];
        if (rest[^(StampLength + 1)] != '_'
            || !DateTime.TryParseExact(rest[^StampLength..], StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        node = rest[..^(StampLength + 1)];
        time = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }
}
