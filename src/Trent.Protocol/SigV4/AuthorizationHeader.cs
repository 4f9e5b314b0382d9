namespace Trent.Protocol.SigV4;

/// <summary>The parts of an <c>Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c> header.</summary>
public sealed record AuthorizationHeader(
    string AccessKeyId,
    string Date,
    string Region,
    string Service,
    string Terminator,
    string SignedHeaders,
    string Signature)
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public string Scope => $"{Date}/{Region}/{Service}/{Terminator}";

    /// <summary>Parses the header, or explains in AWS's words what is missing.</summary>
    public static AuthorizationHeader Parse(string header)
    {
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            throw SigV4Errors.Incomplete($"Unsupported authorization type. Only {Algorithm} is accepted.");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in header.AsSpan(Algorithm.Length + 1).ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        var missing = new List<string>(3);
        if (string.IsNullOrEmpty(credential))
        {
            missing.Add("Authorization header requires 'Credential' parameter.");
        }

        if (string.IsNullOrEmpty(signature))
        {
            missing.Add("Authorization header requires 'Signature' parameter.");
        }

        if (string.IsNullOrEmpty(signedHeaders))
        {
            missing.Add("Authorization header requires 'SignedHeaders' parameter.");
        }

        if (missing.Count > 0)
        {
            throw SigV4Errors.Incomplete(string.Join(" ", missing));
        }

        var scope = credential!.Split('/');
        if (scope.Length != 5 || scope.Any(string.IsNullOrEmpty))
        {
            throw SigV4Errors.Incomplete(
                "Credential must have the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request.");
        }

        return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3], scope[4], signedHeaders!, signature!);
    }
}
