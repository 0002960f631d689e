using System.Text.RegularExpressions;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// An accepted policy pattern. The interpreter's regex is built at once (it is cheap and is .NET's own check of the
/// text); a linear-time automaton is built on first match, so a policy that never serves never pays for it.
/// </summary>
public sealed class CompiledPattern
{
    private readonly string _anchored;
    private Regex? _regex;

    internal CompiledPattern(string anchored, PatternEngine engine, long cost, long retainedBytes, Regex? regex)
    {
        _anchored = anchored;
        Engine = engine;
        Cost = cost;
        RetainedBytes = retainedBytes;
        _regex = regex;
    }

    public PatternEngine Engine { get; }

    /// <summary>Goes to the linear-time engine: counted against the heavy-pattern budgets.</summary>
    public bool IsHeavy => Engine == PatternEngine.NonBacktracking;

    /// <summary>Character positions after unrolling counted repetitions (the compile-cost unit of the budgets).</summary>
    public long Cost { get; }

    /// <summary>
    /// An upper estimate of what the compiled pattern keeps in memory once it has matched adversarial input (see
    /// <see cref="PolicyPattern.RetainedBytes"/>); counted against the per-policy memory budget.
    /// </summary>
    public long RetainedBytes { get; }

    /// <summary>The regex that matches <c>\A(?:pattern)\z</c>, shared with every policy using the same text.</summary>
    public Regex Regex => _regex ??= PatternCache.Get(_anchored, Engine);

    /// <summary>Matches; a match that times out (a last resort on either engine) is a mismatch, never an error.</summary>
    public bool IsMatch(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return Regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
