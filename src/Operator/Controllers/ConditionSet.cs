using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Controllers;

/// <summary>Builds a <c>conditions</c> list, keeping <c>lastTransitionTime</c> when a condition's status did not change.</summary>
public sealed class ConditionSet(IEnumerable<Condition>? existing, long? generation, DateTimeOffset now)
{
    private readonly List<Condition> _conditions = existing?.Select(Copy).ToList() ?? [];

    public IReadOnlyList<Condition> Conditions => _conditions;

    public ConditionSet Set(string type, string status, string reason, string message)
    {
        var current = _conditions.Find(c => string.Equals(c.Type, type, StringComparison.Ordinal));
        var transition = current is not null && string.Equals(current.Status, status, StringComparison.Ordinal)
            ? current.LastTransitionTime ?? now
            : now;
        _conditions.RemoveAll(c => string.Equals(c.Type, type, StringComparison.Ordinal));
        _conditions.Add(new Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message.Length <= 1024 ? message : message[..1024],
            ObservedGeneration = generation,
            LastTransitionTime = new DateTimeOffset(transition.Ticks - (transition.Ticks % TimeSpan.TicksPerSecond), transition.Offset),
        });
        _conditions.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));
        return this;
    }

    public ConditionSet Remove(string type)
    {
        _conditions.RemoveAll(c => string.Equals(c.Type, type, StringComparison.Ordinal));
        return this;
    }

    /// <summary>Whether two lists say the same thing (so an unchanged status is never written).</summary>
    public static bool Same(IReadOnlyList<Condition>? a, IReadOnlyList<Condition>? b)
    {
        a ??= [];
        b ??= [];
        return a.Count == b.Count && a.Zip(b).All(pair =>
            string.Equals(pair.First.Type, pair.Second.Type, StringComparison.Ordinal)
            && string.Equals(pair.First.Status, pair.Second.Status, StringComparison.Ordinal)
            && string.Equals(pair.First.Reason, pair.Second.Reason, StringComparison.Ordinal)
            && string.Equals(pair.First.Message, pair.Second.Message, StringComparison.Ordinal)
            && pair.First.ObservedGeneration == pair.Second.ObservedGeneration);
    }

    private static Condition Copy(Condition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        Reason = c.Reason,
        Message = c.Message,
        ObservedGeneration = c.ObservedGeneration,
        LastTransitionTime = c.LastTransitionTime,
    };
}
