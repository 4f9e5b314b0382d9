using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Trent.Bench;

/// <summary>
/// The ceiling: a bare Kestrel endpoint that answers every POST with a fixed JSON body the size of an
/// Encrypt response, doing no parsing, authentication, crypto or audit. Run as its own process, like Trent.
/// </summary>
public static class BaselineServer
{
    public static async Task RunAsync(int port, int responseBytes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var filler = Math.Max(0, responseBytes - "{\"CiphertextBlob\":\"\"}".Length);
        var body = Encoding.UTF8.GetBytes("{\"CiphertextBlob\":\"" + new string('A', filler) + "\"}");
        app.MapPost("/", async context =>
        {
            context.Response.ContentType = "application/x-amz-json-1.1";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
        app.MapGet("/healthz", () => "ok");
        await app.RunAsync();
    }
}
