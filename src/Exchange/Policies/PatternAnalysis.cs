namespace GithubSts.Exchange.Policies;

/// <summary>
/// What a parsed pattern costs, computed on the <see cref="PatternParser"/> tree (never on the text).
/// </summary>
/// <param name="ExpandedSize">Character positions after unrolling counted repetitions: the size of the automaton.</param>
/// <param name="PathConstant">With <paramref name="PathDegree"/>: the backtracking interpreter can try at most
/// <c>PathConstant × n^PathDegree</c> ways to match an input of length n.</param>
/// <param name="PathDegree">How many unbounded repetitions can trade characters with each other; saturates.</param>
/// <param name="Ambiguity">Positions that the linear-time engine may have to track at once (wide classes outside a
/// plain <c>X*</c>, optional copies, extra alternation branches); its automaton grows exponentially in this.</param>
internal readonly record struct PatternAnalysis(long ExpandedSize, double PathConstant, int PathDegree, long Ambiguity)
{
    /// <summary>Stands for "not polynomial": a repetition whose body can itself match in several ways or lengths.</summary>
    public const int Exponential = int.MaxValue;

    private const double Saturated = 1e18;

    public static PatternAnalysis Of(PatternNode root) => new(Size(root), Paths(root).Constant, Paths(root).Degree, AmbiguityOf(root));

    private static long Size(PatternNode node) => node switch
    {
        PatternSequence s => Sum(s.Items, Size),
        PatternAlternation a => Sum(a.Branches, Size) + 1,
        PatternRepeat r => Math.Min(Size(r.Body) * (Math.Max(r.Max ?? r.Min + 1, 1) + 1), long.MaxValue / 1024),
        _ => 1,
    };

    /// <summary>
    /// Counts matching paths. A sequence multiplies, an alternation adds, <c>X{n,m}</c> over a one-way body gives
    /// m-n+1 choices (a many-way body: the sum of its powers), and an unbounded repetition is linear (one more degree)
    /// only when its body matches in one way and consumes at least one character; anything else is exponential.
    /// </summary>
    private static (double Constant, int Degree) Paths(PatternNode node)
    {
        switch (node)
        {
            case PatternSequence s:
                var constant = 1.0;
                var degree = 0;
                foreach (var item in s.Items)
                {
                    var (c, d) = Paths(item);
                    constant = Math.Min(constant * c, Saturated);
                    degree = AddDegrees(degree, d);
                }

                return (constant, degree);
            case PatternAlternation a:
                var sum = 0.0;
                var max = 0;
                foreach (var branch in a.Branches)
                {
                    var (c, d) = Paths(branch);
                    sum = Math.Min(sum + c, Saturated);
                    max = Math.Max(max, d);
                }

                return (sum, max);
            case PatternRepeat r:
                var (bodyConstant, bodyDegree) = Paths(r.Body);
                if (r.Max is not { } upper)
                {
                    return bodyConstant == 1 && bodyDegree == 0 && MinLength(r.Body) > 0 ? (1, 1) : (Saturated, Exponential);
                }

                if (bodyConstant == 1 && bodyDegree == 0)
                {
                    return (upper - r.Min + 1, 0);
                }

                var total = 0.0;
                for (var j = r.Min; j <= upper; j++)
                {
                    total = Math.Min(total + Math.Pow(bodyConstant, j), Saturated);
                }

                return (total, bodyDegree == 0 ? 0 : (int)Math.Min((long)bodyDegree * upper, Exponential));
            default:
                return (1, 0);
        }
    }

    private static int AddDegrees(int a, int b) => (int)Math.Min((long)a + b, Exponential);

    private static long MinLength(PatternNode node) => node switch
    {
        PatternSequence s => Sum(s.Items, MinLength),
        PatternAlternation a => a.Branches.Min(MinLength),
        PatternRepeat r => MinLength(r.Body) * r.Min,
        PatternAnchor => 0,
        _ => 1,
    };

    private static long AmbiguityOf(PatternNode node) => node switch
    {
        PatternSequence s => Sum(s.Items, AmbiguityOf),
        PatternAlternation a => Sum(a.Branches, AmbiguityOf) + a.Branches.Count - 1,
        // X* over one character is a single self-loop: it adds no state to track.
        PatternRepeat { Max: null, Body: PatternCharSet } r => r.Min * AmbiguityOf(r.Body),
        PatternRepeat { Max: null } r => (AmbiguityOf(r.Body) * Math.Max(r.Min, 1)) + 1,
        PatternRepeat r => Math.Min((AmbiguityOf(r.Body) * r.Max!.Value) + r.Max.Value - r.Min, long.MaxValue / 1024),
        PatternCharSet c => c.Set.IsWide ? 1 : 0,
        _ => 0,
    };

    private static long Sum(IReadOnlyList<PatternNode> nodes, Func<PatternNode, long> measure)
    {
        var total = 0L;
        foreach (var node in nodes)
        {
            total = Math.Min(total + measure(node), long.MaxValue / 1024);
        }

        return total;
    }
}
