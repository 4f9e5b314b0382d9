namespace Trent.Domain.Keys;

public sealed record Tag(string Key, string Value);
