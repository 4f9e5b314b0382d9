using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Trent.Protocol.AwsJson;

/// <summary>Reads a whole request body (needed both to check its SigV4 hash and to parse it) with a size cap.</summary>
public static class RequestBodyReader
{
    /// <summary>Policies may be 131,072 characters; everything else is far smaller.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static async Task<PooledBufferWriter> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        var buffer = new PooledBufferWriter((int)(request.ContentLength ?? 4096) + 1);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.WrittenMemory.Length > MaxBodyBytes)
                {
                    throw TooLarge();
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static AwsProtocolException TooLarge() =>
        new(new AwsError("SerializationException", 413, $"The request body is larger than the maximum of {MaxBodyBytes} bytes."));
}
