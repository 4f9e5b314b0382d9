namespace Trent.Crypto.Pkcs11;

/// <summary>Where a token is: its module and either its label or its slot ID.</summary>
public sealed record Pkcs11TokenAddress(string ModulePath, string? TokenLabel, ulong? SlotId = null)
{
    /// <summary>For messages and logs.</summary>
    public override string ToString() =>
        TokenLabel is not null ? $"token '{TokenLabel}' of {ModulePath}" : $"the token in slot {SlotId} of {ModulePath}";
}
