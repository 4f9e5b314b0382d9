using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Trent.Domain.Grants;

/// <summary>
/// Grant IDs (64 hex characters, as AWS's look) and grant tokens: an opaque URL-safe string that names its grant,
/// so a grant can be used through its token at once.
/// </summary>
public static partial class GrantTokens
{
    private const string Prefix = "trent-grant-v1:";

    public static string NewGrantId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string NewToken(string grantId) =>
        Base64Url(Encoding.ASCII.GetBytes(Prefix + grantId + ":" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))));

    /// <summary>The grant ID a token names, or null if it is not a grant token of this server.</summary>
    public static string? GrantIdOf(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(padded));
            var match = TokenPattern().Match(text);
            return match.Success ? match.Groups[1].Value : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool IsGrantId(string value) => GrantIdPattern().IsMatch(value);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^trent-grant-v1:([0-9a-f]{64}):[0-9a-f]{32}$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex GrantIdPattern();
}
