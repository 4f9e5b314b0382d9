using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Trent.Domain.Audit;
using Trent.Server;

namespace Trent.Commands;

/// <summary>
/// The audit of the CLI verbs that change the data directory (<c>create-account</c>, <c>seed-keys</c>): each
/// leaves a CloudTrail record like a request (intent before the change, outcome after, the failure too),
/// made by the operator as the account's root from <see cref="AuditScopeFactory.OperatorSource"/>.
/// </summary>
internal static class OperatorAudit
{
    public static AuditScope Begin(TrentServer server, string eventSource, string eventName, string accountId, string command, Action<Utf8JsonWriter> parameters)
    {
        var version = typeof(TrentServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var audit = server.Services.GetRequiredService<AuditScopeFactory>()
            .CreateOperatorCommand(eventSource, eventName, accountId, $"{command} (trent/{version}; OS user {Environment.UserName} on {Environment.MachineName})");
        audit.RequestParameters = Json(parameters);
        return audit;
    }

    public static byte[] Json(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
