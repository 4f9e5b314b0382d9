using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Auth;
using Trent.Domain.Policies;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson.Operations;

internal sealed class GetKeyPolicyOperation(KeyPolicyService policies) : KmsOperation<GetKeyPolicyRequest, GetKeyPolicyResponse>
{
    public override string Name => "GetKeyPolicy";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<GetKeyPolicyRequest> RequestType => KmsJsonContext.Default.GetKeyPolicyRequest;

    private protected override JsonTypeInfo<GetKeyPolicyResponse> ResponseType => KmsJsonContext.Default.GetKeyPolicyResponse;

    protected override void Validate(GetKeyPolicyRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Length(request.PolicyName, "policyName", 1, 128);
        errors.Pattern(request.PolicyName, "policyName", ModelPatterns.PolicyName());
    }

    protected override async Task<GetKeyPolicyResponse> ExecuteAsync(RequestContext context, GetKeyPolicyRequest request, CancellationToken cancellationToken) =>
        new()
        {
            Policy = await policies.GetKeyPolicyAsync(context, request.KeyId!, request.PolicyName, cancellationToken).ConfigureAwait(false),
            PolicyName = KeyPolicyDocument.DefaultPolicyName,
        };
}

internal sealed class PutKeyPolicyOperation(KeyPolicyService policies) : KmsOperation<PutKeyPolicyRequest, EmptyResponse>
{
    public override string Name => "PutKeyPolicy";

    private protected override JsonTypeInfo<PutKeyPolicyRequest> RequestType => KmsJsonContext.Default.PutKeyPolicyRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(PutKeyPolicyRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.Length(request.PolicyName, "policyName", 1, 128);
        errors.Pattern(request.PolicyName, "policyName", ModelPatterns.PolicyName());
        errors.Required(request.Policy, "policy");
        errors.Length(request.Policy, "policy", 1, 131072);
        errors.Pattern(request.Policy, "policy", ModelPatterns.Policy());
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, PutKeyPolicyRequest request, CancellationToken cancellationToken)
    {
        await policies.PutKeyPolicyAsync(
            context, request.KeyId!, request.PolicyName, request.Policy!, request.BypassPolicyLockoutSafetyCheck ?? false, cancellationToken)
            .ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

internal sealed class ListKeyPoliciesOperation(KeyPolicyService policies) : KmsOperation<ListRequest, ListKeyPoliciesResponse>
{
    public override string Name => "ListKeyPolicies";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<ListRequest> RequestType => KmsJsonContext.Default.ListRequest;

    private protected override JsonTypeInfo<ListKeyPoliciesResponse> ResponseType => KmsJsonContext.Default.ListKeyPoliciesResponse;

    protected override void Validate(ListRequest request, ValidationErrors errors)
    {
        errors.KeyId(request.KeyId, "keyId");
        errors.ListPaging(request.Limit, request.Marker);
    }

    protected override async Task<ListKeyPoliciesResponse> ExecuteAsync(RequestContext context, ListRequest request, CancellationToken cancellationToken)
    {
        if (request.Marker is not null)
        {
            // There is only ever one page; a marker can only have been made up.
            throw Domain.Errors.KmsErrors.InvalidMarker();
        }

        var names = await policies.ListKeyPoliciesAsync(context, request.KeyId!, cancellationToken).ConfigureAwait(false);
        return new ListKeyPoliciesResponse { PolicyNames = [.. names], Truncated = false };
    }
}
