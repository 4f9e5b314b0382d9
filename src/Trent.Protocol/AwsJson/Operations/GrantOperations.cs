using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Grants;
using Trent.Domain.Paging;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson.Operations;

/// <summary>Wire rules shared by the grant operations.</summary>
internal static class GrantWire
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static void Principal(ValidationErrors errors, string? value, string path)
    {
        errors.Length(value, path, 1, 256);
        errors.Pattern(value, path, ModelPatterns.GrantPrincipal());
    }

    public static void GrantId(ValidationErrors errors, string? value, string path, bool required)
    {
        if (required)
        {
            errors.Required(value, path);
        }

        errors.Length(value, path, 1, 128);
    }

    public static ListGrantsResponse Response(Page<GrantRecord> page) => new()
    {
        Grants = [.. page.Items.Select(Entry)],
        NextMarker = page.NextMarker,
        Truncated = page.NextMarker is not null,
    };

    public static GrantConstraints? Constraints(GrantConstraintsModel? model) =>
        model is null ? null : new GrantConstraints(model.EncryptionContextEquals, model.EncryptionContextSubset, model.SourceArn);

    private static GrantListEntry Entry(GrantRecord grant) => new()
    {
        KeyId = grant.KeyArn,
        GrantId = grant.GrantId,
        Name = grant.Name,
        CreationDate = grant.CreationDate,
        GranteePrincipal = grant.GranteePrincipal,
        GranteeServicePrincipal = grant.GranteeServicePrincipal,
        RetiringPrincipal = grant.RetiringPrincipal,
        RetiringServicePrincipal = grant.RetiringServicePrincipal,
        IssuingAccount = grant.IssuingAccount,
        Operations = [.. grant.Operations],
        Constraints = grant.Constraints is { } c
            ? new GrantConstraintsModel
            {
                EncryptionContextEquals = c.EncryptionContextEquals is { } e ? new(e) : null,
                EncryptionContextSubset = c.EncryptionContextSubset is { } s ? new(s) : null,
                SourceArn = c.SourceArn,
            }
            : null,
    };
}

internal sealed class CreateGrantOperation(GrantService grants) : KmsOperation<CreateGrantRequest, CreateGrantResponse>
{
    public override string Name => "CreateGrant";

    private protected override JsonTypeInfo<CreateGrantRequest> RequestType => KmsJsonContext.Default.CreateGrantRequest;

    private protected override JsonTypeInfo<CreateGrantResponse> ResponseType => KmsJsonContext.Default.CreateGrantResponse;

    protected override void Validate(CreateGrantRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        GrantWire.Principal(errors, request.GranteePrincipal, "granteePrincipal");
        GrantWire.Principal(errors, request.RetiringPrincipal, "retiringPrincipal");
        errors.Required(request.Operations, "operations");
        errors.GrantTokens(request.GrantTokens);
        errors.Length(request.Name, "name", 1, 256);
        errors.Pattern(request.Name, "name", ModelPatterns.AliasName());
        errors.EncryptionContext(request.Constraints?.EncryptionContextEquals, "constraints.encryptionContextEquals");
        errors.EncryptionContext(request.Constraints?.EncryptionContextSubset, "constraints.encryptionContextSubset");
    }

    protected override async Task<CreateGrantResponse> ExecuteAsync(RequestContext context, CreateGrantRequest request, CancellationToken cancellationToken)
    {
        var (grantId, token) = await grants.CreateGrantAsync(
            context,
            new CreateGrantInput(
                request.KeyId!,
                request.GranteePrincipal,
                request.GranteeServicePrincipal,
                request.RetiringPrincipal,
                request.RetiringServicePrincipal,
                request.Operations!,
                GrantWire.Constraints(request.Constraints),
                request.GrantTokens,
                request.Name,
                request.DryRun ?? false),
            cancellationToken).ConfigureAwait(false);
        return new CreateGrantResponse { GrantId = grantId, GrantToken = token };
    }
}

