namespace Trent.Domain.Auth;

/// <summary>
/// One authenticated request as the domain sees it, whichever front end (HTTP API, console, CLI) made it.
/// Services record the resources they touch here, so that the audit record can name them.
/// </summary>
public sealed class RequestContext(Principal caller, string requestId)
{
    private List<string>? _resources;

    public Principal Caller { get; } = caller;

    public string RequestId { get; } = requestId;

    public string? SourceIp { get; init; }

    public bool SecureTransport { get; init; }

    public IReadOnlyList<string> Resources => _resources ?? (IReadOnlyList<string>)[];

    public void AddResource(string arn)
    {
        _resources ??= new List<string>(2);
        if (!_resources.Contains(arn))
        {
            _resources.Add(arn);
        }
    }
}
