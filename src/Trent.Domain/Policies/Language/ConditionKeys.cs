namespace Trent.Domain.Policies.Language;

/// <summary>Names of the condition keys Trent supplies (reference digest §7.3 and IAM's global keys).</summary>
public static class ConditionKeys
{
    public const string EncryptionContextPrefix = "kms:EncryptionContext:";
    public const string EncryptionContextKeys = "kms:EncryptionContextKeys";
    public const string CallerAccount = "kms:CallerAccount";
    public const string ViaService = "kms:ViaService";
    public const string KeySpec = "kms:KeySpec";
    public const string KeyUsage = "kms:KeyUsage";
    public const string KeyOrigin = "kms:KeyOrigin";
    public const string CustomerMasterKeySpec = "kms:CustomerMasterKeySpec";
    public const string CustomerMasterKeyUsage = "kms:CustomerMasterKeyUsage";
    public const string MultiRegion = "kms:MultiRegion";
    public const string MultiRegionKeyType = "kms:MultiRegionKeyType";
    public const string ReplicaRegion = "kms:ReplicaRegion";
    public const string PrimaryRegion = "kms:PrimaryRegion";
    public const string EncryptionAlgorithm = "kms:EncryptionAlgorithm";
    public const string SigningAlgorithm = "kms:SigningAlgorithm";
    public const string MacAlgorithm = "kms:MacAlgorithm";
    public const string KeyAgreementAlgorithm = "kms:KeyAgreementAlgorithm";
    public const string MessageType = "kms:MessageType";
    public const string DataKeyPairSpec = "kms:DataKeyPairSpec";
    public const string RequestAlias = "kms:RequestAlias";
    public const string ResourceAliases = "kms:ResourceAliases";
    public const string GrantOperations = "kms:GrantOperations";
    public const string GrantIsForAWSResource = "kms:GrantIsForAWSResource";
    public const string GranteePrincipal = "kms:GranteePrincipal";
    public const string RetiringPrincipal = "kms:RetiringPrincipal";
    public const string GrantConstraintType = "kms:GrantConstraintType";
    public const string BypassPolicyLockoutSafetyCheck = "kms:BypassPolicyLockoutSafetyCheck";
    public const string ReEncryptOnSameKey = "kms:ReEncryptOnSameKey";
    public const string PrincipalArn = "aws:PrincipalArn";
    public const string PrincipalAccount = "aws:PrincipalAccount";
    public const string PrincipalType = "aws:PrincipalType";
    public const string UserId = "aws:userid";
    public const string Username = "aws:username";
    public const string PrincipalTagPrefix = "aws:PrincipalTag/";
    public const string ResourceTagPrefix = "aws:ResourceTag/";
    public const string RequestTagPrefix = "aws:RequestTag/";
    public const string TagKeys = "aws:TagKeys";
    public const string SourceIp = "aws:SourceIp";
    public const string CurrentTime = "aws:CurrentTime";
    public const string EpochTime = "aws:EpochTime";
    public const string SecureTransport = "aws:SecureTransport";
}
