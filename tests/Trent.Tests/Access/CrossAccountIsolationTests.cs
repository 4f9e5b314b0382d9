using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.DependencyInjection;
using Trent.Domain.Identity;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Access;

/// <summary>
/// Aliases and retirable-grant lists are the caller's own: a second account that was given every permission
/// on account A's key still cannot name it in an alias, move one of its aliases onto it, see A's aliases,
/// or list the grants A's principals may retire.
/// </summary>
public sealed class CrossAccountIsolationTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly TestTrent _trent = shared.Trent;

    [Fact]
    public async Task Another_accounts_key_cannot_be_aliased_and_its_aliases_and_retirable_grants_stay_hidden()
    {
        var (accountB, rootB) = await _trent.Server.Services.GetRequiredService<AccountService>().CreateAccountAsync(null, CancellationToken.None);
        var admin = shared.Kms;
        // A's key allows account B everything, so only the account rule can refuse B.
        var keyA = (await admin.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{TestTrent.AccountId}}:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{accountB}}:root"},"Action":"kms:*","Resource":"*"}]}""",
        })).KeyMetadata;
        var aliasName = "alias/prod-payments-" + Guid.NewGuid().ToString("N")[..8];
        await admin.CreateAliasAsync(aliasName + "-a", keyA.KeyId);
        await admin.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = keyA.KeyId,
            GranteePrincipal = $"arn:aws:iam::{TestTrent.AccountId}:root",
            RetiringPrincipal = $"arn:aws:iam::{TestTrent.AccountId}:root",
            Operations = ["Encrypt"],
        });

        using var kmsB = _trent.Client(rootB.AccessKeyId, rootB.SecretAccessKey);
        // B may use A's key (the policy allows it)...
        await kmsB.EncryptAsync(new EncryptRequest { KeyId = keyA.Arn, Plaintext = new MemoryStream([1]) });
        // ...but no alias, in B's namespace or A's, can name it.
        await ThrowsAws("NotFoundException", () => kmsB.CreateAliasAsync(aliasName, keyA.Arn), $"Key '{keyA.Arn}' does not exist");
        Assert.DoesNotContain((await admin.ListAliasesAsync(new ListAliasesRequest { Limit = 100 })).Aliases, a => a.AliasName == aliasName);
        var keyB = (await kmsB.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kmsB.CreateAliasAsync(aliasName, keyB.KeyId);
        await ThrowsAws(
            "NotFoundException",
            () => kmsB.UpdateAliasAsync(new UpdateAliasRequest { AliasName = aliasName, TargetKeyId = keyA.Arn }),
            $"Key '{keyA.Arn}' does not exist");
        Assert.Equal(keyB.KeyId, Assert.Single((await kmsB.ListAliasesAsync(new ListAliasesRequest())).Aliases).TargetKeyId);

        // A's alias on A's key is not listed to B, even when B asks by that key's ARN; A still sees it.
        Assert.Empty((await kmsB.ListAliasesAsync(new ListAliasesRequest { KeyId = keyA.Arn })).Aliases ?? []);
        Assert.Equal(aliasName + "-a", Assert.Single((await admin.ListAliasesAsync(new ListAliasesRequest { KeyId = keyA.Arn })).Aliases).AliasName);

        // Retirable grants of A's principal are A's business.
        await ThrowsAws(
            "AccessDeniedException",
            () => kmsB.ListRetirableGrantsAsync(new ListRetirableGrantsRequest { RetiringPrincipal = $"arn:aws:iam::{TestTrent.AccountId}:root" }));
        Assert.NotEmpty((await admin.ListRetirableGrantsAsync(new ListRetirableGrantsRequest
        {
            RetiringPrincipal = $"arn:aws:iam::{TestTrent.AccountId}:root",
        })).Grants);
    }
}
