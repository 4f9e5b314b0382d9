using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Domain.Materials;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>
/// Key-pair generation is bounded, so that a burst of RSA-4096 CreateKeys cannot take every core from
/// the rest of the API (issue 11, item 11). The bound is asserted through the gate's own peak counter.
/// </summary>
public sealed class KeyGenerationBoundTests
{
    [Fact]
    public async Task Concurrent_RSA_CreateKeys_and_GenerateDataKeyPairs_run_one_at_a_time_while_Encrypt_is_served()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.MaxConcurrentKeyGenerations = 1);
        var config = TestTrent.Config(trent.Url);
        config.Timeout = TimeSpan.FromMinutes(3); // generations queue one at a time on a loaded machine
        using var kms = new AmazonKeyManagementServiceClient(
            new Amazon.Runtime.BasicAWSCredentials(TestTrent.AccessKeyId, TestTrent.SecretAccessKey), config);
        var symmetric = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;

        var creates = Enumerable.Range(0, 3).Select(_ => kms.CreateKeyAsync(new CreateKeyRequest
        {
            KeySpec = KeySpec.RSA_3072,
            KeyUsage = KeyUsageType.SIGN_VERIFY,
        })).ToList();
        var pairs = Enumerable.Range(0, 1).Select(_ => kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest
        {
            KeyId = symmetric,
            KeyPairSpec = DataKeyPairSpec.RSA_2048,
        })).ToList();
        var encrypted = 0;
        while (!creates.All(c => c.IsCompleted))
        {
            await kms.EncryptAsync(new EncryptRequest { KeyId = symmetric, Plaintext = new MemoryStream([1]) });
            encrypted++;
        }

        await Task.WhenAll(creates);
        await Task.WhenAll(pairs);
        var gate = trent.Server.Services.GetRequiredService<KeyGenerationGate>();
        Assert.Equal(1, gate.PeakRunning);
        Assert.Equal(0, gate.Pending);
        Assert.True(encrypted > 0);
    }

    [Fact]
    public async Task Past_the_queue_bound_key_generation_is_throttled()
    {
        await using var trent = await TestTrent.StartAsync(configure: o =>
        {
            o.MaxConcurrentKeyGenerations = 1;
            o.MaxQueuedKeyGenerations = 0;
        });
        using var kms = trent.Client();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_4096, KeyUsage = KeyUsageType.SIGN_VERIFY });
                return "ok";
            }
            catch (AmazonKeyManagementServiceException e)
            {
                return e.ErrorCode;
            }
        }));

        Assert.Contains("ok", results);
        Assert.Contains("ThrottlingException", results);
        Assert.All(results, r => Assert.True(r is "ok" or "ThrottlingException", r));
    }
}
