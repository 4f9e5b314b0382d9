using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Trent.Protocol.AwsJson;

/// <summary>Reads a whole request body (needed both to check its SigV4 hash and to parse it) with a size cap.</summary>
public static class RequestBodyReader
{
    /// <summary>Policies may be 131,072 characters; everything else is far smaller.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    private const int InitialBytes = 16 * 1024;

    public static async Task<PooledBufferWriter> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw EndConnection(request, TooLarge());
        }

        // Grown as data arrives (not sized by the declared length), so that a slow or lying client cannot
        // hold a 256 KiB buffer while it trickles its body.
        var buffer = new PooledBufferWriter((int)Math.Min(request.ContentLength ?? InitialBytes, InitialBytes) + 1);
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
                    throw EndConnection(request, TooLarge());
                }
            }
        }
        catch (BadHttpRequestException e)
        {
            // Bad framing (chunk size, body cut short, too slow, too large): a client error, not a fault.
            buffer.Dispose();
            throw EndConnection(request, new AwsProtocolException(e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge().Error
                : new AwsError("SerializationException", e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, $"The request body could not be read: {e.Message}")));
        }
        catch (Exception e) when (e is IOException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The client closed or reset the connection before its body was whole: a body cut short, which
            // Kestrel reports either way depending on timing; record it as one thing.
            buffer.Dispose();
            throw EndConnection(request, new AwsProtocolException(
                new AwsError("SerializationException", 400, "The request body could not be read: the client closed the connection before the body was complete.")));
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static AwsProtocolException TooLarge() =>
        new(new AwsError("SerializationException", 413, $"The request body is larger than the maximum of {MaxBodyBytes} bytes."));

    /// <summary>
    /// A body left unread (or unreadable) means Kestrel closes the connection after the answer; saying so in
    /// the answer (<c>Connection: close</c>) keeps a client from sending its next request on a closing socket.
    /// </summary>
    private static AwsProtocolException EndConnection(HttpRequest request, AwsProtocolException error)
    {
        if (!request.HttpContext.Response.HasStarted)
        {
            request.HttpContext.Response.Headers.Connection = "close";
        }

        return error;
    }
}
