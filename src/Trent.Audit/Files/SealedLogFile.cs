namespace Trent.Audit.Files;

/// <summary>A log file that is complete and durable: what a digest lists about it.</summary>
/// <param name="Sha256">Hex SHA-256 of the file's bytes as stored (the compressed file).</param>
/// <param name="ChainStart">Hex chain head the file continues (see <see cref="Integrity.AuditChain"/>).</param>
/// <param name="ChainHead">Hex chain head after its last batch.</param>
public sealed record SealedLogFile(
    string Path, string Sha256, DateTimeOffset? OldestEventTime, DateTimeOffset? NewestEventTime, int Records, string ChainStart, string ChainHead)
{
    public string Name => System.IO.Path.GetFileName(Path);
}
