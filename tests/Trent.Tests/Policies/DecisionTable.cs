using Trent.Domain.Auth;
using Trent.Domain.Errors;
using Trent.Domain.Grants;
using Trent.Domain.Keys;
using Trent.Domain.Policies;
using Trent.Domain.Policies.Language;
using Trent.Storage.Sqlite;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Policies;

/// <summary>
/// Whole decisions of <see cref="PolicyAuthorizer"/>, from AWS's documented logic for KMS: the key policy
/// (directly, or through the account principal delegating to IAM), identity policies, cross-account rules and
/// explicit denies. Principals: the account root, a user, an assumed role, and the root and a user of a second account.
/// </summary>
public sealed class DecisionTable : IDisposable
{
    private const string A = "111122223333";
    private const string B = "444455556666";
    private const string KeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private readonly string _directory = TestTrent.NewDataDirectory();
    private readonly SqliteDatabase _database;
    private readonly PolicyAuthorizer _authorizer;

    public DecisionTable()
    {
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase(Path.Combine(_directory, "trent.db"));
        _database.Initialize();
        _authorizer = new PolicyAuthorizer(
            new PolicyCache(), new GrantEvaluator(new SqliteGrantStore(_database)), new SqliteAliasStore(_database), TimeProvider.System);
    }

    private static readonly string Default = KeyPolicyDocument.Default("aws", A);

    private static string KeyPolicy(string statements) => $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";

    private const string AllowUserEncrypt = """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}""";
    private const string AllowAllKms = """{"Effect":"Allow","Action":"kms:*","Resource":"*"}""";
    private const string DenyEncrypt = """{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}""";