internal sealed class ListGrantsOperation(GrantService grants) : KmsOperation<ListGrantsRequest, ListGrantsResponse>
{
    public override string Name => "ListGrants";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ListGrantsRequest> RequestType => KmsJsonContext.Default.ListGrantsRequest;

    private protected override JsonTypeInfo<ListGrantsResponse> ResponseType => KmsJsonContext.Default.ListGrantsResponse;

    protected override void Validate(ListGrantsRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.ListPaging(request.Limit, request.Marker);
        GrantWire.GrantId(errors, request.GrantId, "grantId", required: false);
        GrantWire.Principal(errors, request.GranteePrincipal, "granteePrincipal");
    }

    protected override async Task<ListGrantsResponse> ExecuteAsync(RequestContext context, ListGrantsRequest request, CancellationToken cancellationToken) =>
        GrantWire.Response(await grants.ListGrantsAsync(
            context,
            request.KeyId!,
            request.GrantId,
            request.GranteePrincipal ?? request.GranteeServicePrincipal,
            WireMapper.Limit(request.Limit, GrantWire.DefaultLimit, GrantWire.MaxLimit),
            request.Marker,
            cancellationToken).ConfigureAwait(false));
}

internal sealed class ListRetirableGrantsOperation(GrantService grants) : KmsOperation<ListRetirableGrantsRequest, ListGrantsResponse>
{
    public override string Name => "ListRetirableGrants";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ListRetirableGrantsRequest> RequestType => KmsJsonContext.Default.ListRetirableGrantsRequest;

    private protected override JsonTypeInfo<ListGrantsResponse> ResponseType => KmsJsonContext.Default.ListGrantsResponse;

    protected override void Validate(ListRetirableGrantsRequest request, ValidationErrors errors)
    {
        errors.ListPaging(request.Limit, request.Marker);
        GrantWire.Principal(errors, request.RetiringPrincipal, "retiringPrincipal");
    }

    protected override async Task<ListGrantsResponse> ExecuteAsync(RequestContext context, ListRetirableGrantsRequest request, CancellationToken cancellationToken) =>
        (request.RetiringPrincipal is null) == (request.RetiringServicePrincipal is null)
            ? throw Domain.Errors.KmsErrors.Validation("You must specify exactly one of RetiringPrincipal and RetiringServicePrincipal.")
            : GrantWire.Response(await grants.ListRetirableGrantsAsync(
            context,
            (request.RetiringPrincipal ?? request.RetiringServicePrincipal)!,
            WireMapper.Limit(request.Limit, GrantWire.DefaultLimit, GrantWire.MaxLimit),
            request.Marker,
            cancellationToken).ConfigureAwait(false));
}

internal sealed class RetireGrantOperation(GrantService grants) : KmsOperation<RetireGrantRequest, EmptyResponse>
{
    public override string Name => "RetireGrant";

    private protected override JsonTypeInfo<RetireGrantRequest> RequestType => KmsJsonContext.Default.RetireGrantRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(RetireGrantRequest request, ValidationErrors errors)
    {
        errors.Length(request.GrantToken, "grantToken", 1, 8192);
        errors.KeyId(request.KeyId, "keyId", required: false);
        GrantWire.GrantId(errors, request.GrantId, "grantId", required: false);
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, RetireGrantRequest request, CancellationToken cancellationToken)
    {
        await grants.RetireGrantAsync(context, request.GrantToken, request.KeyId, request.GrantId, request.DryRun ?? false, cancellationToken)
            .ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class RevokeGrantOperation(GrantService grants) : KmsOperation<RevokeGrantRequest, EmptyResponse>
{
    public override string Name => "RevokeGrant";

    private protected override JsonTypeInfo<RevokeGrantRequest> RequestType => KmsJsonContext.Default.RevokeGrantRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(RevokeGrantRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        GrantWire.GrantId(errors, request.GrantId, "grantId", required: true);
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, RevokeGrantRequest request, CancellationToken cancellationToken)
    {
        await grants.RevokeGrantAsync(context, request.KeyId!, request.GrantId!, request.DryRun ?? false, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}
