using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Sealing;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson.Admin;

/// <summary>
/// Trent's own operations, beside the KMS API on the same endpoint and signed for <c>kms</c> like it
/// (<c>X-Amz-Target: TrentAdmin.&lt;Op&gt;</c>): authenticated, authorized and audited by the one request
/// pipeline, so an operator's action leaves the same record as any other request.
/// </summary>
internal static class TrentAdmin
{
    public const string TargetPrefix = "TrentAdmin.";

    public static DomainKeyVersionEntry Entry(DomainKeyVersionInfo info) => new()
    {
        Version = info.Version,
        CreationDate = info.CreatedAt,
        ActivationDate = info.ActivatesAt,
        Current = info.Current,
    };
}

/// <summary><c>trent root rotate</c>: a new domain key; older values are re-sealed under it in the background.</summary>
internal sealed class RotateDomainKeyOperation(DomainKeyService domainKeys) : KmsOperation<AdminEmptyRequest, RotateDomainKeyResponse>
{
    public override string Name => "RotateDomainKey";

    public override string Target => TrentAdmin.TargetPrefix + Name;

    private protected override JsonTypeInfo<AdminEmptyRequest> RequestType => AdminJsonContext.Default.AdminEmptyRequest;

    private protected override JsonTypeInfo<RotateDomainKeyResponse> ResponseType => AdminJsonContext.Default.RotateDomainKeyResponse;

    protected override async Task<RotateDomainKeyResponse> ExecuteAsync(RequestContext context, AdminEmptyRequest request, CancellationToken cancellationToken) =>
        new() { DomainKey = TrentAdmin.Entry(await domainKeys.RotateAsync(context, cancellationToken).ConfigureAwait(false)) };
}

/// <summary><c>trent root status</c>: where the root of trust is, the domain key versions, the newest re-sealing pass.</summary>
internal sealed class DescribeKeyHierarchyOperation(DomainKeyService domainKeys) : KmsOperation<AdminEmptyRequest, DescribeKeyHierarchyResponse>
{
    public override string Name => "DescribeKeyHierarchy";

    public override bool ReadOnly => true;

    public override string Target => TrentAdmin.TargetPrefix + Name;

    private protected override JsonTypeInfo<AdminEmptyRequest> RequestType => AdminJsonContext.Default.AdminEmptyRequest;

    private protected override JsonTypeInfo<DescribeKeyHierarchyResponse> ResponseType => AdminJsonContext.Default.DescribeKeyHierarchyResponse;

    protected override async Task<DescribeKeyHierarchyResponse> ExecuteAsync(
        RequestContext context, AdminEmptyRequest request, CancellationToken cancellationToken)
    {
        var description = await domainKeys.DescribeAsync(context, cancellationToken).ConfigureAwait(false);
        return new DescribeKeyHierarchyResponse
        {
            RootOfTrust = description.RootOfTrust,
            CurrentDomainKeyVersion = description.CurrentVersion,
            DomainKeys = [.. description.Versions.Select(TrentAdmin.Entry)],
            ResealPending = description.ResealPending,
            LastResealPass = description.LastResealPass is { } pass
                ? new ResealPassEntry
                {
                    DomainKeyVersion = pass.UnderVersion,
                    FinishedAt = pass.FinishedAt,
                    KeyMaterials = pass.Counts.Materials,
                    AccessKeys = pass.Counts.AccessKeys,
                    CustomKeyStorePasswords = pass.Counts.Passwords,
                    Unreadable = pass.Counts.Unreadable,
                }
                : null,
        };
    }
}
