using System.Text.RegularExpressions;

namespace Trent.Protocol.AwsJson;

public static partial class ModelPatterns
{
    [GeneratedRegex("^[a-f0-9]{64}$")]
    public static partial Regex KeyMaterialId();

    [GeneratedRegex("^[a-zA-Z0-9:/_\\s.-]+$")]
    public static partial Regex KeyMaterialDescription();
}
