using System.Buffers;
using Trent.Domain.Audit;
using Trent.Domain.Auth;

namespace Trent.Protocol.AwsJson;

/// <summary>One operation of the awsJson1_1 API (<c>X-Amz-Target: TrentService.&lt;Name&gt;</c>).</summary>
public interface IKmsOperation
{
    string Name { get; }

    /// <summary>The <c>X-Amz-Target</c> this operation answers.</summary>
    string Target => KmsOperationRegistry.TargetPrefix + Name;

    /// <summary>CloudTrail's readOnly flag for this operation.</summary>
    bool ReadOnly { get; }

    /// <summary>Parses, validates and runs one request. Request parameters for the audit record are handed to
    /// <paramref name="audit"/> as soon as the body has parsed, so that failed requests are recorded with them;
    /// a request that may change state has its intent made durable there before the domain acts.</summary>
    Task<IOperationOutcome> InvokeAsync(RequestContext context, ReadOnlyMemory<byte> body, AuditScope audit, CancellationToken cancellationToken);
}

/// <summary>The successful result of an operation, ready to be written to the wire.</summary>
public interface IOperationOutcome
{
    void WriteBody(IBufferWriter<byte> destination);

    /// <summary>Wipes any secret the response carried, once it has been written.</summary>
    void Wipe();
}
