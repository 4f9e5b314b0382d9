using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Regions;

/// <summary>Clients of one server for the primary Region and two replica Regions of multi-Region keys, and the
/// waits the tests need: a replica is created, and a primary Region changed, asynchronously.</summary>
public sealed class MultiRegionFixture(TestTrent trent) : IDisposable
{
    public const string PrimaryRegion = "us-east-1";
    public const string ReplicaRegion = "eu-west-1";
    public const string SecondReplicaRegion = "ap-southeast-2";

    public AmazonKeyManagementServiceClient East { get; } = trent.ClientIn(PrimaryRegion);

    public AmazonKeyManagementServiceClient Ireland { get; } = trent.ClientIn(ReplicaRegion);

    public AmazonKeyManagementServiceClient Sydney { get; } = trent.ClientIn(SecondReplicaRegion);

    public AmazonKeyManagementServiceClient In(string region) => region switch
    {
        PrimaryRegion => East,
        ReplicaRegion => Ireland,
        SecondReplicaRegion => Sydney,
        _ => throw new ArgumentOutOfRangeException(nameof(region), region, "not a Region of these tests"),
    };

    public static string Arn(string region, string keyId) => $"arn:aws:kms:{region}:{TestTrent.AccountId}:key/{keyId}";

    /// <summary>A multi-Region primary key in <see cref="PrimaryRegion"/>.</summary>
    public async Task<KeyMetadata> CreatePrimaryAsync(string? keySpec = null, string? keyUsage = null)
    {
        var request = new CreateKeyRequest { MultiRegion = true };
        if (keySpec is not null)
        {
            request.KeySpec = keySpec;
            request.KeyUsage = keyUsage;
        }

        return (await East.CreateKeyAsync(request)).KeyMetadata;
    }

    /// <summary>Replicates the primary (called in its Region) and waits until the replica has left Creating.</summary>
    public async Task<ReplicateKeyResponse> ReplicateAsync(string keyId, string region = ReplicaRegion)
    {
        var response = await East.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = keyId, ReplicaRegion = region });
        await WaitForStateAsync(region, response.ReplicaKeyMetadata.KeyId, KeyState.Enabled);
        return response;
    }

    public async Task<KeyMetadata> DescribeAsync(string region, string keyId) =>
        (await In(region).DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;

    public async Task WaitForStateAsync(string region, string keyId, KeyState state) =>
        await WaitUntilAsync(async () => (await DescribeAsync(region, keyId)).KeyState == state, $"{keyId} in {region} to be {state}");

    public async Task WaitUntilGoneAsync(string region, string keyId) =>
        await WaitUntilAsync(async () =>
        {
            try
            {
                await DescribeAsync(region, keyId);
                return false;
            }
            catch (NotFoundException)
            {
                return true;
            }
        }, $"{keyId} in {region} to be deleted");

    /// <summary>Polls every 100 ms for up to 10 s. With a fake clock it also moves the clock a second a poll, so a
    /// transition timed on the domain clock (not only one timed on the wall clock) completes.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 10 s for {what}");
            trent.Clock?.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }
    }

    /// <summary>The configuration's keys as "Region Arn" lines in Region order, for whole-set comparisons.</summary>
    public static IEnumerable<string> Listed(IEnumerable<MultiRegionKey>? keys)
    {
        Assert.NotNull(keys);
        return keys.Select(k => $"{k.Region} {k.Arn}").Order(StringComparer.Ordinal);
    }

    public static IEnumerable<string> Listed(params (string Region, string KeyId)[] keys) =>
        keys.Select(k => $"{k.Region} {Arn(k.Region, k.KeyId)}").Order(StringComparer.Ordinal);

    public void Dispose()
    {
        East.Dispose();
        Ireland.Dispose();
        Sydney.Dispose();
    }
}
