using System.Text.Json;

namespace Trent.Domain.Policies.Language;

/// <summary>What a policy is for: it decides which elements a statement must or must not have.</summary>
public enum PolicyKind
{
    /// <summary>A key policy or role trust policy: every statement names a Principal.</summary>
    Resource,

    /// <summary>An IAM user or role policy: no Principal, and Action and Resource are required.</summary>
    Identity,

    /// <summary>A role's trust policy: every statement names a Principal; the role is the resource, so Resource is not written.</summary>
    Trust,
}

/// <summary>Parses the IAM policy language into a <see cref="PolicyDocument"/>, with a clear reason for what it refuses.</summary>
public static class PolicyParser
{
    private static readonly HashSet<string> TopLevel = new(StringComparer.Ordinal) { "Version", "Id", "Statement" };

    private static readonly HashSet<string> StatementElements = new(StringComparer.Ordinal)
    {
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    };

    public static PolicyDocument Parse(string text, PolicyKind kind)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new PolicyFormatException($"The policy is not valid JSON: {e.Message}");
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyFormatException("The policy must be a JSON object.");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!TopLevel.Contains(property.Name))
                {
                    throw new PolicyFormatException($"Policy contains an unknown element: {property.Name}.");
                }
            }

            if (root.TryGetProperty("Version", out var version)
                && (version.ValueKind != JsonValueKind.String || version.GetString() is not ("2012-10-17" or "2008-10-17")))
            {
                throw new PolicyFormatException("The policy Version must be \"2012-10-17\" or \"2008-10-17\".");
            }

            if (!root.TryGetProperty("Statement", out var statementElement)
                || statementElement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            {
                throw new PolicyFormatException("The policy must contain a Statement element.");
            }

            var statements = new List<PolicyStatement>();
            var aliases = false;
            var sids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var element in statementElement.ValueKind == JsonValueKind.Array ? statementElement.EnumerateArray() : Single(statementElement))
            {
                var statement = ParseStatement(element, kind);
                if (statement.Sid is { Length: > 0 } sid && !sids.Add(sid))
                {
                    throw new PolicyFormatException($"Statement IDs (SID) in a single policy must be unique: {sid}.");
                }

                aliases |= statement.Conditions.Any(c => c.Key.Equals(ConditionKeys.ResourceAliases, StringComparison.OrdinalIgnoreCase));
                if (statement.Actions.Length > 0 && statement.Resources.Length > 0)
                {
                    statements.Add(statement);
                }
            }

            return new PolicyDocument([.. statements], aliases);
        }
    }

    private static IEnumerable<JsonElement> Single(JsonElement element)
    {
        yield return element;
    }

    private static PolicyStatement ParseStatement(JsonElement element, PolicyKind kind)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException("Each policy statement must be a JSON object.");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!StatementElements.Contains(property.Name))
            {
                throw new PolicyFormatException($"Policy statement contains an unknown element: {property.Name}.");
            }
        }

        string? sid = null;
        if (element.TryGetProperty("Sid", out var sidElement))
        {
            sid = sidElement.ValueKind == JsonValueKind.String ? sidElement.GetString() : throw new PolicyFormatException("Sid must be a string.");
        }

        var effect = element.TryGetProperty("Effect", out var effectElement) && effectElement.ValueKind == JsonValueKind.String
            ? effectElement.GetString()
            : null;
        if (effect is not ("Allow" or "Deny"))
        {
            throw new PolicyFormatException("Each policy statement must have an Effect of \"Allow\" or \"Deny\".");
        }

        var hasPrincipal = element.TryGetProperty("Principal", out var principal);
        var hasNotPrincipal = element.TryGetProperty("NotPrincipal", out var notPrincipal);
        if (hasPrincipal && hasNotPrincipal)
        {
            throw new PolicyFormatException("A policy statement cannot have both Principal and NotPrincipal.");
        }

        if (kind != PolicyKind.Identity && !hasPrincipal && !hasNotPrincipal)
        {
            throw new PolicyFormatException("Policy contains a statement with no principal.");
        }

        if (kind == PolicyKind.Identity && (hasPrincipal || hasNotPrincipal))
        {
            throw new PolicyFormatException("Policy document should not specify a principal.");
        }

        var (actions, notAction) = Patterns(element, "Action", "NotAction", ignoreCase: true, kind, ValidateAction);
        var (resources, notResource) = Patterns(element, "Resource", "NotResource", ignoreCase: false, kind, ValidateResource);
        return new PolicyStatement
        {
            Sid = sid,
            IsDeny = effect == "Deny",
            Principal = hasPrincipal ? ParsePrincipals(principal) : hasNotPrincipal ? ParsePrincipals(notPrincipal) : null,
            NotPrincipal = hasNotPrincipal,
            Actions = actions,
            NotAction = notAction,
            Resources = resources,
            NotResource = notResource,
            Conditions = element.TryGetProperty("Condition", out var condition) ? ParseConditions(condition) : [],
        };
    }

    private static (Wildcard[] Patterns, bool Negated) Patterns(
        JsonElement statement, string name, string notName, bool ignoreCase, PolicyKind kind, Action<string> validate)
    {
        var has = statement.TryGetProperty(name, out var element);
        var hasNot = statement.TryGetProperty(notName, out var notElement);
        if (has && hasNot)
        {
            throw new PolicyFormatException($"A policy statement cannot have both {name} and {notName}.");
        }

        if (!has && !hasNot)
        {
            if (kind == PolicyKind.Trust && name == "Resource")
            {
                return ([new Wildcard("*", ignoreCase: false)], false);
            }

            return kind == PolicyKind.Identity
                ? throw new PolicyFormatException($"Policy statement must contain {(name == "Action" ? "actions" : "resources")}.")
                : ([], false);
        }

        var values = Strings(has ? element : notElement, has ? name : notName);
        foreach (var value in values)
        {
            validate(value);
        }

        return ([.. values.Select(v => new Wildcard(v, ignoreCase))], hasNot);
    }

    private static void ValidateAction(string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (action != "*" && (colon <= 0 || colon == action.Length - 1))
        {
            throw new PolicyFormatException($"Policy contains an invalid action: '{action}'. Actions take the form service:Action, such as kms:Encrypt.");
        }
    }

    private static void ValidateResource(string resource)
    {
        if (resource != "*" && !resource.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw new PolicyFormatException($"Policy contains an invalid resource: '{resource}'. Resources are \"*\" or ARNs.");
        }
    }

    private static PolicyPrincipals ParsePrincipals(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() == "*"
                ? PolicyPrincipals.Anyone
                : throw new PolicyFormatException("Policy contains a statement with one or more invalid principals.");
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException("Policy contains a statement with one or more invalid principals.");
        }

        var aws = new List<string>();
        var services = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "AWS":
                    aws.AddRange(Strings(property.Value, "Principal"));
                    break;
                case "Service":
                    services.AddRange(Strings(property.Value, "Principal"));
                    break;
                case "Federated" or "CanonicalUser":
                    Strings(property.Value, "Principal");
                    break;
                default:
                    throw new PolicyFormatException("Policy contains a statement with one or more invalid principals.");
            }
        }

        return PolicyPrincipals.Create(aws, services);
    }

    private static PolicyCondition[] ParseConditions(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException("The Condition element must be a JSON object.");
        }

        var conditions = new List<PolicyCondition>();
        foreach (var operatorProperty in element.EnumerateObject())
        {
            var op = ConditionOperator.TryParse(operatorProperty.Name)
                ?? throw new PolicyFormatException($"Policy contains an unsupported condition operator: {operatorProperty.Name}.");
            if (operatorProperty.Value.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyFormatException($"The condition operator {operatorProperty.Name} must map condition keys to values.");
            }

            foreach (var keyProperty in operatorProperty.Value.EnumerateObject())
            {
                if (keyProperty.Name.Length == 0 || keyProperty.Name.Contains("${", StringComparison.Ordinal))
                {
                    throw new PolicyFormatException($"Policy contains an invalid condition key: '{keyProperty.Name}'.");
                }

                conditions.Add(PolicyCondition.Create(op, keyProperty.Name, [.. Strings(keyProperty.Value, keyProperty.Name, allowScalars: true)]));
            }
        }

        return [.. conditions];
    }

    private static List<string> Strings(JsonElement element, string what, bool allowScalars = false)
    {
        var values = new List<string>();
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                values.Add(Scalar(item, what, allowScalars));
            }
        }
        else
        {
            values.Add(Scalar(element, what, allowScalars));
        }

        if (values.Count == 0)
        {
            throw new PolicyFormatException($"The {what} element must not be empty.");
        }

        return values;
    }

    private static string Scalar(JsonElement element, string what, bool allowScalars) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number when allowScalars => element.GetRawText(),
        JsonValueKind.True when allowScalars => "true",
        JsonValueKind.False when allowScalars => "false",
        _ => throw new PolicyFormatException($"The {what} element must hold strings."),
    };
}
