using System.Text;
using Trent.Protocol.Query;

namespace Trent.Tests.Fuzz;

/// <summary>
/// Mutated IAM and STS query-protocol requests (form-encoded): every action with its members, plausible or hostile
/// values (control characters, NUL, non-ASCII, names confused with the root, oversized documents), and form-level
/// damage (empty parameter names, broken percent-encoding, invalid UTF-8, duplicate or missing Action).
/// </summary>
public sealed class QueryFuzzer(FuzzTargets targets)
{
    private static readonly string[] Tagged = ["Tags"];

    /// <summary>The members of each action (<c>Tags</c> expands to Tags.member.N.Key/Value).</summary>
    private static readonly Dictionary<string, string[]> Iam = new(StringComparer.Ordinal)
    {
        ["CreateUser"] = ["UserName", "Path", .. Tagged],
        ["GetUser"] = ["UserName"],
        ["ListUsers"] = ["PathPrefix", "Marker", "MaxItems"],
        ["DeleteUser"] = ["UserName"],
        ["CreateAccessKey"] = ["UserName"],
        ["ListAccessKeys"] = ["UserName", "Marker", "MaxItems"],
        ["DeleteAccessKey"] = ["AccessKeyId", "UserName"],
        ["CreateRole"] = ["RoleName", "Path", "AssumeRolePolicyDocument", "Description", "MaxSessionDuration", .. Tagged],
        ["GetRole"] = ["RoleName"],
        ["ListRoles"] = ["PathPrefix", "Marker", "MaxItems"],
        ["DeleteRole"] = ["RoleName"],
        ["PutUserPolicy"] = ["UserName", "PolicyName", "PolicyDocument"],
        ["PutRolePolicy"] = ["RoleName", "PolicyName", "PolicyDocument"],
        ["GetUserPolicy"] = ["UserName", "PolicyName"],
        ["GetRolePolicy"] = ["RoleName", "PolicyName"],
        ["ListUserPolicies"] = ["UserName", "Marker", "MaxItems"],
        ["ListRolePolicies"] = ["RoleName", "Marker", "MaxItems"],
        ["DeleteUserPolicy"] = ["UserName", "PolicyName"],
        ["DeleteRolePolicy"] = ["RoleName", "PolicyName"],
    };

    private static readonly Dictionary<string, string[]> Sts = new(StringComparer.Ordinal)
    {
        ["GetCallerIdentity"] = [],
        ["AssumeRole"] = ["RoleArn", "RoleSessionName", "DurationSeconds", "ExternalId", "Policy"],
    };

    /// <summary>The actions this fuzzer knows must be the actions the server answers: a new action must be fuzzed too.</summary>
    public static void CheckCoverage()
    {
        Assert.Equal(IamActions.Names.Order(StringComparer.Ordinal), Iam.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(StsActions.Names.Order(StringComparer.Ordinal), Sts.Keys.Order(StringComparer.Ordinal));
    }

    public FuzzRequest Next(Random random)
    {
        var iam = random.Next(5) != 0;
        var actions = iam ? Iam : Sts;
        var (action, members) = actions.ElementAt(random.Next(actions.Count));
        var service = random.Next(30) == 0 ? (iam ? "sts" : "iam") : (iam ? "iam" : "sts");
        var pairs = new List<(string Name, string Value)>();
        switch (random.Next(30))
        {
            case 0:
                break; // no Action at all
            case 1:
                pairs.Add(("Action", FuzzValues.String(random)));
                break;
            case 2:
                pairs.Add(("Action", action));
                pairs.Add(("Action", "DeleteUser"));
                break;
            default:
                pairs.Add(("Action", action));
                break;
        }

        pairs.Add(("Version", random.Next(20) == 0 ? FuzzValues.String(random) : iam ? "2010-05-08" : "2011-06-15"));
        foreach (var member in members)
        {
            if (random.Next(10) < 2)
            {
                continue;
            }

            if (member == "Tags")
            {
                for (var i = 1; i <= (random.Next(15) == 0 ? 60 : random.Next(0, 4)); i++)
                {
                    pairs.Add(($"Tags.member.{i}.Key", random.Next(2) == 0 ? "team" + i : FuzzValues.String(random)));
                    if (random.Next(5) != 0)
                    {
                        pairs.Add(($"Tags.member.{i}.Value", random.Next(2) == 0 ? "blue" : FuzzValues.String(random)));
                    }
                }

                continue;
            }

            pairs.Add((member, random.Next(5) < 3 ? Plausible(random, member) : FuzzValues.String(random)));
        }

        if (random.Next(8) == 0)
        {
            pairs.Add((random.Next(3) switch { 0 => string.Empty, 1 => FuzzValues.String(random), _ => "Extra" }, FuzzValues.String(random)));
        }

        var body = Form(random, pairs);
        var contentType = random.Next(25) switch
        {
            0 => "application/x-www-form-urlencoded",
            1 => "application/x-www-form-urlencoded; charset=iso-8859-1",
            2 => "application/x-www-form-urlencodedX",
            _ => "application/x-www-form-urlencoded; charset=utf-8",
        };
        return new FuzzRequest(iam ? "iam" : "sts", action, service, null, contentType, body);
    }

    private string Plausible(Random random, string member) => member switch
    {
        "UserName" => targets.IdentityName(random),
        "RoleName" => targets.IdentityName(random),
        "Path" or "PathPrefix" => random.Next(3) == 0 ? "/" : "/team/",
        "AssumeRolePolicyDocument" => targets.TrustPolicy,
        "PolicyDocument" or "Policy" => targets.IdentityPolicy,
        "PolicyName" => "p" + random.Next(3),
        "Description" => "a role for " + FuzzValues.Alnum(random, 5),
        "MaxSessionDuration" or "DurationSeconds" => FuzzValues.Number(random),
        "MaxItems" => random.Next(-1, 1002).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "AccessKeyId" => "AKIA" + FuzzValues.Alnum(random, 16).ToUpperInvariant(),
        "RoleArn" => targets.RoleArn(random),
        "RoleSessionName" => "s-" + FuzzValues.Alnum(random, 6),
        _ => FuzzValues.Alnum(random, 8),
    };

    /// <summary>The form body, percent-encoded as an SDK sends it, or damaged at the byte level.</summary>
    private static byte[] Form(Random random, List<(string Name, string Value)> pairs)
    {
        var text = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        switch (random.Next(25))
        {
            case 0:
                return [];
            case 1:
                return Encoding.UTF8.GetBytes("=&=x&&" + text + "&%&%ZZ=%G1&a=%");
            case 2:
                return Encoding.UTF8.GetBytes(text + "&UserName=%00%01%1F%7F&RoleName=%C3%28&Description=%ED%A0%80%FF");
            case 3:
                return [.. Encoding.UTF8.GetBytes(text + "&Description="), .. FuzzValues.InvalidUtf8(random), .. Encoding.UTF8.GetBytes("x")];
            case 4:
                // Raw (not percent-encoded) control characters and non-ASCII.
                return Encoding.UTF8.GetBytes(string.Join('&', pairs.Select(p => p.Name + "=" + p.Value)));
            case 5:
                return Encoding.UTF8.GetBytes(text + "&PolicyDocument=" + new string('a', 200_000));
            default:
                return Encoding.UTF8.GetBytes(text);
        }
    }
}
