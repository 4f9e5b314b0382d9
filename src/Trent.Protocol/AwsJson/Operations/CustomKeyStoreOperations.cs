using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Trent.Domain.Auth;
using Trent.Domain.CustomKeyStores;
using Trent.Domain.Errors;
using Trent.Protocol.AwsJson.Model;
using static Trent.Protocol.AwsJson.WireMapper;

namespace Trent.Protocol.AwsJson.Operations;

/// <summary>The model constraints shared by the custom key store operations.</summary>
internal static partial class CustomKeyStoreShapes
{
    public static void Id(this ValidationErrors errors, string? id, bool required = true)
    {
        if (required)
        {
            errors.Required(id, "customKeyStoreId");
        }

        errors.Length(id, "customKeyStoreId", 1, 64);
    }

    public static void CloudHsm(this ValidationErrors errors, string? clusterId, string? password)
    {
        errors.Length(clusterId, "cloudHsmClusterId", 19, 24);
        errors.Pattern(clusterId, "cloudHsmClusterId", ClusterIdPattern());
        errors.Length(password, "keyStorePassword", 7, 32);
    }

    public static void RefuseExternal(string? xksProxyUriEndpoint)
    {
        if (xksProxyUriEndpoint is not null)
        {
            throw KmsErrors.Unsupported("External key stores (EXTERNAL_KEY_STORE) are not supported by this Trent server.");
        }
    }

    public static CustomKeyStoresListEntry Entry(CustomKeyStoreRecord store) => new()
    {
        CustomKeyStoreId = store.CustomKeyStoreId,
        CustomKeyStoreName = store.CustomKeyStoreName,
        CloudHsmClusterId = store.CloudHsmClusterId,
        TrustAnchorCertificate = store.TrustAnchorCertificate,
        ConnectionState = store.ConnectionState,
        ConnectionErrorCode = store.ConnectionErrorCode,
        CreationDate = store.CreationDate,
        CustomKeyStoreType = CustomKeyStoreService.CloudHsmType,
    };

    [GeneratedRegex("^cluster-[2-7a-zA-Z]{11,16}$")]
    private static partial Regex ClusterIdPattern();
}

internal sealed class CreateCustomKeyStoreOperation(CustomKeyStoreService stores) : KmsOperation<CreateCustomKeyStoreRequest, CreateCustomKeyStoreResponse>
{
    public override string Name => "CreateCustomKeyStore";

    private protected override JsonTypeInfo<CreateCustomKeyStoreRequest> RequestType => KmsJsonContext.Default.CreateCustomKeyStoreRequest;

    private protected override JsonTypeInfo<CreateCustomKeyStoreResponse> ResponseType => KmsJsonContext.Default.CreateCustomKeyStoreResponse;

    protected override void Validate(CreateCustomKeyStoreRequest request, ValidationErrors errors)
    {
        errors.Required(request.CustomKeyStoreName, "customKeyStoreName");
        errors.Length(request.CustomKeyStoreName, "customKeyStoreName", 1, 256);
        errors.CloudHsm(request.CloudHsmClusterId, request.KeyStorePassword);
        errors.Length(request.TrustAnchorCertificate, "trustAnchorCertificate", 1, 5000);
        errors.OneOf(request.CustomKeyStoreType, "customKeyStoreType", ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]);
    }

    protected override async Task<CreateCustomKeyStoreResponse> ExecuteAsync(
        RequestContext context, CreateCustomKeyStoreRequest request, CancellationToken cancellationToken)
    {
        CustomKeyStoreShapes.RefuseExternal(request.XksProxyUriEndpoint);
        var id = await stores.CreateAsync(
            context, request.CustomKeyStoreName!, request.CloudHsmClusterId, request.TrustAnchorCertificate, request.KeyStorePassword,
            request.CustomKeyStoreType, cancellationToken).ConfigureAwait(false);
        return new CreateCustomKeyStoreResponse { CustomKeyStoreId = id };
    }
}

internal sealed class DescribeCustomKeyStoresOperation(CustomKeyStoreService stores) : KmsOperation<DescribeCustomKeyStoresRequest, DescribeCustomKeyStoresResponse>
{
    public override string Name => "DescribeCustomKeyStores";

