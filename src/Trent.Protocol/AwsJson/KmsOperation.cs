using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Trent.Domain.Audit;
using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Protocol.AwsJson.Model;

namespace Trent.Protocol.AwsJson;

/// <summary>
/// The shared shape of an operation: parse the JSON body into <typeparamref name="TRequest"/>, check the
/// model constraints, run the domain call and map its result to <typeparamref name="TResponse"/>.
/// Subclasses only translate between wire shapes and the domain.
/// </summary>
public abstract class KmsOperation<TRequest, TResponse> : IKmsOperation
    where TRequest : class
    where TResponse : class
{
    public abstract string Name { get; }

    public virtual bool ReadOnly => false;

    public virtual string Target => KmsOperationRegistry.TargetPrefix + Name;

    private protected abstract JsonTypeInfo<TRequest> RequestType { get; }

    private protected abstract JsonTypeInfo<TResponse> ResponseType { get; }

    public async Task<IOperationOutcome> InvokeAsync(
        RequestContext context, ReadOnlyMemory<byte> body, AuditScope audit, CancellationToken cancellationToken)
    {
        var request = Parse(body);
        try
        {
            audit.RequestParameters = AuditJsonWriter.Serialize(request, RequestType);
            var errors = new ValidationErrors();
            Validate(request, errors);
            if (request is IHasGrantTokens grantTokens && !errors.GrantTokensChecked)
            {
                // Every operation that takes grant tokens checks them, even one whose Validate does not.
                errors.GrantTokens(grantTokens.GrantTokens);
            }

            errors.ThrowIfAny();
            if (request is IHasRecipient { Recipient: not null })
            {
                throw KmsErrors.Unsupported("Recipient (attested enclave decryption) is not supported by this Trent server.");
            }

            if (request is IHasGrantTokens { GrantTokens: { } tokens })
            {
                context.Conditions.GrantTokens = tokens;
            }

            await audit.BeginStateChangeAsync(cancellationToken).ConfigureAwait(false);
            var response = await ExecuteAsync(context, request, cancellationToken).ConfigureAwait(false);
            if (!ReadOnly && response is not EmptyResponse)
            {
                audit.ResponseElements = AuditJsonWriter.Serialize(response, ResponseType);
            }

            return new Outcome(response, ResponseType);
        }
        finally
        {
            (request as ISensitive)?.Wipe();
        }
    }

    protected virtual void Validate(TRequest request, ValidationErrors errors)
    {
    }

    protected abstract Task<TResponse> ExecuteAsync(RequestContext context, TRequest request, CancellationToken cancellationToken);

    private TRequest Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            // awsJson1_1 clients send {} for an empty input; an empty body is not a request.
            return (body.IsEmpty ? null : JsonSerializer.Deserialize(body.Span, RequestType))
                ?? throw new AwsProtocolException(AwsError.Serialization("The request body must be a JSON object."));
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at '{path[2..]}'" : string.Empty;
            throw new AwsProtocolException(AwsError.Serialization($"The request body could not be read{where}: {Describe(e)}"));
        }
    }

    private static string Describe(JsonException e) =>
        e.InnerException is FormatException ? "a blob member is not valid base64."
        : e.Message.Split(" Path:", 2)[0];

    private sealed class Outcome(TResponse response, JsonTypeInfo<TResponse> type) : IOperationOutcome
    {
        public void WriteBody(IBufferWriter<byte> destination)
        {
            if (response is EmptyResponse)
            {
                return;
            }

            using var writer = new Utf8JsonWriter(destination);
            JsonSerializer.Serialize(writer, response, type);
        }

        public void Wipe() => (response as ISensitive)?.Wipe();
    }
}
