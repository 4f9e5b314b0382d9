using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Trent.Domain.Policies.Language;

namespace Trent.Domain.Policies;

/// <summary>
/// Compiled policies by their text, so a policy is parsed once however many requests it decides. The
/// same string instance (a cached key row, the shared default policy) is found without hashing; other
/// instances by content. Bounded: when full it starts over, which costs only a re-parse. Changing a
/// policy changes its text, so a changed policy is never served stale.
/// </summary>
public sealed class PolicyCache(int capacity = 10_000)
{
    private readonly ConditionalWeakTable<string, PolicyDocument> _byInstance = new();
    private readonly ConcurrentDictionary<(string Text, PolicyKind Kind), PolicyDocument> _byText = new();

    /// <summary>A stored policy that no longer parses allows nothing.</summary>
    public static PolicyDocument Empty { get; } = new([], referencesResourceAliases: false);

    public PolicyDocument Get(string text, PolicyKind kind)
    {
        if (kind == PolicyKind.Resource && _byInstance.TryGetValue(text, out var found))
        {
            return found;
        }

        if (!_byText.TryGetValue((text, kind), out found))
        {
            try
            {
                found = PolicyParser.Parse(text, kind);
            }
            catch (PolicyFormatException)
            {
                found = Empty;
            }

            if (_byText.Count >= capacity)
            {
                _byText.Clear();
            }

            _byText[(text, kind)] = found;
        }

        if (kind == PolicyKind.Resource)
        {
            _byInstance.AddOrUpdate(text, found);
        }

        return found;
    }
}