    public override bool ReadOnly => true;

    private protected override JsonTypeInfo<DescribeCustomKeyStoresRequest> RequestType => KmsJsonContext.Default.DescribeCustomKeyStoresRequest;

    private protected override JsonTypeInfo<DescribeCustomKeyStoresResponse> ResponseType => KmsJsonContext.Default.DescribeCustomKeyStoresResponse;

    protected override void Validate(DescribeCustomKeyStoresRequest request, ValidationErrors errors)
    {
        errors.Id(request.CustomKeyStoreId, required: false);
        errors.Length(request.CustomKeyStoreName, "customKeyStoreName", 1, 256);
        errors.ListPaging(request.Limit, request.Marker);
    }

    protected override async Task<DescribeCustomKeyStoresResponse> ExecuteAsync(
        RequestContext context, DescribeCustomKeyStoresRequest request, CancellationToken cancellationToken)
    {
        var page = await stores.DescribeAsync(
            context, request.CustomKeyStoreId, request.CustomKeyStoreName, Limit(request.Limit, 100, 1000), request.Marker, cancellationToken)
            .ConfigureAwait(false);
        return new DescribeCustomKeyStoresResponse
        {
            CustomKeyStores = [.. page.Items.Select(CustomKeyStoreShapes.Entry)],
            NextMarker = page.NextMarker,
            Truncated = page.Truncated,
        };
    }
}

internal sealed class UpdateCustomKeyStoreOperation(CustomKeyStoreService stores) : KmsOperation<UpdateCustomKeyStoreRequest, EmptyResponse>
{
    public override string Name => "UpdateCustomKeyStore";

    private protected override JsonTypeInfo<UpdateCustomKeyStoreRequest> RequestType => KmsJsonContext.Default.UpdateCustomKeyStoreRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    protected override void Validate(UpdateCustomKeyStoreRequest request, ValidationErrors errors)
    {
        errors.Id(request.CustomKeyStoreId);
        errors.Length(request.NewCustomKeyStoreName, "newCustomKeyStoreName", 1, 256);
        errors.CloudHsm(request.CloudHsmClusterId, request.KeyStorePassword);
    }

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, UpdateCustomKeyStoreRequest request, CancellationToken cancellationToken)
    {
        CustomKeyStoreShapes.RefuseExternal(request.XksProxyUriEndpoint);
        await stores.UpdateAsync(
            context, request.CustomKeyStoreId!, request.NewCustomKeyStoreName, request.KeyStorePassword, request.CloudHsmClusterId, cancellationToken)
            .ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}

/// <summary>Connect, Disconnect and DeleteCustomKeyStore share their shape: a store ID in, nothing out.</summary>
internal sealed class CustomKeyStoreActionOperation(string name, Func<RequestContext, string, CancellationToken, Task> run)
    : KmsOperation<CustomKeyStoreIdRequest, EmptyResponse>
{
    public override string Name => name;

    private protected override JsonTypeInfo<CustomKeyStoreIdRequest> RequestType => KmsJsonContext.Default.CustomKeyStoreIdRequest;

    private protected override JsonTypeInfo<EmptyResponse> ResponseType => KmsJsonContext.Default.EmptyResponse;

    public static CustomKeyStoreActionOperation Connect(CustomKeyStoreService stores) => new("ConnectCustomKeyStore", stores.ConnectAsync);

    public static CustomKeyStoreActionOperation Disconnect(CustomKeyStoreService stores) => new("DisconnectCustomKeyStore", stores.DisconnectAsync);

    public static CustomKeyStoreActionOperation Delete(CustomKeyStoreService stores) => new("DeleteCustomKeyStore", stores.DeleteAsync);

    protected override void Validate(CustomKeyStoreIdRequest request, ValidationErrors errors) => errors.Id(request.CustomKeyStoreId);

    protected override async Task<EmptyResponse> ExecuteAsync(RequestContext context, CustomKeyStoreIdRequest request, CancellationToken cancellationToken)
    {
        await run(context, request.CustomKeyStoreId!, cancellationToken).ConfigureAwait(false);
        return EmptyResponse.Instance;
    }
}
