using Trent.Domain.Regions;

namespace Trent.Domain.Auth;

/// <summary>
/// One authenticated request as the domain sees it, whichever front end (HTTP API, console, CLI) made it.
/// Services record the resources they touch here, so that the audit record can name them. The Region travels
/// here (the request's credential scope): keys, aliases, grants and quotas are per account and Region.
/// </summary>
public sealed class RequestContext(Principal caller, string requestId, AwsRegion region)
{
    private List<string>? _resources;
    private List<string>? _keyOwners;
    private RequestConditions? _conditions;

    public Principal Caller { get; } = caller;

    public string RequestId { get; } = requestId;

    /// <summary>The Region the request was signed for.</summary>
    public AwsRegion Region { get; } = region;

    public string? SourceIp { get; init; }

    public bool SecureTransport { get; init; }

    /// <summary>Values for policy conditions that only the operation knows (encryption context, algorithms, grant tokens...).</summary>
    public RequestConditions Conditions => _conditions ??= new RequestConditions();

    /// <summary>The caller's IAM identity (policies, tags), loaded by the front end after authentication;
    /// null for callers whose identity needs no lookup (the account root).</summary>
    public CallerIdentity? Identity { get; set; }

    /// <summary>The same caller and request acting in another Region (a multi-Region key's replica Region), with
    /// conditions of its own.</summary>
    public RequestContext InRegion(AwsRegion other) =>
        new(Caller, RequestId, other) { Identity = Identity, SourceIp = SourceIp, SecureTransport = SecureTransport };

    /// <summary>Whether an operation set any condition value (spares the allocation on the hot path).</summary>
    public bool HasConditions => _conditions is not null;

    public IReadOnlyList<string> Resources => _resources ?? (IReadOnlyList<string>)[];

    /// <summary>Other accounts whose keys the caller was allowed to use in this request: their trails get a copy.</summary>
    public IReadOnlyList<string> AuthorizedKeyOwners => _keyOwners ?? (IReadOnlyList<string>)[];

    public void AddAuthorizedKeyOwner(string accountId)
    {
        _keyOwners ??= new List<string>(1);
        if (!_keyOwners.Contains(accountId))
        {
            _keyOwners.Add(accountId);
        }
    }

    public void AddResource(string arn)
    {
        _resources ??= new List<string>(2);
        if (!_resources.Contains(arn))
        {
            _resources.Add(arn);
        }
    }
}
