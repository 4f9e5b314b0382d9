using System.Globalization;
using System.Text;

namespace Trent.Audit.Integrity;

/// <summary>
/// What a digest signature covers, modelled on CloudTrail's log file integrity validation: the digest's end
/// time, its file name, the SHA-256 of its bytes and the previous digest's signature, one per line. Signing
/// the previous signature chains the digests, so none can be removed, replaced or reordered unnoticed.
/// </summary>
public static class DigestFormat
{
    public const string HashAlgorithm = "SHA-256";

    public static byte[] SigningString(DateTimeOffset digestEndTime, string digestFileName, string digestSha256, string? previousSignature) =>
        Encoding.UTF8.GetBytes(string.Join(
            '\n',
            Time(digestEndTime),
            digestFileName,
            digestSha256,
            previousSignature ?? "null"));

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
