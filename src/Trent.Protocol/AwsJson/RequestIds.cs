using Microsoft.AspNetCore.Http;

namespace Trent.Protocol.AwsJson;

/// <summary>Every response carries <c>x-amzn-RequestId</c>; the same ID names the request in the audit trail.</summary>
public static class RequestIds
{
    public const string HeaderName = "x-amzn-RequestId";
    private const string ItemKey = "trent.request-id";

    public static string Get(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var existing) && existing is string id)
        {
            return id;
        }

        id = Guid.NewGuid().ToString();
        http.Items[ItemKey] = id;
        return id;
    }

    /// <summary>Middleware that assigns the ID and adds the header before any response starts.</summary>
    public static Task AssignAsync(HttpContext http, Func<Task> next)
    {
        http.Response.Headers[HeaderName] = Get(http);
        return next();
    }
}
