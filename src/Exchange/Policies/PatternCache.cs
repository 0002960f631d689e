using System.Text.RegularExpressions;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// Compiled patterns shared by text and engine: many policies repeat the same patterns, and a linear-time automaton
/// is worth building once. Entries are weak, so a pattern no serving policy holds any more is collected.
/// </summary>
internal static class PatternCache
{
    private const int PruneThreshold = 4096;

    private static readonly Dictionary<(string Text, PatternEngine Engine), WeakReference<Regex>> Entries = [];
    private static readonly Lock Gate = new();
    private static int _nextPrune = PruneThreshold;

    public static Regex Get(string anchored, PatternEngine engine)
    {
        lock (Gate)
        {
            if (Entries.TryGetValue((anchored, engine), out var weak) && weak.TryGetTarget(out var shared))
            {
                return shared;
            }
        }

        // Built outside the lock: two racing builders waste one build, never block each other's matches.
        var built = engine == PatternEngine.NonBacktracking
            ? new Regex(anchored, PolicyPattern.Options, PolicyPattern.MatchTimeout)
            : new Regex(anchored, PolicyPattern.BacktrackingOptions, PolicyPattern.MatchTimeout);
        lock (Gate)
        {
            if (Entries.TryGetValue((anchored, engine), out var weak) && weak.TryGetTarget(out var shared))
            {
                return shared;
            }

            Entries[(anchored, engine)] = new WeakReference<Regex>(built);
            if (Entries.Count >= _nextPrune)
            {
                foreach (var key in Entries.Where(e => !e.Value.TryGetTarget(out _)).Select(e => e.Key).ToList())
                {
                    Entries.Remove(key);
                }

                _nextPrune = Math.Max(PruneThreshold, Entries.Count * 2);
            }

            return built;
        }
    }

    /// <summary>Whether an automaton for this pattern text is alive, in either engine (tests).</summary>
    internal static bool HasLive(string pattern)
    {
        var anchored = @"\A(?:" + pattern + @")\z";
        lock (Gate)
        {
            return Entries.Any(e => string.Equals(e.Key.Text, anchored, StringComparison.Ordinal) && e.Value.TryGetTarget(out _));
        }
    }

    /// <summary>Live shared patterns (tests and benchmarks).</summary>
    internal static int LiveCount
    {
        get
        {
            lock (Gate)
            {
                return Entries.Count(e => e.Value.TryGetTarget(out _));
            }
        }
    }
}
