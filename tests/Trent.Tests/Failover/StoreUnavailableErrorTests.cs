using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Trent.Protocol.AwsJson;
using Trent.Protocol.Pipeline;
using Trent.Protocol.Query;
using Trent.Storage.Postgres;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Failover;

/// <summary>Which failures of PostgreSQL mean "unavailable, retry", and the error each surface answers for them.</summary>
public sealed class StoreUnavailableErrorTests
{
    [Theory]
    [InlineData("kms", "CreateKey", "DependencyTimeoutException", 503)]
    [InlineData("kms", "Encrypt", "DependencyTimeoutException", 503)]
    [InlineData("kms", "DescribeKey", "DependencyTimeoutException", 503)]
    [InlineData("kms", "GenerateMac", "KMSInternalException", 500)] // AWS's model lists no DependencyTimeoutException for these
    [InlineData("kms", "TagResource", "KMSInternalException", 500)]
    [InlineData("cloudtrail", "LookupEvents", "ServiceUnavailable", 503)]
    public async Task The_API_answers_a_retryable_server_error_named_as_AWS_models_it(string service, string operation, string type, int status)
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.Store = null);
        var codec = trent.Server.Services.GetRequiredService<AwsJsonCodec>();
        var error = codec.Unavailable(new ProtocolCall(service, $"{service}.amazonaws.com", operation, operation));
        Assert.Equal((type, status), (error.Type, error.Status));
        Assert.NotNull(error.Message);
    }

    [Fact]
    public async Task IAM_and_STS_answer_ServiceFailure()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.Store = null);
        var error = trent.Server.Services.GetRequiredService<QueryCodec>().Unavailable(new ProtocolCall("iam", "iam.amazonaws.com", "CreateUser", "CreateUser"));
        Assert.Equal(("ServiceFailure", 500), (error.Type, error.Status));
    }

    [Fact]
    public void Lost_connections_shutdowns_and_a_standby_refusing_a_write_are_unavailable_and_nothing_else_is()
    {
        var faults = new PostgresFaults();
        Assert.True(faults.IsUnavailable(new NpgsqlException("Exception while connecting", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(faults.IsUnavailable(new NpgsqlException("No suitable host was found.")));
        Assert.True(faults.IsUnavailable(new InvalidOperationException("wrapped", new TimeoutException())));
        foreach (var state in new[] { "25006", "57P01", "57P03", "08006", "53300" })
        {
            Assert.True(faults.IsUnavailable(new PostgresException("m", "ERROR", "ERROR", state)), state);
        }

        Assert.False(faults.IsUnavailable(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.False(faults.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.False(faults.IsUnavailable(new ArgumentException("a bug")));
    }
}
