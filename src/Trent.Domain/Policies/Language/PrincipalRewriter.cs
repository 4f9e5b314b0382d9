using System.Text;
using System.Text.Json;

namespace Trent.Domain.Policies.Language;

/// <summary>
/// What IAM does to resource and trust policies when a user or role is deleted: every Principal or NotPrincipal
/// "AWS" value naming its ARN becomes its unique ID, so that an identity later created under the same name is
/// not the one the policy meant. Only principal values change; a Condition comparing aws:PrincipalArn with the ARN
/// is plain text in AWS too and keeps matching the name.
/// The policy is tokenized rather than searched, so an ARN written with JSON escapes (<c>\/</c>, <c>\u0062</c>)
/// is found as well; the rest of the text is kept byte for byte.
/// </summary>
public static class PrincipalRewriter
{
    /// <summary>The policy with <paramref name="arn"/> replaced by <paramref name="uniqueId"/> as a principal, or null
    /// when it names no such principal (or is not JSON: a policy that does not parse allows nothing anyway).</summary>
    public static string? Rewrite(string policy, string arn, string uniqueId)
    {
        var utf8 = Encoding.UTF8.GetBytes(policy);
        List<(int Start, int Length)> matches;
        try
        {
            matches = FindPrincipal(utf8, arn);
        }
        catch (JsonException)
        {
            return null;
        }

        if (matches.Count == 0)
        {
            return null;
        }

        // Unique IDs are upper-case letters and digits: quoting them needs no escapes.
        var replacement = Encoding.UTF8.GetBytes($"\"{uniqueId}\"");
        var output = new List<byte>(utf8.Length);
        var position = 0;
        foreach (var (start, length) in matches)
        {
            output.AddRange(utf8.AsSpan(position, start - position));
            output.AddRange(replacement);
            position = start + length;
        }

        output.AddRange(utf8.AsSpan(position));
        return Encoding.UTF8.GetString([.. output]);
    }

    /// <summary>Where the quoted strings naming <paramref name="arn"/> under Statement[*].(Not)Principal.AWS are.</summary>
    private static List<(int Start, int Length)> FindPrincipal(byte[] utf8, string arn)
    {
        var matches = new List<(int, int)>();
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray, null));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    frames[^1] = frames[^1] with { Property = reader.GetString() };
                    break;
                case JsonTokenType.String when IsAwsPrincipal(frames) && reader.GetString() == arn:
                    // A string token starts at its opening quote; its value span is the raw (escaped) text between the quotes.
                    matches.Add(((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2));
                    break;
            }
        }

        return matches;
    }

    /// <summary>Whether the frames are { "Statement": [ { "Principal"|"NotPrincipal": { "AWS": value or [ value ] } } ] }.</summary>
    private static bool IsAwsPrincipal(List<Frame> frames)
    {
        if (frames.Count < 3 || frames[0] is not { IsArray: false, Property: "Statement" })
        {
            return false;
        }

        var statement = frames[1].IsArray ? 2 : 1;
        if (frames.Count <= statement + 1
            || frames[statement] is not { IsArray: false, Property: "Principal" or "NotPrincipal" }
            || frames[statement + 1] is not { IsArray: false, Property: "AWS" })
        {
            return false;
        }

        return frames.Count == statement + 2 || (frames.Count == statement + 3 && frames[^1].IsArray);
    }

    private readonly record struct Frame(bool IsArray, string? Property);
}
