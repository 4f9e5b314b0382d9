using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Trent.Tests.Infrastructure;
using static Trent.Tests.Infrastructure.Assertions;

namespace Trent.Tests.Access;

/// <summary>Policies and grants decide the asymmetric, MAC and key agreement operations, with their condition keys.</summary>
public sealed class AsymmetricAccessTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private const string RootStatement = """{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}""";
    private readonly TestTrent _trent = shared.Trent;
    private readonly AmazonKeyManagementServiceClient _admin = shared.Kms;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    /// <summary>The default root statement, and one that allows <paramref name="principal"/> the actions under the condition.</summary>
    private static string Policy(string principal, string actions, string condition) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[" + RootStatement + ",{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + principal
        + "\"},\"Action\":" + actions + ",\"Resource\":\"*\",\"Condition\":" + condition + "}]}";

    [Fact]
    public async Task A_key_policy_can_limit_signing_to_one_algorithm_and_message_type()
    {
        using var iam = IamClient.Admin(_trent);
        var signer = await iam.CreateUserWithKeyAsync(Unique("signer"));
        var policy = Policy(signer.Arn, """["kms:Sign","kms:Verify","kms:GetPublicKey"]""",
            """{"StringEquals":{"kms:SigningAlgorithm":"RSASSA_PSS_SHA_256","kms:MessageType":"RAW"}}""");
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest { KeySpec = "RSA_2048", KeyUsage = "SIGN_VERIFY", Policy = policy })).KeyMetadata;
        using var kms = _trent.Client(signer.AccessKeyId, signer.Secret);

        var message = RandomNumberGenerator.GetBytes(64);
        var signature = await kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(message), SigningAlgorithm = "RSASSA_PSS_SHA_256" });
        Assert.True((await kms.VerifyAsync(new VerifyRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(message), Signature = new MemoryStream(signature.Signature.ToArray()), SigningAlgorithm = "RSASSA_PSS_SHA_256",
        })).SignatureValid);
        await ThrowsAws("AccessDeniedException",
            () => kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(message), SigningAlgorithm = "RSASSA_PKCS1_V1_5_SHA_256" }));
        await ThrowsAws("AccessDeniedException", () => kms.SignAsync(new SignRequest
        {
            KeyId = key.KeyId, Message = new MemoryStream(SHA256.HashData(message)), MessageType = "DIGEST", SigningAlgorithm = "RSASSA_PSS_SHA_256",
        }));
    }

    [Fact]
    public async Task A_MAC_user_is_limited_by_kms_MacAlgorithm_and_cannot_manage_the_key()
    {
        using var iam = IamClient.Admin(_trent);
        var user = await iam.CreateUserWithKeyAsync(Unique("macuser"));
        var policy = Policy(user.Arn, """["kms:GenerateMac","kms:VerifyMac"]""", """{"StringEquals":{"kms:MacAlgorithm":"HMAC_SHA_512"}}""");
        var key = (await _admin.CreateKeyAsync(new CreateKeyRequest { KeySpec = "HMAC_512", KeyUsage = "GENERATE_VERIFY_MAC", Policy = policy })).KeyMetadata;
        using var kms = _trent.Client(user.AccessKeyId, user.Secret);
        var mac = await kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = new MemoryStream([1, 2, 3]), MacAlgorithm = "HMAC_SHA_512" });
        Assert.Equal(64, mac.Mac.Length);
        await ThrowsAws("AccessDeniedException", () => kms.DisableKeyAsync(key.KeyId));
    }

    [Fact]
    public async Task Grants_give_a_principal_without_policy_access_Sign_and_DeriveSharedSecret_until_revoked()
    {
        using var iam = IamClient.Admin(_trent);
        var grantee = await iam.CreateUserWithKeyAsync(Unique("grantee"));
        using var kms = _trent.Client(grantee.AccessKeyId, grantee.Secret);
        var signing = (await _admin.CreateKeyAsync(new CreateKeyRequest { KeySpec = "ECC_NIST_P256", KeyUsage = "SIGN_VERIFY" })).KeyMetadata;
        var agreement = (await _admin.CreateKeyAsync(new CreateKeyRequest { KeySpec = "ECC_NIST_P384", KeyUsage = "KEY_AGREEMENT" })).KeyMetadata;
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        var sign = new SignRequest { KeyId = signing.KeyId, Message = new MemoryStream([9]), SigningAlgorithm = "ECDSA_SHA_256" };
        var derive = new DeriveSharedSecretRequest { KeyId = agreement.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = new MemoryStream(peer.ExportSubjectPublicKeyInfo()) };
        await ThrowsAws("AccessDeniedException", () => kms.SignAsync(sign));
        await ThrowsAws("AccessDeniedException", () => kms.DeriveSharedSecretAsync(derive));

        var signGrant = await _admin.CreateGrantAsync(new CreateGrantRequest { KeyId = signing.KeyId, GranteePrincipal = grantee.Arn, Operations = ["Sign", "GetPublicKey"] });
        var deriveGrant = await _admin.CreateGrantAsync(new CreateGrantRequest { KeyId = agreement.KeyId, GranteePrincipal = grantee.Arn, Operations = ["DeriveSharedSecret"] });
        sign.GrantTokens = [signGrant.GrantToken];
        derive.GrantTokens = [deriveGrant.GrantToken];
        sign.Message = new MemoryStream([9]);
        Assert.NotEmpty((await kms.SignAsync(sign)).Signature.ToArray());
        Assert.Equal(48, (await kms.DeriveSharedSecretAsync(derive)).SharedSecret.Length);
        await ThrowsAws("AccessDeniedException", () => kms.VerifyAsync(new VerifyRequest
        {
            KeyId = signing.KeyId, Message = new MemoryStream([9]), Signature = new MemoryStream(new byte[70]), SigningAlgorithm = "ECDSA_SHA_256",
        }));

        await _admin.RevokeGrantAsync(new RevokeGrantRequest { KeyId = signing.KeyId, GrantId = signGrant.GrantId });
        sign.GrantTokens = [];
        sign.Message = new MemoryStream([9]);
        await ThrowsAws("AccessDeniedException", () => kms.SignAsync(sign));
    }
}
