using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace Trent.Tests.Infrastructure;

/// <summary>
/// IAM over the query protocol, signed with SigV4 for service "iam" as the AWS CLI does (there is no IAM SDK
/// package among the test dependencies). Answers are parsed from IAM's XML; errors throw <see cref="IamError"/>.
/// </summary>
public sealed class IamClient(string url, string accessKeyId, string secret, string? sessionToken = null) : IDisposable
{
    private static readonly XNamespace Ns = "https://iam.amazonaws.com/doc/2010-05-08/";
    private readonly HttpClient _http = new() { BaseAddress = new Uri(url) };

    public static IamClient Admin(TestTrent trent) => new(trent.Url, TestTrent.AccessKeyId, TestTrent.SecretAccessKey);

    public async Task<XElement> CallAsync(string action, params (string Name, string Value)[] parameters)
    {
        var form = string.Join('&', new[] { ("Action", action), ("Version", "2010-05-08") }.Concat(parameters)
            .Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
        var body = Encoding.UTF8.GetBytes(form);
        var time = DateTime.UtcNow;
        var host = new Uri(url).Authority;
        var headers = new Dictionary<string, string>
        {
            ["host"] = host,
            ["x-amz-date"] = time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture),
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
        };
        if (sessionToken is not null)
        {
            headers["x-amz-security-token"] = sessionToken;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(headers["content-type"]);
        request.Headers.TryAddWithoutValidation("x-amz-date", headers["x-amz-date"]);
        if (sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("x-amz-security-token", sessionToken);
        }

        request.Headers.TryAddWithoutValidation(
            "Authorization", TestSigner.Authorization("POST", "/", headers, body, accessKeyId, secret, "us-east-1", "iam", time));
        using var response = await _http.SendAsync(request);
        var xml = XElement.Parse(await response.Content.ReadAsStringAsync());
        if (!response.IsSuccessStatusCode)
        {
            var error = xml.Element(Ns + "Error")!;
            throw new IamError((int)response.StatusCode, error.Element(Ns + "Code")!.Value, error.Element(Ns + "Message")?.Value)
            {
                RequestId = xml.Element(Ns + "RequestId")?.Value,
            };
        }

        Assert.Equal(action + "Response", xml.Name.LocalName);
        return xml.Element(Ns + action + "Result") ?? xml;
    }

    public async Task<string> CreateUserAsync(string name) =>
        (await CallAsync("CreateUser", ("UserName", name))).Element(Ns + "User")!.Element(Ns + "Arn")!.Value;

    public async Task<(string AccessKeyId, string Secret)> CreateAccessKeyAsync(string userName)
    {
        var key = (await CallAsync("CreateAccessKey", ("UserName", userName))).Element(Ns + "AccessKey")!;
        return (key.Element(Ns + "AccessKeyId")!.Value, key.Element(Ns + "SecretAccessKey")!.Value);
    }

    /// <summary>A user with an access key and, when given, an inline policy.</summary>
    public async Task<(string Arn, string AccessKeyId, string Secret)> CreateUserWithKeyAsync(string name, string? policy = null)
    {
        var arn = await CreateUserAsync(name);
        if (policy is not null)
        {
            await PutUserPolicyAsync(name, "inline", policy);
        }

        var (id, secret) = await CreateAccessKeyAsync(name);
        return (arn, id, secret);
    }

    public Task PutUserPolicyAsync(string userName, string policyName, string document) =>
        CallAsync("PutUserPolicy", ("UserName", userName), ("PolicyName", policyName), ("PolicyDocument", document));

    public Task PutRolePolicyAsync(string roleName, string policyName, string document) =>
        CallAsync("PutRolePolicy", ("RoleName", roleName), ("PolicyName", policyName), ("PolicyDocument", document));

    public async Task<string> CreateRoleAsync(string name, string trustPolicy) =>
        (await CallAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", trustPolicy))).Element(Ns + "Role")!.Element(Ns + "Arn")!.Value;

    public static string Value(XElement element, string name) => element.Descendants(Ns + name).First().Value;

    public void Dispose() => _http.Dispose();
}

public sealed class IamError(int status, string code, string? message) : Exception($"{code}: {message}")
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    /// <summary>The RequestId of the ErrorResponse: the audit record's requestID.</summary>
    public string? RequestId { get; init; }

    /// <summary>The Message of the ErrorResponse, as sent.</summary>
    public string? ErrorMessage { get; } = message;
}
