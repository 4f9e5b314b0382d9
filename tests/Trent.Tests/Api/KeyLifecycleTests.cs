using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Api;

public sealed class KeyLifecycleTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    [Fact]
    public async Task CreateKey_returns_the_metadata_AWS_records_for_a_symmetric_key()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var created = await _kms.CreateKeyAsync(new CreateKeyRequest { Description = "app" });
        var m = created.KeyMetadata;

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", m.KeyId);
        Assert.Equal(shared.Trent.KeyArn(m.KeyId), m.Arn);
        Assert.Equal(TestTrent.AccountId, m.AWSAccountId);
        Assert.Equal("app", m.Description);
        Assert.True(m.Enabled);
        Assert.Equal(KeyState.Enabled, m.KeyState);
        Assert.Equal(KeyUsageType.ENCRYPT_DECRYPT, m.KeyUsage);
        Assert.Equal(KeySpec.SYMMETRIC_DEFAULT, m.KeySpec);
#pragma warning disable CS0618 // AWS still returns the deprecated member; check it is there.
        Assert.Equal(CustomerMasterKeySpec.SYMMETRIC_DEFAULT, m.CustomerMasterKeySpec);
#pragma warning restore CS0618
        Assert.Equal(OriginType.AWS_KMS, m.Origin);
        Assert.Equal(KeyManagerType.CUSTOMER, m.KeyManager);
        Assert.Equal(["SYMMETRIC_DEFAULT"], m.EncryptionAlgorithms);
        Assert.False(m.MultiRegion);
        Assert.Matches("^[0-9a-f]{64}$", m.CurrentKeyMaterialId);
        Assert.InRange(m.CreationDate!.Value.ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(1));
        Assert.Null(m.DeletionDate);
    }

    [Fact]
    public async Task CreateKey_without_description_has_an_empty_one()
    {
        var m = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.Equal(string.Empty, m.Description);
    }

    [Fact]
    public async Task DescribeKey_accepts_key_id_key_arn_alias_name_and_alias_arn()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var alias = "alias/describe-" + Guid.NewGuid().ToString("N");
        await _kms.CreateAliasAsync(alias, key.KeyId);

        foreach (var id in new[] { key.KeyId, key.Arn, alias, $"arn:{TestTrent.Partition}:kms:{TestTrent.Region}:{TestTrent.AccountId}:{alias}", key.KeyId.ToUpperInvariant() })
        {
            var described = await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = id });
            Assert.Equal(key.KeyId, described.KeyMetadata.KeyId);
        }
    }

    [Theory]
    [InlineData("fake-key-id")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("mrk-fake-key-id")]
    public async Task A_malformed_key_id_is_NotFound_with_AWS_message(string keyId) =>
        await ThrowsAws("NotFoundException", () => _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }), $"Invalid keyId '{keyId}'");

    [Fact]
    public async Task An_unknown_key_is_NotFound_naming_its_ARN()
    {
        var id = Guid.NewGuid().ToString();
        await ThrowsAws("NotFoundException", () => _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = id }),
            $"Key '{shared.Trent.KeyArn(id)}' does not exist");
    }

    [Fact]
    public async Task A_key_ARN_of_another_Region_is_NotFound()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("NotFoundException",
            () => _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Arn.Replace(TestTrent.Region, TestTrent.OtherRegion, StringComparison.Ordinal) }),
            "Invalid arn us-west-2");
    }

    [Fact]
    public async Task An_unknown_alias_is_NotFound()
    {
        await ThrowsAws("NotFoundException", () => _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/none-such" }),
            $"Alias arn:{TestTrent.Partition}:kms:{TestTrent.Region}:{TestTrent.AccountId}:alias/none-such is not found.");
    }

    [Fact]
    public async Task ListKeys_pages_stably_with_opaque_markers()
    {
        using var kms = (await TestTrent.StartAsync()).Client();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId);
        }

        var seen = new List<string>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Limit = 2, Marker = marker });
            Assert.True(page.Keys.Count <= 2);
            seen.AddRange(page.Keys.Select(k => k.KeyId));
            Assert.All(page.Keys, k => Assert.EndsWith(":key/" + k.KeyId, k.KeyArn, StringComparison.Ordinal));
            Assert.Equal(page.Truncated == true, page.NextMarker is not null);
            marker = page.NextMarker;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task ListKeys_refuses_a_garbled_marker()
    {
        await ThrowsAws("InvalidMarkerException", () => _kms.ListKeysAsync(new ListKeysRequest { Marker = "not-a-marker" }));
        var aliasMarker = (await _kms.ListAliasesAsync(new ListAliasesRequest { Limit = 1 })).NextMarker;
        if (aliasMarker is not null)
        {
            await ThrowsAws("InvalidMarkerException", () => _kms.ListKeysAsync(new ListKeysRequest { Marker = aliasMarker }));
        }
    }

    [Fact]
    public async Task ListKeys_validates_Limit()
    {
        await ThrowsAws("ValidationException", () => _kms.ListKeysAsync(new ListKeysRequest { Limit = Unchecked(0) }),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        await ThrowsAws("ValidationException", () => _kms.ListKeysAsync(new ListKeysRequest { Limit = Unchecked(1001) }),
            "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000");
    }

    [Fact]
    public async Task Disable_and_enable_change_state_and_are_idempotent()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await _kms.DisableKeyAsync(key.KeyId);
        await _kms.DisableKeyAsync(key.KeyId);
        var disabled = (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata;
        Assert.Equal(KeyState.Disabled, disabled.KeyState);
        Assert.False(disabled.Enabled);

        await _kms.EnableKeyAsync(key.KeyId);
        await _kms.EnableKeyAsync(key.Arn);
        Assert.Equal(KeyState.Enabled, (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.KeyState);
    }

    [Fact]
    public async Task Management_operations_refuse_aliases()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var alias = "alias/mgmt-" + Guid.NewGuid().ToString("N");
        await _kms.CreateAliasAsync(alias, key.KeyId);
        await ThrowsAws("NotFoundException", () => _kms.DisableKeyAsync(alias), $"Invalid keyId '{alias}'");
    }

    [Fact]
    public async Task UpdateKeyDescription_replaces_and_may_empty_the_description()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest { Description = "old" })).KeyMetadata;
        await _kms.UpdateKeyDescriptionAsync(key.KeyId, "new");
        Assert.Equal("new", (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.Description);
        await _kms.UpdateKeyDescriptionAsync(key.KeyId, string.Empty);
        Assert.Equal(string.Empty, (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata.Description);
        await ThrowsAws("ValidationException", () => _kms.UpdateKeyDescriptionAsync(key.KeyId, new string('d', 8193)));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(31)]
    public async Task ScheduleKeyDeletion_allows_7_to_30_days(int days)
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("ValidationException",
            () => _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = days }),
            $"PendingWindowInDays should be between 7 and 30, but it is {days}");
    }

    [Fact]
    public async Task ScheduleKeyDeletion_out_of_model_range_is_a_model_validation_error()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("ValidationException",
            () => _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = Unchecked(400) }),
            "1 validation error detected: Value '400' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 365");
    }

    [Fact]
    public async Task ScheduleKeyDeletion_then_CancelKeyDeletion_leaves_the_key_disabled()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var scheduled = await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        Assert.Equal(key.Arn, scheduled.KeyId);
        Assert.Equal(KeyState.PendingDeletion, scheduled.KeyState);
        Assert.Equal(7, scheduled.PendingWindowInDays);
        Assert.InRange(scheduled.DeletionDate!.Value.ToUniversalTime(), DateTime.UtcNow.AddDays(7).AddMinutes(-1), DateTime.UtcNow.AddDays(7).AddMinutes(1));

        var pending = (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata;
        Assert.Equal(KeyState.PendingDeletion, pending.KeyState);
        Assert.False(pending.Enabled);
        Assert.NotNull(pending.DeletionDate);

        await ThrowsAws("KMSInvalidStateException", () => _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId }),
            $"{key.Arn} is pending deletion.");

        var cancelled = await _kms.CancelKeyDeletionAsync(key.KeyId);
        Assert.Equal(key.Arn, cancelled.KeyId);
        var after = (await _kms.DescribeKeyAsync(key.KeyId)).KeyMetadata;
        Assert.Equal(KeyState.Disabled, after.KeyState);
        Assert.Null(after.DeletionDate);

        await ThrowsAws("KMSInvalidStateException", () => _kms.CancelKeyDeletionAsync(key.KeyId),
            $"{key.Arn} is not pending deletion (or pending replica deletion).");
    }

    [Fact]
    public async Task ScheduleKeyDeletion_defaults_to_30_days()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var scheduled = await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId });
        Assert.Equal(30, scheduled.PendingWindowInDays);
    }

    [Fact]
    public async Task A_key_pending_deletion_allows_only_what_AWS_allows()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var alias = "alias/pending-" + Guid.NewGuid().ToString("N");
        await _kms.CreateAliasAsync(alias, key.KeyId);
        await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        var pending = $"{key.Arn} is pending deletion.";

        await ThrowsAws("KMSInvalidStateException", () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes(1) }), pending);
        await ThrowsAws("KMSInvalidStateException", () => _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 }), pending);
        await ThrowsAws("KMSInvalidStateException", () => _kms.EnableKeyAsync(key.KeyId), pending);
        await ThrowsAws("KMSInvalidStateException", () => _kms.DisableKeyAsync(key.KeyId), pending);
        await ThrowsAws("KMSInvalidStateException", () => _kms.UpdateKeyDescriptionAsync(key.KeyId, "x"), pending);
        await ThrowsAws("KMSInvalidStateException", () => _kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "a", TagValue = "b" }] }), pending);
        await ThrowsAws("KMSInvalidStateException", () => _kms.CreateAliasAsync("alias/another-" + Guid.NewGuid().ToString("N"), key.KeyId), pending);

        // These work in every state.
        Assert.Equal(KeyState.PendingDeletion, (await _kms.DescribeKeyAsync(alias)).KeyMetadata.KeyState);
        Assert.NotEmpty((await _kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy);
        Assert.NotNull(await _kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId }));
        await _kms.DeleteAliasAsync(alias);
    }

    [Fact]
    public async Task A_disabled_key_cannot_be_used()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var ciphertext = (await _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes(3) })).CiphertextBlob;
        await _kms.DisableKeyAsync(key.KeyId);
        var disabled = $"{key.Arn} is disabled.";

        await ThrowsAws("DisabledException", () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes(1) }), disabled);
        await ThrowsAws("DisabledException", () => _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = ciphertext }), disabled);
        await ThrowsAws("DisabledException", () => _kms.GenerateDataKeyWithoutPlaintextAsync(
            new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, NumberOfBytes = 16 }), disabled);
        await ThrowsAws("DisabledException", () => _kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = ciphertext, DestinationKeyId = key.KeyId }), disabled);

        await _kms.EnableKeyAsync(key.KeyId);
        Assert.Equal(3, (await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = ciphertext })).Plaintext.Length);
    }

    [Fact]
    public async Task CreateKey_rejects_specs_and_usages_as_AWS_does()
    {
        await ThrowsAws("ValidationException", () => _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256 }),
            "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
        await ThrowsAws("ValidationException",
            () => _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.KEY_AGREEMENT }),
            "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048");
        await ThrowsAws("ValidationException",
            () => _kms.CreateKeyAsync(new CreateKeyRequest { KeyUsage = KeyUsageType.SIGN_VERIFY }),
            "KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT");
        var e = await ThrowsAws("ValidationException", () => _kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = "AES_999" }));
        Assert.StartsWith("1 validation error detected: Value 'AES_999' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_is_not_a_member_of_CreateKey_but_Encrypt_honours_it()
    {
        var key = (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await ThrowsAws("DryRunOperationException",
            () => _kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes(4), DryRun = true }),
            "The request would have succeeded, but the DryRun option is set.");
    }

    /// <summary>Hides a constant from the SDK's analyzers, so the server's own validation is what is tested.</summary>
    internal static int Unchecked(int value) => value;

    internal static MemoryStream Bytes(int length) => new(Enumerable.Range(0, length).Select(i => (byte)i).ToArray());
}
