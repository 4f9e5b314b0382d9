using System.Collections;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Trent.Protocol.AwsJson;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Fuzz;

/// <summary>
/// The class of bug the fuzz test found first on the awsJson side: a <c>null</c> inside a list or map member
/// (<c>"GrantTokens":[null]</c>) passed validation and failed later with a NullReferenceException, a 500. Every
/// list and map member of every operation is tried here with a null element, a null map value and a null member.
/// </summary>
public sealed class NullMemberTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    [Fact]
    public async Task A_null_inside_any_list_or_map_member_is_a_client_error_not_a_500()
    {
        var registry = shared.Trent.Server.Services.GetRequiredService<KmsOperationRegistry>();
        using var raw = new RawKmsClient(shared.Trent.Url);
        var key = (await shared.Kms.CreateKeyAsync(new Amazon.KeyManagementService.Model.CreateKeyRequest())).KeyMetadata.KeyId;
        var failures = new List<string>();
        var tried = 0;
        foreach (var operation in registry.Operations)
        {
            var name = operation.Name;
            var shape = JsonFuzzer.RequestType(operation);
            foreach (var property in shape.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var type = property.PropertyType;
                string[] values = typeof(IDictionary).IsAssignableFrom(type) ? ["{\"a\":null}", "{\"\":\"x\"}"]
                    : type != typeof(string) && type != typeof(byte[]) && typeof(IEnumerable).IsAssignableFrom(type) ? ["[null]", "[{}]"]
                    : type.IsClass && type != typeof(string) && type != typeof(byte[]) ? ["{}", "null"]
                    : [];
                foreach (var value in values)
                {
                    tried++;
                    var body = $"{{\"KeyId\":\"{key}\",\"{property.Name}\":{value}}}";
                    var cloudTrail = KmsOperationRegistry.IsCloudTrail(operation!.Target);
                    var reply = await raw.SendAsync(operation.Target, body, service: cloudTrail ? "cloudtrail" : "kms");
                    if (reply.Status >= 500 || reply.ErrorType is null && reply.Status != 200)
                    {
                        failures.Add($"{name} {body}: {reply.Status} {reply.Body}");
                    }
                }
            }
        }

        Assert.True(tried > 40, $"only {tried} members tried");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
