namespace Trent.Audit.Integrity;

public enum AuditFileKind
{
    Log,
    Digest,
}

public enum AuditFileStatus
{
    /// <summary>Listed in a valid digest (log) or signed and chained correctly (digest), and unchanged.</summary>
    Valid,

    /// <summary>Its content differs from what the chain recorded, or its signature does not verify.</summary>
    Modified,

    /// <summary>The chain names it, but it is not there.</summary>
    Missing,

    /// <summary>A digest without a signature, or a log file inside the digested period that no digest lists.</summary>
    Unsigned,

    /// <summary>A log file newer than the newest digest, accepted on request: it cannot be judged yet (not a failure).</summary>
    NotYetDigested,

    /// <summary>A file the trail cannot account for: a node with no digest, a name the server does not write
    /// (or a file the server set aside as broken), or a date in the future.</summary>
    Unexpected,
}

public sealed record AuditFileResult(AuditFileKind Kind, string File, AuditFileStatus Status, string? Detail = null)
{
    public bool Failed => Status is not (AuditFileStatus.Valid or AuditFileStatus.NotYetDigested);
}

public sealed class VerificationReport
{
    public List<AuditFileResult> Files { get; } = [];

    /// <summary>Observations that are not failures by themselves (e.g. the chain ends long before now).</summary>
    public List<string> Warnings { get; } = [];

    public bool Succeeded => !Files.Any(f => f.Failed);

    public AuditFileResult? Find(string fileName) => Files.LastOrDefault(f => f.File == fileName);
}
