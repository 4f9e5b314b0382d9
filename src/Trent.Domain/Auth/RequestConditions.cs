namespace Trent.Domain.Auth;

/// <summary>
/// The request-specific values that policy conditions can test, set by the domain service before it calls
/// <see cref="IAuthorizer.Authorize"/>: e.g. <c>context.Conditions.SigningAlgorithm = "ECDSA_SHA_256"</c>.
/// Caller, key and time keys (<c>aws:PrincipalArn</c>, <c>kms:KeySpec</c>, <c>aws:CurrentTime</c>...) are
/// derived by the authorizer and need not be set. Anything without a property goes through <see cref="Set"/>.
/// </summary>
public sealed class RequestConditions
{
    private Dictionary<string, IReadOnlyList<string>>? _other;

    /// <summary>kms:EncryptionContext:* and kms:EncryptionContextKeys.</summary>
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; set; }

    /// <summary>kms:EncryptionAlgorithm (also for ReEncrypt's source and destination, set before each call).</summary>
    public string? EncryptionAlgorithm { get; set; }

    /// <summary>kms:SigningAlgorithm (Sign, Verify).</summary>
    public string? SigningAlgorithm { get; set; }

    /// <summary>kms:MacAlgorithm (GenerateMac, VerifyMac).</summary>
    public string? MacAlgorithm { get; set; }

    /// <summary>kms:KeyAgreementAlgorithm (DeriveSharedSecret).</summary>
    public string? KeyAgreementAlgorithm { get; set; }

    /// <summary>kms:MessageType (Sign, Verify).</summary>
    public string? MessageType { get; set; }

    /// <summary>kms:DataKeyPairSpec (GenerateDataKeyPair*).</summary>
    public string? DataKeyPairSpec { get; set; }

    /// <summary>GrantTokens of the request: grants they name are honoured at once.</summary>
    public IReadOnlyList<string>? GrantTokens { get; set; }

    /// <summary>kms:RequestAlias: the alias name (alias/...) the request named the key by, if it did.</summary>
    public string? RequestAlias { get; set; }

    /// <summary>aws:RequestTag/* and aws:TagKeys (CreateKey, TagResource).</summary>
    public IReadOnlyDictionary<string, string>? RequestTags { get; set; }

    /// <summary>aws:TagKeys when no tag values come with the request (UntagResource).</summary>
    public IReadOnlyList<string>? TagKeys { get; set; }

    /// <summary>kms:GrantOperations (CreateGrant).</summary>
    public IReadOnlyList<string>? GrantOperations { get; set; }

    /// <summary>kms:GranteePrincipal (CreateGrant).</summary>
    public string? GranteePrincipal { get; set; }

    /// <summary>kms:RetiringPrincipal (CreateGrant).</summary>
    public string? RetiringPrincipal { get; set; }

    /// <summary>kms:GrantConstraintType (CreateGrant): EncryptionContextEquals and/or EncryptionContextSubset.</summary>
    public IReadOnlyList<string>? GrantConstraintTypes { get; set; }

    /// <summary>The constraints of a grant being created, so a grant used for CreateGrant can require them to be as strict as its own.</summary>
    public Grants.GrantConstraints? ChildGrantConstraints { get; set; }

    /// <summary>kms:GrantIsForAWSResource (CreateGrant, ListGrants, RevokeGrant); false for every caller of Trent.</summary>
    public bool? GrantIsForAWSResource { get; set; }

    /// <summary>kms:BypassPolicyLockoutSafetyCheck (CreateKey, PutKeyPolicy).</summary>
    public bool? BypassPolicyLockoutSafetyCheck { get; set; }

    /// <summary>kms:ReEncryptOnSameKey (ReEncrypt).</summary>
    public bool? ReEncryptOnSameKey { get; set; }

    /// <summary>Any other condition key, e.g. <c>Set("kms:RotationPeriodInDays", "365")</c>.</summary>
    public void Set(string key, params string[] values)
    {
        _other ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        _other[key] = values;
    }

    public bool TryGetOther(string key, out IReadOnlyList<string> values)
    {
        if (_other is not null && _other.TryGetValue(key, out var found))
        {
            values = found;
            return true;
        }

        values = [];
        return false;
    }
}
