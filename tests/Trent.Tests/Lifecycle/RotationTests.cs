using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Lifecycle;

public sealed class RotationTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    private async Task<KeyMetadata> NewKey() => (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

    private static MemoryStream Data(byte[] bytes) => new(bytes);

    [Fact]
    public async Task Enabling_rotation_reports_the_period_and_next_date_and_disabling_clears_them()
    {
        var key = await NewKey();
        var status = await _kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        Assert.False(status.KeyRotationEnabled);
        Assert.Null(status.RotationPeriodInDays);
        Assert.Equal(key.Arn, status.KeyId);

        await _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId });
        status = await _kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(365, status.RotationPeriodInDays);
        Assert.InRange(status.NextRotationDate!.Value.ToUniversalTime(), DateTime.UtcNow.AddDays(365).AddMinutes(-5), DateTime.UtcNow.AddDays(365).AddMinutes(5));

        await _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 });
        status = await _kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        Assert.Equal(90, status.RotationPeriodInDays);
        Assert.InRange(status.NextRotationDate!.Value.ToUniversalTime(), DateTime.UtcNow.AddDays(90).AddMinutes(-5), DateTime.UtcNow.AddDays(90).AddMinutes(5));

        await _kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = key.KeyId });
        status = await _kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        Assert.False(status.KeyRotationEnabled);
        Assert.Null(status.NextRotationDate);
    }

    [Fact]
    public async Task Rotation_periods_are_90_to_2560_days()
    {
        var key = await NewKey();
        await ThrowsAws("ValidationException",
            () => _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = Unchecked(89) }),
            "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90");
        await ThrowsAws("ValidationException",
            () => _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = Unchecked(2561) }),
            "1 validation error detected: Value '2561' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 2560");
    }

    [Fact]
    public async Task Rotation_needs_an_enabled_key_made_by_KMS()
    {
        var key = await NewKey();
        await _kms.DisableKeyAsync(key.KeyId);
        await ThrowsAws("DisabledException", () => _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId }), $"{key.Arn} is disabled.");
        await ThrowsAws("DisabledException", () => _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }), $"{key.Arn} is disabled.");

        var external = (await _kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata;
        await ThrowsAws("UnsupportedOperationException", () => _kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = external.KeyId }),
            $"{external.Arn} origin is EXTERNAL which is not valid for this operation.");
        await ThrowsAws("KMSInvalidStateException", () => _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = external.KeyId }),
            $"{external.Arn} is pending import.");

        var pending = await NewKey();
        await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = pending.KeyId, PendingWindowInDays = 7 });
        await ThrowsAws("KMSInvalidStateException", () => _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = pending.KeyId }),
            $"{pending.Arn} is pending deletion.");
        Assert.False((await _kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = pending.KeyId })).KeyRotationEnabled);
    }

    [Fact]
    public async Task Ciphertexts_from_before_five_rotations_all_still_decrypt()
    {
        var key = await NewKey();
        var made = new List<(byte[] Plaintext, byte[] Blob, string MaterialId)>();
        var materialIds = new HashSet<string> { key.CurrentKeyMaterialId };
        for (var rotation = 0; rotation <= 5; rotation++)
        {
            var plaintext = BitConverter.GetBytes(rotation);
            var blob = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Data(plaintext), EncryptionContext = new() { ["r"] = $"{rotation}" } }))
                .CiphertextBlob.ToArray();
            var current = (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.CurrentKeyMaterialId;
            made.Add((plaintext, blob, current));
            if (rotation < 5)
            {
                Assert.Equal(key.Arn, (await _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId })).KeyId);
                Assert.True(materialIds.Add((await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.CurrentKeyMaterialId), "each rotation makes new material");
            }
        }

        for (var i = 0; i < made.Count; i++)
        {
            var decrypted = await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Data(made[i].Blob), EncryptionContext = new() { ["r"] = $"{i}" } });
            Assert.Equal(made[i].Plaintext, decrypted.Plaintext.ToArray());
            Assert.Equal(made[i].MaterialId, decrypted.KeyMaterialId);
        }

        var rotations = await _kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId });
        Assert.Equal(5, rotations.Rotations.Count);
        Assert.All(rotations.Rotations, r => Assert.Equal(RotationType.ON_DEMAND, r.RotationType));
        Assert.Equal(KeyMaterialState.CURRENT, rotations.Rotations[^1].KeyMaterialState);
        Assert.All(rotations.Rotations.SkipLast(1), r => Assert.Equal(KeyMaterialState.NON_CURRENT, r.KeyMaterialState));
        var all = await _kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL });
        Assert.Equal(6, all.Rotations.Count);
        Assert.Equal(key.CurrentKeyMaterialId, all.Rotations[0].KeyMaterialId);
        Assert.Null(all.Rotations[0].RotationType);

        var page = await _kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, Limit = 2 });
        Assert.True(page.Truncated);
        var rest = await _kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, Marker = page.NextMarker });
        Assert.Equal(rotations.Rotations.Select(r => r.KeyMaterialId), page.Rotations.Concat(rest.Rotations).Select(r => r.KeyMaterialId));
    }

    [Fact]
    public async Task A_key_can_be_rotated_on_demand_25_times()
    {
        var key = await NewKey();
        for (var i = 0; i < 25; i++)
        {
            await _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        }

        await ThrowsAws("LimitExceededException", () => _kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }),
            $"The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {key.Arn}");
    }

    [Fact]
    public async Task Automatic_rotation_runs_on_schedule_and_a_restart_neither_loses_nor_repeats_one()
    {
        var data = TestTrent.NewDataDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string keyId;
        await using (var first = await TestTrent.StartAsync(data, clock))
        {
            using var kms = first.Client();
            keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = keyId, RotationPeriodInDays = 90 });
            var firstDue = (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId })).NextRotationDate!.Value;

            clock.Advance(TimeSpan.FromDays(90) - TimeSpan.FromMinutes(10));
            await ThrowsAws("ConflictException", () => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = keyId }));
            await Task.Delay(600);
            Assert.Empty((await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId })).Rotations);

            clock.Advance(TimeSpan.FromMinutes(11));
            await WaitForRotationsAsync(kms, keyId, 1);
            var next = (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId })).NextRotationDate!.Value;
            Assert.Equal(firstDue.AddDays(90), next, TimeSpan.FromSeconds(1));
        }

        // Down for more than two periods: one catch-up rotation at start, then a fresh schedule.
        clock.Advance(TimeSpan.FromDays(200));
        await using (var second = await TestTrent.StartAsync(data, clock))
        {
            using var kms = second.Client();
            await WaitForRotationsAsync(kms, keyId, 2);
            await Task.Delay(1000);
            var rotations = (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId })).Rotations;
            Assert.Equal(2, rotations.Count);
            Assert.All(rotations, r => Assert.Equal(RotationType.AUTOMATIC, r.RotationType));
            var next = (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId })).NextRotationDate!.Value;
            Assert.Equal(clock.GetUtcNow().AddDays(90).UtcDateTime, next.ToUniversalTime(), TimeSpan.FromSeconds(5));
        }

        TestTrent.TryDelete(data);
    }

    private static async Task WaitForRotationsAsync(AmazonKeyManagementServiceClient kms, string keyId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId })).Rotations.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} rotations did not happen within 10 s");
            await Task.Delay(100);
        }
    }

    private static int Unchecked(int value) => value;
}
