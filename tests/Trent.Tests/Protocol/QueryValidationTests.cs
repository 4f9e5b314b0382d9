using System.Net;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Trent.Domain.Storage;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>
/// IAM and STS input as AWS validates it, through raw signed query requests: the 500s the fuzz test found (an
/// empty parameter name, control characters echoed into the XML, a stored control character poisoning every list
/// of the account) and AWS's model constraints with AWS's ValidationError texts.
/// </summary>
public sealed class QueryValidationTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";
    private readonly TestTrent _trent = shared.Trent;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}""";

    private async Task<IamError> FailsAsync(string action, params (string, string)[] parameters)
    {
        using var iam = IamClient.Admin(_trent);
        return await Assert.ThrowsAsync<IamError>(() => iam.CallAsync(action, parameters));
    }

    private void AssertAudited(IamError error)
    {
        Assert.NotNull(error.RequestId);
        var record = Assert.Single(AuditFiles.ReadAll(_trent.DataDirectory), r => r.GetProperty("requestID").GetString() == error.RequestId);
        Assert.Equal(error.Code, record.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task An_empty_parameter_name_is_ignored_and_the_request_is_answered_and_audited()
    {
        using var iam = IamClient.Admin(_trent);
        var name = Unique("empty");
        await iam.CallAsync("CreateUser", ("UserName", name), ("", "value"));
        Assert.Equal(name, IamClient.Value(await iam.CallAsync("GetUser", ("UserName", name), ("", "")), "UserName"));

        var error = await FailsAsync("GetUser", ("UserName", Unique("nobody")), ("", "x"));
        Assert.Equal(("NoSuchEntity", 404), (error.Code, error.Status));
        AssertAudited(error);
    }

    [Fact]
    public async Task Control_characters_are_refused_with_AWS_text_in_well_formed_XML_and_audited()
    {
        var error = await FailsAsync("CreateUser", ("UserName", "bad\u0001name"));
        Assert.Equal(("ValidationError", 400), (error.Code, error.Status));
        // The control character is echoed as U+FFFD: XML 1.0 cannot carry it.
        Assert.Equal(
            "1 validation error detected: Value 'bad\uFFFDname' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
            error.ErrorMessage);
        AssertAudited(error);

        error = await FailsAsync("GetRole", ("RoleName", "nul\0"));
        Assert.Equal("ValidationError", error.Code);
        AssertAudited(error);
    }

    [Fact]
    public async Task A_control_character_in_a_description_or_tag_is_refused_and_lists_keep_working()
    {
        var name = Unique("ctl");
        var error = await FailsAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", Trust), ("Description", "line\u0007bell"));
        Assert.Equal(
            "1 validation error detected: Value 'line\uFFFDbell' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*",
            error.ErrorMessage);
        error = await FailsAsync("CreateUser", ("UserName", name), ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "a\u0002b"));
        Assert.Equal(
            "1 validation error detected: Value 'a\uFFFDb' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
            error.ErrorMessage);

        using var iam = IamClient.Admin(_trent);
        await iam.CallAsync("ListRoles");
        await iam.CallAsync("ListUsers");
    }

    [Fact]
    public async Task A_control_character_stored_before_validation_existed_does_not_break_Get_or_List()
    {
        // Data written by an older Trent (or another tool) may hold characters XML cannot carry.
        using var iam = IamClient.Admin(_trent);
        var name = Unique("old");
        await iam.CallAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", Trust), ("Description", "fine"));
        await iam.CallAsync("CreateUser", ("UserName", name));
        var store = _trent.Server.Services.GetRequiredService<IIdentityStore>();
        var role = (await store.GetRoleAsync(TestTrent.AccountId, name, default))!;
        await store.DeleteRoleAsync(TestTrent.AccountId, name, default);
        Assert.True(await store.TryCreateRoleAsync(role with { Description = "bell\u0007", Tags = new Dictionary<string, string> { ["k\0"] = "\u001b" } }, default));
        var user = (await store.GetUserAsync(TestTrent.AccountId, name, default))!;
        await store.DeleteUserAsync(TestTrent.AccountId, name, default);
        Assert.True(await store.TryCreateUserAsync(user with { Tags = new Dictionary<string, string> { ["t"] = "v\u0001" } }, default));

        Assert.Equal("bell\uFFFD", IamClient.Value(await iam.CallAsync("GetRole", ("RoleName", name)), "Description"));
        Assert.Contains((await iam.CallAsync("ListRoles")).Descendants(Iam + "Description"), d => d.Value == "bell\uFFFD");
        Assert.Equal("v\uFFFD", IamClient.Value(await iam.CallAsync("GetUser", ("UserName", name)), "Value"));
        Assert.Contains((await iam.CallAsync("ListUsers")).Descendants(Iam + "UserName"), u => u.Value == name);
    }

    [Fact]
    public async Task Names_paths_and_documents_follow_AWS_constraints()
    {
        var error = await FailsAsync("CreateUser", ("UserName", "名前"));
        Assert.Equal("1 validation error detected: Value '名前' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", error.ErrorMessage);
        error = await FailsAsync("CreateUser", ("UserName", "é"));
        Assert.Equal("ValidationError", error.Code);
        var long65 = new string('a', 65);
        error = await FailsAsync("CreateUser", ("UserName", long65));
        Assert.Equal($"1 validation error detected: Value '{long65}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64", error.ErrorMessage);
        error = await FailsAsync("CreateRole", ("RoleName", ""), ("AssumeRolePolicyDocument", Trust));
        Assert.Equal(
            "2 validation errors detected: Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1; "
            + "Value '' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
            error.ErrorMessage);
        error = await FailsAsync("CreateUser", ("UserName", Unique("p")), ("Path", "/no-trailing"));
        Assert.Equal(
            "1 validation error detected: Value '/no-trailing' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
            error.ErrorMessage);
        error = await FailsAsync("CreateRole", ("RoleName", Unique("d")), ("AssumeRolePolicyDocument", Trust), ("Description", new string('d', 1001)));
        Assert.EndsWith("at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000", error.ErrorMessage, StringComparison.Ordinal);
        error = await FailsAsync("CreateRole", ("RoleName", Unique("m")), ("AssumeRolePolicyDocument", Trust), ("MaxSessionDuration", "99999999999"));
        Assert.Equal("1 validation error detected: Value '99999999999' at 'maxSessionDuration' failed to satisfy constraint: Member must be an integer", error.ErrorMessage);
        error = await FailsAsync("CreateRole", ("RoleName", Unique("m")), ("AssumeRolePolicyDocument", Trust), ("MaxSessionDuration", "60"));
        Assert.Equal("1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600", error.ErrorMessage);
        error = await FailsAsync("PutUserPolicy", ("UserName", "u"), ("PolicyName", "has space"), ("PolicyDocument", "{\"Statement\":\"€\"}"));
        Assert.StartsWith("2 validation errors detected: Value 'has space' at 'policyName'", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", error.ErrorMessage, StringComparison.Ordinal);
        error = await FailsAsync("DeleteAccessKey", ("AccessKeyId", "short"));
        Assert.Equal("1 validation error detected: Value 'short' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16", error.ErrorMessage);
    }

    [Fact]
    public async Task Tags_follow_AWS_constraints()
    {
        var error = await FailsAsync("CreateUser", ("UserName", Unique("t")), ("Tags.member.1.Key", "bad*key"), ("Tags.member.1.Value", new string('v', 257)));
        Assert.Equal(
            "2 validation errors detected: Value 'bad*key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+; "
            + $"Value '{new string('v', 257)}' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
            error.ErrorMessage);
        error = await FailsAsync("CreateUser", ("UserName", Unique("t")), ("Tags.member.1.Key", "k"));
        Assert.Equal("1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null", error.ErrorMessage);
        error = await FailsAsync("CreateUser", ("UserName", Unique("t")), ("Tags.member.1.Key", "Team"), ("Tags.member.1.Value", "a"), ("Tags.member.2.Key", "team"), ("Tags.member.2.Value", "b"));
        Assert.Equal(("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive."), (error.Code, error.ErrorMessage));
        var many = Enumerable.Range(1, 51).SelectMany(i => new[] { ($"Tags.member.{i}.Key", $"k{i}"), ($"Tags.member.{i}.Value", "v") }).ToArray();
        error = await FailsAsync("CreateUser", [("UserName", Unique("t")), .. many]);
        Assert.Equal("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50", error.ErrorMessage);

        using var iam = IamClient.Admin(_trent);
        var name = Unique("ok");
        var user = await iam.CallAsync("CreateUser", ("UserName", name), ("Tags.member.1.Key", "Équipe: a/b=c+d-e@f"), ("Tags.member.1.Value", ""));
        Assert.Equal("Équipe: a/b=c+d-e@f", IamClient.Value(user, "Key"));
    }

    [Fact]
    public async Task A_user_may_not_take_the_name_of_the_account_root()
    {
        foreach (var name in new[] { "root", "ROOT", "Root" })
        {
            var error = await FailsAsync("CreateUser", ("UserName", name));
            Assert.Equal(("InvalidInput", 400), (error.Code, error.Status));
        }
    }

    [Fact]
    public async Task AssumeRole_checks_session_name_and_duration_as_STS_does()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_trent.Url) };
        async Task<string> AssumeAsync(string sessionName, string duration)
        {
            var form = $"Action=AssumeRole&Version=2011-06-15&RoleArn={Uri.EscapeDataString($"arn:aws:iam::{TestTrent.AccountId}:role/none")}"
                + $"&RoleSessionName={Uri.EscapeDataString(sessionName)}&DurationSeconds={duration}";
            var body = Encoding.UTF8.GetBytes(form);
            var time = DateTime.UtcNow;
            var amzDate = time.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var headers = new Dictionary<string, string>
            {
                ["host"] = new Uri(_trent.Url).Authority,
                ["x-amz-date"] = amzDate,
                ["content-type"] = "application/x-www-form-urlencoded",
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
            request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
            request.Headers.TryAddWithoutValidation("Authorization", TestSigner.Authorization(
                "POST", "/", headers, body, TestTrent.AccessKeyId, TestTrent.SecretAccessKey, TestTrent.Region, "sts", time));
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return XElement.Parse(await response.Content.ReadAsStringAsync()).Descendants().First(e => e.Name.LocalName == "Message").Value;
        }

        Assert.Equal(
            "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
            await AssumeAsync("a", "900"));
        Assert.Equal(
            "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
            await AssumeAsync("a b", "900"));
        Assert.Equal(
            "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            await AssumeAsync("ok-session", "899"));
        Assert.Equal(
            "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
            await AssumeAsync("ok-session", "43201"));
    }
}
