using System.Net;
using System.Text;
using System.Xml.Linq;
using Trent.Tests.Infrastructure;

namespace Trent.Tests.Protocol;

/// <summary>The IAM/STS query protocol's framing: XML error responses for what is not a valid request.</summary>
public sealed class QueryProtocolTests(SharedTrent shared) : IClassFixture<SharedTrent>
{
    private static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";
    private readonly TestTrent _trent = shared.Trent;

    [Fact]
    public async Task An_unsigned_form_request_gets_an_XML_ErrorResponse()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_trent.Url) };
        using var response = await http.PostAsync("/", new StringContent("Action=GetCallerIdentity&Version=2011-06-15", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ErrorResponse", xml.Name.LocalName);
        Assert.Equal("MissingAuthenticationToken", xml.Descendants().First(e => e.Name.LocalName == "Code").Value);
        Assert.NotEmpty(xml.Descendants().First(e => e.Name.LocalName == "RequestId").Value);
    }

    [Fact]
    public async Task Unknown_actions_missing_parameters_and_unknown_keys_are_IAM_errors()
    {
        using var iam = IamClient.Admin(_trent);
        var error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("CreateGroup", ("GroupName", "g")));
        Assert.Equal(("InvalidAction", 400), (error.Code, error.Status));
        error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("CreateUser"));
        Assert.Equal(("ValidationError", 400), (error.Code, error.Status));
        Assert.Contains("userName", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("CreateUser", ("UserName", "has space")));
        Assert.Equal("ValidationError", error.Code);
        error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("DeleteUser", ("UserName", "nobody-at-all")));
        Assert.Equal(("NoSuchEntity", 404), (error.Code, error.Status));

        using var stranger = new IamClient(_trent.Url, "AKIAUNKNOWNUNKNOWN00", "secret");
        error = await Assert.ThrowsAsync<IamError>(() => stranger.CallAsync("ListUsers"));
        Assert.Equal(("InvalidClientTokenId", 403), (error.Code, error.Status));
        using var wrongSecret = new IamClient(_trent.Url, TestTrent.AccessKeyId, "not-the-secret");
        error = await Assert.ThrowsAsync<IamError>(() => wrongSecret.CallAsync("ListUsers"));
        Assert.Equal(("SignatureDoesNotMatch", 403), (error.Code, error.Status));
    }

    [Fact]
    public async Task Users_roles_and_policies_round_trip_through_IAM_XML()
    {
        using var iam = IamClient.Admin(_trent);
        var name = "rt-" + Guid.NewGuid().ToString("N")[..8];
        var user = await iam.CallAsync("CreateUser", ("UserName", name), ("Path", "/teams/"));
        Assert.Equal($"arn:aws:iam::{TestTrent.AccountId}:user/teams/{name}", IamClient.Value(user, "Arn"));
        Assert.Equal("/teams/", IamClient.Value(user, "Path"));
        Assert.Equal(name, IamClient.Value(await iam.CallAsync("GetUser", ("UserName", name.ToUpperInvariant())), "UserName"));

        const string document = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}""";
        await iam.PutUserPolicyAsync(name, "enc", document);
        var policy = await iam.CallAsync("GetUserPolicy", ("UserName", name), ("PolicyName", "enc"));
        Assert.Equal(document, Uri.UnescapeDataString(IamClient.Value(policy, "PolicyDocument")));
        await iam.CallAsync("DeleteUserPolicy", ("UserName", name), ("PolicyName", "enc"));
        Assert.Empty((await iam.CallAsync("ListUserPolicies", ("UserName", name))).Element(Iam + "PolicyNames")!.Elements());

        var trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}""";
        var role = await iam.CallAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", trust), ("MaxSessionDuration", "7200"));
        Assert.Equal("7200", IamClient.Value(role, "MaxSessionDuration"));
        Assert.Equal(trust, Uri.UnescapeDataString(IamClient.Value(role, "AssumeRolePolicyDocument")));
        Assert.Contains((await iam.CallAsync("ListRoles")).Descendants(Iam + "RoleName"), e => e.Value == name);
        var error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", "{}")));
        Assert.Equal("MalformedPolicyDocument", error.Code);
        await iam.CallAsync("DeleteRole", ("RoleName", name));
        await iam.CallAsync("DeleteUser", ("UserName", name));
        error = await Assert.ThrowsAsync<IamError>(() => iam.CallAsync("GetRole", ("RoleName", name)));
        Assert.Equal("NoSuchEntity", error.Code);
    }
}
