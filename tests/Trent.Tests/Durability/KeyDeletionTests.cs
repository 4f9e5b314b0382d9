using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Durability;

/// <summary>The deletion job removes a key (and its aliases) once its window has passed on the clock, and not before.</summary>
public sealed class KeyDeletionTests
{
    [Fact]
    public async Task A_key_is_deleted_when_its_window_passes_and_a_cancelled_one_is_not()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var trent = await TestTrent.StartAsync(clock: clock);
        using var kms = trent.Client();
        var doomed = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var spared = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.CreateAliasAsync("alias/doomed", doomed.KeyId);
        var ciphertext = (await kms.EncryptAsync(new EncryptRequest { KeyId = doomed.KeyId, Plaintext = new MemoryStream([1]) })).CiphertextBlob.ToArray();
        var scheduled = await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = doomed.KeyId, PendingWindowInDays = 7 });
        var expected = clock.GetUtcNow().AddDays(7).ToUnixTimeSeconds();
        Assert.InRange(new DateTimeOffset(scheduled.DeletionDate!.Value).ToUnixTimeSeconds(), expected - 1, expected + 1);
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = spared.KeyId, PendingWindowInDays = 7 });
        await kms.CancelKeyDeletionAsync(spared.KeyId);

        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(1)); // several sweeps
        Assert.Equal(KeyState.PendingDeletion, (await kms.DescribeKeyAsync(doomed.KeyId)).KeyMetadata.KeyState);

        clock.Advance(TimeSpan.FromMinutes(2));
        await WaitUntilAsync(async () =>
        {
            try
            {
                await kms.DescribeKeyAsync(doomed.KeyId);
                return false;
            }
            catch (NotFoundException)
            {
                return true;
            }
        });

        Assert.Empty((await kms.ListAliasesAsync(new ListAliasesRequest())).Aliases);
        await Assertions.ThrowsAws("AccessDeniedException", () => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext) }));
        Assert.Equal(KeyState.Disabled, (await kms.DescribeKeyAsync(spared.KeyId)).KeyMetadata.KeyState);
        Assert.Equal([spared.KeyId], (await kms.ListKeysAsync(new ListKeysRequest())).Keys.Select(k => k.KeyId));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 10 s");
            await Task.Delay(100);
        }
    }
}
