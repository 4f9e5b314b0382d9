using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Access;

/// <summary>Grants: constraints, tokens, Name idempotency, listing, retiring and revoking, the per-key quota.</summary>
public sealed class GrantTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private readonly TestTrent _trent = shared.Trent;
    private readonly AmazonKeyManagementServiceClient _admin = shared.Kms;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task A_grant_with_an_encryption_context_constraint_works_and_stops_working_after_retirement()
    {
        using var iam = IamClient.Admin(_trent);
        var grantee = await iam.CreateUserWithKeyAsync(Unique("grantee"));
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        using var kms = _trent.Client(grantee.AccessKeyId, grantee.Secret);
        var context = new Dictionary<string, string> { ["tenant"] = "acme", ["purpose"] = "backup" };

        // No IAM policy and the default key policy: nothing is allowed yet.
        await ThrowsAws("AccessDeniedException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([1]), EncryptionContext = context }));

        var grant = await _admin.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key.KeyId,
            GranteePrincipal = grantee.Arn,
            RetiringPrincipal = grantee.Arn,
            Operations = ["Encrypt", "Decrypt", "RetireGrant"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new() { ["tenant"] = "acme" } },
        });
        Assert.Matches("^[0-9a-f]{64}$", grant.GrantId);

        // The grant token makes the grant usable at once; the subset constraint admits more context pairs.
        var blob = (await kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.Arn, Plaintext = new MemoryStream([4, 2]), EncryptionContext = context, GrantTokens = [grant.GrantToken],
        })).CiphertextBlob;
        Assert.Equal([4, 2], (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = context, KeyId = key.Arn })).Plaintext.ToArray());
        await ThrowsAws("AccessDeniedException", () => kms.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([1]) }));
        await ThrowsAws("AccessDeniedException", () => kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key.Arn, Plaintext = new MemoryStream([1]), EncryptionContext = new() { ["tenant"] = "other" },
        }));
        // The grant allows only its operations.
        await ThrowsAws("AccessDeniedException", () => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = context }));

        var listed = await _admin.ListGrantsAsync(new ListGrantsRequest { KeyId = key.KeyId });
        var entry = Assert.Single(listed.Grants);
        Assert.Equal(key.Arn, entry.KeyId);
        Assert.Equal(grantee.Arn, entry.GranteePrincipal);
        Assert.Equal(["Encrypt", "Decrypt", "RetireGrant"], entry.Operations);
        Assert.Equal("acme", entry.Constraints.EncryptionContextSubset["tenant"]);
        Assert.Equal($"arn:aws:iam::{TestTrent.AccountId}:root", entry.IssuingAccount);

        // ListRetirableGrants is allowed by IAM policies only; the account root may.
        var retirable = await _admin.ListRetirableGrantsAsync(new ListRetirableGrantsRequest { RetiringPrincipal = grantee.Arn });
        Assert.Equal(grant.GrantId, Assert.Single(retirable.Grants).GrantId);

        await kms.RetireGrantAsync(new RetireGrantRequest { GrantToken = grant.GrantToken });
        await ThrowsAws("AccessDeniedException", () => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob, EncryptionContext = context, KeyId = key.Arn }));
        Assert.Empty((await _admin.ListGrantsAsync(new ListGrantsRequest { KeyId = key.KeyId })).Grants ?? []);
    }

    [Fact]
    public async Task EncryptionContextEquals_needs_exactly_the_context_and_RevokeGrant_ends_a_grant()
    {
        using var iam = IamClient.Admin(_trent);
        var grantee = await iam.CreateUserWithKeyAsync(Unique("equals"));
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var grant = await _admin.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key.Arn,
            GranteePrincipal = grantee.Arn,
            Operations = ["GenerateDataKey", "DescribeKey"],
            Constraints = new GrantConstraints { EncryptionContextEquals = new() { ["app"] = "x" } },
        });
        using var kms = _trent.Client(grantee.AccessKeyId, grantee.Secret);
        await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = new() { ["app"] = "x" } });
        // Keys compare case-insensitively, values exactly; an extra pair breaks equality.
        await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = new() { ["APP"] = "x" } });
        await ThrowsAws("AccessDeniedException", () => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest
        {
            KeyId = key.Arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = new() { ["app"] = "x", ["more"] = "y" },
        }));
        await ThrowsAws("AccessDeniedException", () => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest
        {
            KeyId = key.Arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = new() { ["app"] = "X" },
        }));
        // The constraint does not apply to DescribeKey, which takes no context.
        Assert.Equal(key.KeyId, (await kms.DescribeKeyAsync(key.Arn)).KeyMetadata.KeyId);

        // The grantee may not retire a grant without RetireGrant in it; the key's account root revokes it.
        await ThrowsAws("AccessDeniedException", () => kms.RetireGrantAsync(new RetireGrantRequest { KeyId = key.Arn, GrantId = grant.GrantId }));
        await _admin.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key.KeyId, GrantId = grant.GrantId });
        await ThrowsAws("AccessDeniedException", () => kms.DescribeKeyAsync(key.Arn));
        await ThrowsAws("NotFoundException", () => _admin.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key.KeyId, GrantId = grant.GrantId }));
        await ThrowsAws("InvalidGrantIdException", () => _admin.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key.KeyId, GrantId = "not-a-grant" }));
    }

    [Fact]
    public async Task CreateGrant_with_the_same_Name_and_parameters_returns_the_same_grant_and_bad_input_is_refused()
    {
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var request = new CreateGrantRequest
        {
            KeyId = key.KeyId, GranteePrincipal = $"arn:aws:iam::{TestTrent.AccountId}:role/worker", Operations = ["Decrypt"], Name = "nightly-job",
        };
        var first = await _admin.CreateGrantAsync(request);
        var second = await _admin.CreateGrantAsync(request);
        Assert.Equal(first.GrantId, second.GrantId);
        Assert.NotEqual(first.GrantToken, second.GrantToken);
        request.Operations = ["Decrypt", "Encrypt"];
        Assert.NotEqual(first.GrantId, (await _admin.CreateGrantAsync(request)).GrantId);
        Assert.Equal("nightly-job", (await _admin.ListGrantsAsync(new ListGrantsRequest { KeyId = key.KeyId, GrantId = first.GrantId })).Grants.Single().Name);

        await ThrowsAws("ValidationException", () => _admin.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = "x", Operations = ["Sign"] }));
        await ThrowsAws("ValidationException", () => _admin.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, Operations = ["Decrypt"] }));
        await ThrowsAws("ValidationException", () => _admin.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = "x", Operations = ["Dance"] }));
        await ThrowsAws("InvalidGrantTokenException", () => _admin.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]), GrantTokens = ["forged"] }));
        await _admin.DisableKeyAsync(key.KeyId);
        await ThrowsAws("DisabledException", () => _admin.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = "x", Operations = ["Decrypt"] }));
    }

    [Fact]
    public async Task A_key_has_a_grant_quota()
    {
        await using var trent = await TestTrent.StartAsync(configure: o => o.MaxGrantsPerKey = 2);
        using var kms = trent.Client();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        for (var i = 0; i < 2; i++)
        {
            await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = "arn:aws:iam::111122223333:role/r", Operations = ["Decrypt"] });
        }

        await ThrowsAws(
            "LimitExceededException",
            () => kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = "arn:aws:iam::111122223333:role/r", Operations = ["Decrypt"] }));
        // Another key has its own quota.
        var other = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = other.KeyId, GranteePrincipal = "arn:aws:iam::111122223333:role/r", Operations = ["Decrypt"] });
    }
}
