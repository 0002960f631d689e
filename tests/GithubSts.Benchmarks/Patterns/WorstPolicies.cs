using GithubSts.Exchange.Policies;

namespace GithubSts.Benchmarks.Patterns;

/// <summary>
/// Builds the costliest policies the compiler still accepts. Each family starts from one shape of heavy pattern known
/// to be expensive for the linear-time engine, grows it until the compiler refuses it, then fills the policy with as
/// many such patterns as the budgets take (distinct texts, so nothing is shared), then with the costliest interpreter
/// patterns up to the per-policy count and position budgets.
/// </summary>
internal static class WorstPolicies
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A candidate policy: its patterns, keyed by the claim each one guards (subject first).</summary>
    internal sealed record Candidate(string Family, IReadOnlyList<string> Patterns);

    private sealed record Family(string Name, Func<int, int, string> Shape);

    // Shape(size, copy): copy selects a different alphabet so that copies are distinct texts sharing nothing.
    private static readonly Family[] Families =
    [
        // Many distinct literal characters around repetitions: the engine's tables grow with their square.
        new("wide alphabet (.*a.*b.*c…)", (size, copy) => string.Concat(Alphabet(copy).Take(size).Select(c => ".*" + c))),
        // Many positions in one chain: the lazily built automaton grows with their square.
        new("long chain ((.*a){n})", (size, copy) => $"(.*{Alphabet(copy)[0]}){{{size}}}"),
        // The realistic shape: an Actions subject with wildcard segments.
        new("subject with wildcards (repo:org/.*:ref:…)", (size, copy) =>
            $"repo:octo-org-{Alphabet(copy)[0]}/.*:ref:refs/heads/.*" + string.Concat(Enumerable.Repeat("-.*", size))),
        // Alternation under a star: several positions tracked at once.
        new("alternation under a star ((.*a|.*b)*)", (size, copy) =>
            "(" + string.Join('|', Alphabet(copy).Take(Math.Min(size, 5)).Select(c => ".*" + c)) + ")*" + new string(Alphabet(copy)[6], Math.Max(1, size - 5))),
    ];

    // Interpreter patterns with the most work per input character (ways × positions after one repetition), and the
    // most ways without one: each grown to the largest size the interpreter still takes.
    private static readonly Func<int, int, string>[] InterpreterFillers =
    [
        (size, copy) => $".*{Alphabet(copy)[1]}{{{size}}}{Alphabet(copy)[2]}{{{size}}}",
        (size, copy) => $".*{Alphabet(copy)[3]}.{{{size}}}",
        (size, copy) => $"({Alphabet(copy)[4]}|{Alphabet(copy)[5]})[a-z]{{0,{size}}}.*",
        (size, copy) => $"[a-z]{{0,{size}}}{Alphabet(copy)[6]}[0-9]{{0,{size}}}",
    ];

    public static IReadOnlyList<Candidate> Build()
    {
        var candidates = new List<Candidate>();
        foreach (var family in Families)
        {
            var patterns = new List<string>();
            for (var copy = 0; copy < TrustPolicyCompiler.MaxHeavyPatternsPerPolicy; copy++)
            {
                if (LargestAccepted(family.Shape, copy, patterns, interpreterOnly: false) is not { } pattern)
                {
                    break;
                }

                patterns.Add(pattern);
            }

            if (patterns.Count == 0)
            {
                throw new InvalidOperationException($"family '{family.Name}': not even its smallest pattern is accepted");
            }

            for (var filler = 0; patterns.Count < TrustPolicyCompiler.MaxPatternsPerPolicy && filler < InterpreterFillers.Length * 16; filler++)
            {
                var shape = InterpreterFillers[filler % InterpreterFillers.Length];
                if (LargestAccepted(shape, filler / InterpreterFillers.Length, patterns, interpreterOnly: true) is { } pattern)
                {
                    patterns.Add(pattern);
                }
            }

            candidates.Add(new Candidate(family.Name, patterns));
        }

        return candidates;
    }

    /// <summary>The policy file a repository would hold: every pattern is a claim pattern except the first, the subject.</summary>
    public static TrustPolicyDefinition Definition(IReadOnlyList<string> patterns) => new()
    {
        Issuer = "https://issuer.example.com",
        SubjectPattern = patterns[0],
        ClaimPatterns = patterns.Skip(1).Select((p, i) => (Key: $"claim{i}", Pattern: p)).ToDictionary(e => e.Key, e => e.Pattern, StringComparer.Ordinal),
        Permissions = new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "read" },
    };

    public static bool Accepts(IReadOnlyList<string> patterns) =>
        TrustPolicyCompiler.Compile(Definition(patterns), PolicyScopeKind.Repository).Succeeded;

    private static string? LargestAccepted(Func<int, int, string> shape, int copy, List<string> others, bool interpreterOnly)
    {
        string? largest = null;
        for (var size = 1; size <= PatternParser.MaxRepeatCount; size++)
        {
            var pattern = shape(size, copy);
            if (others.Contains(pattern, StringComparer.Ordinal) || pattern.Length > PolicyPattern.MaxLength
                || (interpreterOnly && !IsInterpreted(pattern)) || !Accepts([.. others, pattern]))
            {
                break;
            }

            largest = pattern;
        }

        return largest;
    }

    private static bool IsInterpreted(string pattern)
    {
        try
        {
            return PolicyPattern.Compile(pattern, "filler").Engine == PatternEngine.Interpreter;
        }
        catch (PolicyPatternException)
        {
            return false;
        }
    }

    private static string Alphabet(int copy) => Letters[(copy * 7 % Letters.Length)..] + Letters[..(copy * 7 % Letters.Length)];
}
