using System.Globalization;
using System.Text;

namespace Trent.Tests.Fuzz;

/// <summary>The hostile values both fuzzers draw from: control characters, non-ASCII, huge and odd numbers, deep nesting.</summary>
public static class FuzzValues
{
    public static readonly string[] HostileStrings =
    [
        "", " ", "\0", "a\0b", "\u0001", "x\u0007y", "\u001f", "\u007f", "\t\r\n", "\uFFFE", "\uFFFF", "é", "名前", "𝔘𝔫𝔦",
        "\u202Eevil", "root", "ROOT", "Root", "' OR 1=1 --", "%00", "%ZZ", "../../etc/passwd", "<a>&amp;</a>", "]]>", "${aws:username}",
        "alias/", "alias/aws/ebs", "arn:aws:kms:us-east-1:111122223333:key/", "arn:aws:iam::111122223333:root", "/", "//", "/a b/",
        "a,b=c@d.e+f-g_h", "*", "?", "\\", "\"", "{}", "[]", "null", "-1", "99999999999999999999", "1e400", "true",
    ];

    public static readonly string[] HostileNumbers =
    [
        "0", "-0", "1", "-1", "7", "900", "3600", "43200", "43201", "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "18446744073709551616", "1e308", "1e400", "-1e400", "1.5", "1e-400", "4E2",
        "123456789012345678901234567890",
    ];

    /// <summary>A hostile string: a listed one, a random mix of control and non-ASCII characters, or a long one.</summary>
    public static string String(Random random) => random.Next(10) switch
    {
        < 6 => HostileStrings[random.Next(HostileStrings.Length)],
        < 8 => Mixed(random, random.Next(1, 40)),
        9 => new string((char)random.Next(0x20, 0x7f), random.Next(200, 3000)),
        _ => Mixed(random, random.Next(100, 2000)),
    };

    /// <summary>Random characters from every troublesome class: C0 controls, ASCII, Latin-1, BMP, surrogate pairs, noncharacters.</summary>
    public static string Mixed(Random random, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(7))
            {
                case 0:
                    builder.Append((char)random.Next(0, 0x20));
                    break;
                case 1 or 2:
                    builder.Append((char)random.Next(0x20, 0x7f));
                    break;
                case 3:
                    builder.Append((char)random.Next(0x80, 0x100));
                    break;
                case 4:
                    builder.Append((char)random.Next(0x100, 0xd800));
                    break;
                case 5:
                    builder.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x10ffff)));
                    break;
                default:
                    builder.Append(random.Next(2) == 0 ? '\uFFFE' : '\u0085');
                    break;
            }
        }

        return builder.ToString();
    }

    public static string Alnum(Random random, int length)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        return new string([.. Enumerable.Range(0, length).Select(_ => chars[random.Next(chars.Length)])]);
    }

    public static string Number(Random random) => HostileNumbers[random.Next(HostileNumbers.Length)];

    public static string Base64(Random random, int maxBytes)
    {
        var bytes = new byte[random.Next(0, maxBytes + 1)];
        random.NextBytes(bytes);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong form, an encoded surrogate, 0xFF.</summary>
    public static byte[] InvalidUtf8(Random random) => random.Next(6) switch
    {
        0 => [0x80],
        1 => [0xC3],
        2 => [0xC0, 0xAF],
        3 => [0xED, 0xA0, 0x80],
        4 => [0xF4, 0x90, 0x80, 0x80],
        _ => [0xFF, 0xFE],
    };

    /// <summary>Nested arrays or objects, deeper than any parser's default limit when the depth is large.</summary>
    public static string Nesting(Random random)
    {
        var depth = random.Next(4) == 0 ? random.Next(1000, 20000) : random.Next(2, 200);
        var balanced = random.Next(3) != 0;
        return random.Next(2) == 0
            ? new string('[', depth) + (balanced ? new string(']', depth) : string.Empty)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + (balanced ? new string('}', depth) : string.Empty);
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
