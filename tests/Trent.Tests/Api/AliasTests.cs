using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Api;

public sealed class AliasTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly AmazonKeyManagementServiceClient _kms = shared.Kms;

    private static string NewAlias() => "alias/test-" + Guid.NewGuid().ToString("N");

    private async Task<KeyMetadata> NewKey() => (await _kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

    [Fact]
    public async Task CreateAlias_lists_with_ARN_target_and_dates()
    {
        var key = await NewKey();
        var alias = NewAlias();
        await _kms.CreateAliasAsync(alias, key.Arn);

        var listed = (await _kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId })).Aliases;
        var entry = Assert.Single(listed);
        Assert.Equal(alias, entry.AliasName);
        Assert.Equal($"arn:{TestTrent.Partition}:kms:{TestTrent.Region}:{TestTrent.AccountId}:{alias}", entry.AliasArn);
        Assert.Equal(key.KeyId, entry.TargetKeyId);
        Assert.NotNull(entry.CreationDate);
        Assert.NotNull(entry.LastUpdatedDate);
    }

    [Fact]
    public async Task A_taken_alias_name_is_AlreadyExists()
    {
        var key = await NewKey();
        var alias = NewAlias();
        await _kms.CreateAliasAsync(alias, key.KeyId);
        await ThrowsAws("AlreadyExistsException", () => _kms.CreateAliasAsync(alias, key.KeyId),
            $"An alias with the name arn:{TestTrent.Partition}:kms:{TestTrent.Region}:{TestTrent.AccountId}:{alias} already exists");
    }

    [Fact]
    public async Task Alias_names_are_validated()
    {
        var key = await NewKey();
        await ThrowsAws("ValidationException", () => _kms.CreateAliasAsync("app", key.KeyId),
            "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        await ThrowsAws("InvalidAliasNameException", () => _kms.CreateAliasAsync("alias/aws/s3", key.KeyId));
        await ThrowsAws("ValidationException", () => _kms.CreateAliasAsync("alias/has space", key.KeyId),
            "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        await ThrowsAws("ValidationException", () => _kms.CreateAliasAsync("alias/" + new string('a', 251), key.KeyId));
        // The model's pattern admits ':', the service does not (for CreateAlias and UpdateAlias alike).
        await ThrowsAws("ValidationException", () => _kms.CreateAliasAsync("alias/a:b", key.KeyId), "alias/a:b contains invalid characters for an alias");
        await ThrowsAws("ValidationException", () => _kms.UpdateAliasAsync("alias/a:b", key.KeyId), "alias/a:b contains invalid characters for an alias");
    }

    [Fact]
    public async Task An_alias_cannot_target_an_alias_or_a_missing_key()
    {
        var key = await NewKey();
        var alias = NewAlias();
        await _kms.CreateAliasAsync(alias, key.KeyId);
        await ThrowsAws("NotFoundException", () => _kms.CreateAliasAsync(NewAlias(), alias), $"Invalid keyId '{alias}'");
        var missing = Guid.NewGuid().ToString();
        await ThrowsAws("NotFoundException", () => _kms.CreateAliasAsync(NewAlias(), missing), $"Key '{shared.Trent.KeyArn(missing)}' does not exist");
    }

    [Fact]
    public async Task UpdateAlias_moves_the_alias_and_encryption_follows()
    {
        var first = await NewKey();
        var second = await NewKey();
        var alias = NewAlias();
        await _kms.CreateAliasAsync(alias, first.KeyId);
        Assert.Equal(first.Arn, (await _kms.EncryptAsync(new EncryptRequest { KeyId = alias, Plaintext = KeyLifecycleTests.Bytes(2) })).KeyId);

        await _kms.UpdateAliasAsync(alias, second.KeyId);
        Assert.Equal(second.Arn, (await _kms.EncryptAsync(new EncryptRequest { KeyId = alias, Plaintext = KeyLifecycleTests.Bytes(2) })).KeyId);
        Assert.Empty((await _kms.ListAliasesAsync(new ListAliasesRequest { KeyId = first.KeyId })).Aliases);
        Assert.Single((await _kms.ListAliasesAsync(new ListAliasesRequest { KeyId = second.KeyId })).Aliases);

        await ThrowsAws("NotFoundException", () => _kms.UpdateAliasAsync(NewAlias(), second.KeyId));
    }

    [Fact]
    public async Task UpdateAlias_refuses_a_target_pending_deletion()
    {
        var first = await NewKey();
        var second = await NewKey();
        var alias = NewAlias();
        await _kms.CreateAliasAsync(alias, first.KeyId);
        await _kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = second.KeyId, PendingWindowInDays = 7 });
        await ThrowsAws("KMSInvalidStateException", () => _kms.UpdateAliasAsync(alias, second.KeyId), $"{second.Arn} is pending deletion.");
    }

    [Fact]
    public async Task DeleteAlias_removes_it_and_a_second_delete_is_NotFound()
    {
        var key = await NewKey();
        var alias = NewAlias();
        await _kms.CreateAliasAsync(alias, key.KeyId);
        await _kms.DeleteAliasAsync(alias);
        await ThrowsAws("NotFoundException", () => _kms.DescribeKeyAsync(alias));
        await ThrowsAws("NotFoundException", () => _kms.DeleteAliasAsync(alias),
            $"Alias arn:{TestTrent.Partition}:kms:{TestTrent.Region}:{TestTrent.AccountId}:{alias} is not found.");
    }

    [Fact]
    public async Task ListAliases_pages_through_every_alias()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var names = Enumerable.Range(0, 7).Select(i => $"alias/page-{i}").ToList();
        foreach (var name in names)
        {
            await kms.CreateAliasAsync(name, key.KeyId);
        }

        var seen = new List<string>();
        string? marker = null;
        do
        {
            var page = await kms.ListAliasesAsync(new ListAliasesRequest { Limit = 3, Marker = marker });
            seen.AddRange(page.Aliases.Select(a => a.AliasName));
            marker = page.NextMarker;
        }
        while (marker is not null);

        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task A_key_has_at_most_50_aliases()
    {
        await using var trent = await TestTrent.StartAsync();
        using var kms = trent.Client();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        for (var i = 0; i < 50; i++)
        {
            await kms.CreateAliasAsync($"alias/many-{i}", key.KeyId);
        }

        await ThrowsAws("LimitExceededException", () => kms.CreateAliasAsync("alias/many-50", key.KeyId));
    }

    [Fact]
    public async Task Concurrent_CreateAlias_never_passes_50_aliases_per_key()
    {
        // Counting first and inserting after let every racer see 40 and insert; the store now does both at once.
        var key = await NewKey();
        var prefix = NewAlias();
        for (var i = 0; i < 40; i++)
        {
            await _kms.CreateAliasAsync($"{prefix}-{i}", key.KeyId);
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(40, 32).Select(async i =>
        {
            try
            {
                await _kms.CreateAliasAsync($"{prefix}-{i}", key.KeyId);
                return "created";
            }
            catch (AmazonKeyManagementServiceException e)
            {
                return e.ErrorCode;
            }
        }));

        Assert.Equal(10, outcomes.Count(o => o == "created"));
        Assert.Equal(22, outcomes.Count(o => o == "LimitExceededException"));
        var listed = await _kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId, Limit = 100 });
        Assert.Equal(50, listed.Aliases.Count);
    }
}