    /// <summary>name, caller, key policy, identity statements (null: none), action, expected outcome.</summary>
    public static readonly TheoryData<string, string, string, string?, string, string> Cases = new()
    {
        { "default policy: the account root may do anything", "root", Default, null, "kms:Encrypt", "allow" },
        { "default policy: root may schedule deletion", "root", Default, null, "kms:ScheduleKeyDeletion", "allow" },
        { "default policy: a user without IAM policy is refused", "user", Default, null, "kms:Encrypt", "no identity" },
        { "default policy: a user whose IAM policy allows", "user", Default, AllowUserEncrypt, "kms:Encrypt", "allow" },
        { "default policy: the IAM policy allows only what it names", "user", Default, AllowUserEncrypt, "kms:Decrypt", "no identity" },
        { "default policy: an assumed role with a role policy", "role", Default, AllowAllKms, "kms:Decrypt", "allow" },
        { "default policy: an assumed role without", "role", Default, null, "kms:Decrypt", "no identity" },
        { "default policy: an IAM deny beats the IAM allow", "user", Default, AllowAllKms + "," + DenyEncrypt, "kms:Encrypt", "identity deny" },
        { "default policy: root needs no IAM policy", "root", Default, null, "kms:Encrypt", "allow" },
        { "default policy: another account's root is refused", "otherRoot", Default, null, "kms:Encrypt", "no resource" },
        { "default policy: another account's user with an IAM allow is refused", "otherUser", Default, AllowAllKms, "kms:Encrypt", "no resource" },
        { "key policy names the user: allowed without IAM policy", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:Encrypt","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "key policy names the user for another action", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:Encrypt","Resource":"*"}"""), null, "kms:Decrypt", "no resource" },
        { "key policy names another user", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kms:*","Resource":"*"}"""), AllowAllKms, "kms:Encrypt", "no resource" },
        { "key policy names the role: its sessions are allowed", "role", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "allow" },
        { "key policy names the session", "role", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "allow" },
        { "key policy names another session", "role", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/app/other"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "no resource" },
        { "key policy Principal * allows anyone in the account", "user", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:DescribeKey","Resource":"*"}"""), null, "kms:DescribeKey", "allow" },
        { "key policy Principal AWS * allows too", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:DescribeKey","Resource":"*"}"""), null, "kms:DescribeKey", "allow" },
        { "key policy by bare account ID delegates to IAM", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}"""), AllowUserEncrypt, "kms:Encrypt", "allow" },
        { "bare account ID without IAM allow", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "no identity" },
        { "bare account ID allows its root", "root", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "a policy without the root statement shuts out root", "root", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "no resource" },
        { "without the root statement IAM allows do not count", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kms:*","Resource":"*"}"""), AllowAllKms, "kms:Encrypt", "no resource" },
        { "key policy deny for the user beats IAM allow", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:Decrypt","Resource":"*"}"""), AllowAllKms, "kms:Decrypt", "resource deny" },
        { "key policy deny for the account covers its users", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "resource deny" },
        { "key policy deny for everyone covers root", "root", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:ScheduleKeyDeletion","Resource":"*"}"""), null, "kms:ScheduleKeyDeletion", "resource deny" },
        { "key policy deny for another action leaves the allow", "root", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:ScheduleKeyDeletion","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "NotPrincipal deny spares the named principal", "user", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "NotPrincipal deny hits everyone else", "role", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "resource deny" },
        { "NotPrincipal naming a role does not spare its sessions", "role", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/app","111122223333"]},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "resource deny" },
        { "NotPrincipal naming the session spares it", "role", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/app/s1","arn:aws:iam::111122223333:role/app","111122223333"]},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "NotPrincipal naming another session of the role", "role", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/app/s2","arn:aws:iam::111122223333:role/app"]},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "resource deny" },
        { "NotPrincipal allow naming the role still applies to its session", "role", KeyPolicy("""{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Encrypt","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "NotPrincipal naming the account root spares root", "root", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "a role at a path is named with its path", "devRole", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/dev/app"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "allow" },
        { "a role at a path is not the role of that name at /", "devRole", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "no resource" },
        { "aws:PrincipalArn of a session at a path has the path", "devRole", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/dev/app"}}}"""), null, "kms:Encrypt", "allow" },
        { "aws:PrincipalArn without the path does not match", "devRole", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}}"""), null, "kms:Encrypt", "no resource" },
        { "a service principal statement allows no user", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:*","Resource":"*"}"""), AllowAllKms, "kms:Encrypt", "no resource" },
        { "key policy Resource * means this key", "user", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"}"""), null, "kms:Encrypt", "allow" },
        { "key policy Resource naming another key", "user", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/other"}"""), null, "kms:Encrypt", "no resource" },
        { "key administrator statement: may manage", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*","kms:Get*","kms:Delete*","kms:TagResource","kms:UntagResource","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"}"""), null, "kms:DisableKey", "allow" },
        { "key administrator statement: may not use", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*","kms:Get*","kms:Delete*","kms:TagResource","kms:UntagResource","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"}"""), null, "kms:Decrypt", "no resource" },
        { "cross-account: key policy names the account, its IAM allows", "otherUser", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:Decrypt","Resource":"*"}"""), """{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*"}""", "kms:Decrypt", "allow" },
        { "cross-account: key policy allows, IAM does not", "otherUser", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "no identity" },
        { "cross-account: IAM allows, key policy does not", "otherUser", Default, """{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}""", "kms:Decrypt", "no resource" },
        { "cross-account: naming the user still needs its IAM allow", "otherUser", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/carol"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "no identity" },
        { "cross-account: naming the user with its IAM allow", "otherUser", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/carol"},"Action":"kms:Decrypt","Resource":"*"}"""), """{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}""", "kms:Decrypt", "allow" },
        { "cross-account: the other account's root needs no IAM policy", "otherRoot", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:Decrypt", "allow" },
        { "cross-account: the key policy allows only the named action", "otherRoot", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:Decrypt","Resource":"*"}"""), null, "kms:ScheduleKeyDeletion", "no resource" },
        { "cross-account: an IAM deny still wins", "otherUser", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:*","Resource":"*"}"""), AllowAllKms + "," + DenyEncrypt, "kms:Encrypt", "identity deny" },
        { "condition on the key policy: encryption context required and given", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:app":"billing"}}}"""), null, "kms:Encrypt+ec", "allow" },
        { "condition on the key policy: encryption context missing", "user", KeyPolicy("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:app":"billing"}}}"""), null, "kms:Encrypt", "no resource" },
        { "kms:CallerAccount condition", "user", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}"""), null, "kms:Encrypt", "allow" },
        { "kms:CallerAccount condition for another account", "otherRoot", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}"""), null, "kms:Encrypt", "no resource" },
        { "aws:PrincipalArn of a session is the role", "role", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}}"""), null, "kms:Encrypt", "allow" },
        { "kms:KeySpec condition from the key", "user", KeyPolicy("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT","kms:KeyUsage":"ENCRYPT_DECRYPT","kms:KeyOrigin":"AWS_KMS"}}}"""), null, "kms:Encrypt", "allow" },
        { "aws:ResourceTag condition from the key's tags", "user", Default, """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"payments"}}}""", "kms:Encrypt", "allow" },
        { "aws:ResourceTag condition with another value", "user", Default, """{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"web"}}}""", "kms:Encrypt", "no identity" },
        { "aws:SecureTransport is false over http", "user", Default, """{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}""", "kms:Encrypt", "identity deny" },
        { "account-level action: root may", "root", Default, null, "kms:CreateKey", "allow" },
        { "account-level action: a user needs IAM", "user", Default, null, "kms:CreateKey", "no identity" },
        { "account-level action: a user with IAM", "user", Default, """{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*"}""", "kms:CreateKey", "allow" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Authorizer_decides_as_AWS_documents(string name, string caller, string keyPolicy, string? identity, string action, string expected)
    {
        var context = new RequestContext(Caller(caller), "test", Trent.Domain.Regions.RegionCatalog.Get("us-east-1"))
        {
            Identity = identity is null
                ? null
                : new CallerIdentity([PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{{identity}}]}""", PolicyKind.Identity)], new Dictionary<string, string>(), true),
        };
        if (action.EndsWith("+ec", StringComparison.Ordinal))
        {
            action = action[..^3];
            context.Conditions.EncryptionContext = new Dictionary<string, string> { ["app"] = "billing" };
        }

        var key = Key(keyPolicy);
        var isAccountLevel = action is "kms:CreateKey";
        var error = await Record.ExceptionAsync(async () => await _authorizer.AuthorizeAsync(context, action, isAccountLevel ? null : key, CancellationToken.None));
        var resource = isAccountLevel ? "*" : KeyArn;
        var prefix = $"User: {context.Caller.Arn} is not authorized to perform: {action} on resource: {resource} ";
        var outcome = error switch
        {
            null => "allow",
            KmsException { Code: KmsErrorCode.AccessDenied } e when e.Message == prefix + $"because no identity-based policy allows the {action} action" => "no identity",
            KmsException { Code: KmsErrorCode.AccessDenied } e when e.Message == prefix + $"because no resource-based policy allows the {action} action" => "no resource",
            KmsException { Code: KmsErrorCode.AccessDenied } e when e.Message == prefix + "with an explicit deny in an identity-based policy" => "identity deny",
            KmsException { Code: KmsErrorCode.AccessDenied } e when e.Message == prefix + "with an explicit deny in a resource-based policy" => "resource deny",
            _ => "unexpected: " + error.Message,
        };
        Assert.True(expected == outcome, $"{name}: expected {expected}, got {outcome}");
    }

    public void Dispose()
    {
        _database.Dispose();
        TestTrent.TryDelete(_directory);
    }

    private static Principal Caller(string kind) => kind switch
    {
        "root" => Principal.AccountRoot("aws", A, "AKIAROOT"),
        "user" => Principal.User(A, $"arn:aws:iam::{A}:user/alice", "AIDAALICE", "AKIAALICE"),
        "role" => Principal.Session("aws", A, "/", "app", "AROAAPP", "s1", "ASIAAPP"),
        "devRole" => Principal.Session("aws", A, "/dev/", "app", "AROADEVAPP", "s1", "ASIADEVAPP"),
        "otherRoot" => Principal.AccountRoot("aws", B, "AKIAOTHERROOT"),
        "otherUser" => Principal.User(B, $"arn:aws:iam::{B}:user/carol", "AIDACAROL", "AKIACAROL"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static KeyRecord Key(string policy) => new()
    {
        KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab",
        AccountId = A,
        Region = "us-east-1",
        Partition = "aws",
        CreationDate = DateTimeOffset.UnixEpoch,
        Description = string.Empty,
        KeySpec = KeySpec.SYMMETRIC_DEFAULT,
        KeyUsage = KeyUsage.ENCRYPT_DECRYPT,
        Origin = KeyOrigin.AWS_KMS,
        State = KeyState.Enabled,
        Policy = policy,
        Tags = [new Tag("team", "payments")],
    };
}
