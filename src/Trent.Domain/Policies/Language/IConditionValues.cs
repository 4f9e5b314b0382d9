namespace Trent.Domain.Policies.Language;

/// <summary>The request context's condition keys as a policy sees them. Key names compare case-insensitively.</summary>
public interface IConditionValues
{
    bool TryGetValues(string key, out IReadOnlyList<string> values);
}

/// <summary>Thrown for a policy document that cannot be accepted; the message says why.</summary>
public sealed class PolicyFormatException(string message) : Exception(message);
