using System.Security.Cryptography;
using System.Text;

namespace Trent.Audit.Integrity;

/// <summary>
/// The hash chain that lets the server tell its own records from edited or planted ones. Each group-committed
/// batch is chained to the one before it: <c>head = HMAC-SHA256(K, previous head || batch bytes)</c>, written
/// after the batch as a line of its own (<c>{"trentChain":"hex"}</c>), and each segment starts with the head it
/// continues (<c>{"trentChainStart":"hex"}</c>). K is derived from the audit signing key (sealed under the root
/// key), so whoever can write the audit directory but not read the root key cannot produce a valid chain. A
/// sealed file keeps the chain's start and head and a MAC over its records in a <c>trentChain</c> member beside
/// CloudTrail's <c>Records</c>, which CloudTrail consumers ignore.
/// </summary>
public sealed class AuditChain
{
    public const int Size = 32;
    private static readonly byte[] StartPrefix = "{\"trentChainStart\":\""u8.ToArray();
    private static readonly byte[] LinkPrefix = "{\"trentChain\":\""u8.ToArray();
    private static readonly byte[] SealContext = "trent sealed log v1\n"u8.ToArray();
    private readonly byte[] _key;

    public AuditChain(byte[] key)
    {
        if (key.Length < Size)
        {
            throw new ArgumentException("The chain key must be at least 32 bytes.", nameof(key));
        }

        _key = key;
    }

    /// <summary>The head a node's very first segment continues.</summary>
    public static byte[] Genesis => new byte[Size];

    /// <summary>The length of a chain line: what a segment must keep free for it after a batch.</summary>
    public static int LinkLength => LinkPrefix.Length + (2 * Size) + 3;

    /// <summary>A MAC over the chain (reusable on one thread: the writer keeps one).</summary>
    public IncrementalHash CreateMac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);

    public static byte[] StartLine(ReadOnlySpan<byte> head) => Line(StartPrefix, head);

    public static byte[] LinkLine(ReadOnlySpan<byte> head) => Line(LinkPrefix, head);

    /// <summary>The head of a chain line or start line, or null if the line is a record.</summary>
    public static byte[]? ParseLine(ReadOnlySpan<byte> line, out bool isStart)
    {
        isStart = line.StartsWith(StartPrefix);
        var prefix = isStart ? StartPrefix : LinkPrefix;
        if (!line.StartsWith(prefix) || line.Length != prefix.Length + (2 * Size) + 2 || !line.EndsWith("\"}"u8))
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(Encoding.ASCII.GetString(line.Slice(prefix.Length, 2 * Size)));
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>What a sealed file's <c>trentChain.mac</c> holds: the chain's ends and the SHA-256 of its records.</summary>
    public byte[] SealMac(ReadOnlySpan<byte> start, ReadOnlySpan<byte> head, ReadOnlySpan<byte> recordsSha256)
    {
        using var mac = CreateMac();
        mac.AppendData(SealContext);
        mac.AppendData(start);
        mac.AppendData(head);
        mac.AppendData(recordsSha256);
        return mac.GetHashAndReset();
    }

    private static byte[] Line(byte[] prefix, ReadOnlySpan<byte> head)
    {
        var line = new byte[prefix.Length + (2 * Size) + 3];
        prefix.CopyTo(line, 0);
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(head), line.AsSpan(prefix.Length));
        "\"}\n"u8.CopyTo(line.AsSpan(prefix.Length + (2 * Size)));
        return line;
    }
}

/// <summary>An audit file whose content is not what this server wrote (edited, truncated, planted).</summary>
public sealed class AuditChainBrokenException(string path, string reason) : Exception($"The hash chain of audit file {path} is broken: {reason}.")
{
    public string FilePath { get; } = path;

    public string Reason { get; } = reason;
}
