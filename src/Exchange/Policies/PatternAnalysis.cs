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
/// <param name="RetrySize">Positions the backtracking interpreter may re-run for each character the first unbounded
/// repetition gives back (see <see cref="RetrySizeOf"/>).</param>
/// <param name="UnboundedRepetitions">Unbounded repetitions after unrolling: the linear-time engine's lazily built states
/// and their derivatives grow with the square of this once adversarial input has visited them.</param>
internal readonly record struct PatternAnalysis(
    long ExpandedSize, double PathConstant, int PathDegree, long Ambiguity, long RetrySize, long UnboundedRepetitions)
{
    /// <summary>Stands for "not polynomial": a repetition whose body can itself match in several ways or lengths.</summary>
    public const int Exponential = int.MaxValue;

    private const double Saturated = 1e18;

    public static PatternAnalysis Of(PatternNode root)
    {
        var (constant, degree) = Paths(root);
        return new(Size(root), constant, degree, AmbiguityOf(root), RetrySizeOf(root), UnboundedOf(root));
    }

    /// <summary>
    /// The character classes ("minterms") the linear-time engine splits the alphabet into, whose square its tables
    /// grow with: the UTF-16 line is cut at every range end, and intervals that every set treats alike are one class.
    /// Computed only for patterns that go to that engine.
    /// </summary>
    public static int CharacterClassesOf(PatternNode root)
    {
        var distinct = new Dictionary<string, CharRanges>(StringComparer.Ordinal);
        Collect(root, distinct);
        var sets = distinct.Values.ToList();
        var cuts = new SortedSet<int> { 0 };
        foreach (var set in sets)
        {
            foreach (var (low, high) in set.Ranges)
            {
                cuts.Add(low);
                cuts.Add(high + 1);
            }
        }

        var signatures = new HashSet<string>(StringComparer.Ordinal);
        var signature = new char[(sets.Count + 15) / 16];
        foreach (var cut in cuts.Where(c => c <= char.MaxValue))
        {
            Array.Clear(signature);
            for (var i = 0; i < sets.Count; i++)
            {
                if (sets[i].Contains((char)cut))
                {
                    signature[i / 16] |= (char)(1 << (i % 16));
                }
            }

            signatures.Add(new string(signature));
        }

        return signatures.Count;

        static void Collect(PatternNode node, Dictionary<string, CharRanges> sets)
        {
            switch (node)
            {
                case PatternSequence s:
                    foreach (var item in s.Items)
                    {
                        Collect(item, sets);
                    }

                    break;
                case PatternAlternation a:
                    foreach (var branch in a.Branches)
                    {
                        Collect(branch, sets);
                    }

                    break;
                case PatternRepeat r:
                    Collect(r.Body, sets);
                    break;
                case PatternCharSet c:
                    var key = (c.Set.Negated ? "^" : string.Empty) + string.Concat(c.Set.Ranges.Select(r => $"{(int)r.Low}-{(int)r.High},"));
                    sets.TryAdd(key, c.Set);
                    break;
            }
        }
    }

    /// <summary>
    /// Positions re-run each time the first unbounded repetition gives a character back: in <c>prefix X* rest</c>
    /// (X one character set) only <c>rest</c>; inside an alternation, the costliest branch; a repetition of anything
    /// larger, all of it. The prefix is matched once per way through it, which <see cref="PathConstant"/> counts.
    /// </summary>
    private static long RetrySizeOf(PatternNode node)
    {
        switch (node)
        {
            case PatternSequence sequence:
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    var item = sequence.Items[i];
                    if (UnboundedOf(item) == 0 || StopsAtOnePlace(sequence.Items, i))
                    {
                        // [^:]*: gives characters back, but each fails on ':' at once: one comparison, nothing re-run.
                        continue;
                    }

                    var inItem = item is PatternRepeat { Max: null, Body: PatternCharSet } ? 0 : RetrySizeOf(item);
                    return inItem + Sum(sequence.Items.Skip(i + 1).ToList(), Size);
                }

                return 0;
            case PatternAlternation alternation:
                return alternation.Branches.Max(RetrySizeOf);
            case PatternRepeat { Max: null, Body: PatternCharSet }:
                return 0;
            case PatternRepeat repeat when UnboundedOf(repeat) > 0:
                return Size(repeat);
            default:
                return 0;
        }
    }

    /// <summary><c>X*</c> (X one character set) followed by a character X cannot match: it can stop in one place only.</summary>
    private static bool StopsAtOnePlace(IReadOnlyList<PatternNode> items, int i) =>
        items[i] is PatternRepeat { Max: null, Body: PatternCharSet repeated }
        && i + 1 < items.Count && items[i + 1] is PatternCharSet next && Disjoint(repeated.Set, next.Set);

    /// <summary>Membership is constant between range ends, so testing each interval's first character is exact.</summary>
    private static bool Disjoint(CharRanges a, CharRanges b)
    {
        var starts = a.Ranges.Concat(b.Ranges).SelectMany(r => new[] { (int)r.Low, r.High + 1 }).Append(0);
        return !starts.Where(c => c <= char.MaxValue).Any(c => a.Contains((char)c) && b.Contains((char)c));
    }

    /// <summary>Unbounded repetitions once counted ones are unrolled (<c>(.*a){3}</c> has three).</summary>
    private static long UnboundedOf(PatternNode node) => node switch
    {
        PatternSequence s => Sum(s.Items, UnboundedOf),
        PatternAlternation a => Sum(a.Branches, UnboundedOf),
        PatternRepeat { Max: null } r => Math.Min((UnboundedOf(r.Body) * Math.Max(r.Min, 1)) + 1, long.MaxValue / 1024),
        PatternRepeat r => Math.Min(UnboundedOf(r.Body) * r.Max!.Value, long.MaxValue / 1024),
        _ => 0,
    };

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
                for (var i = 0; i < s.Items.Count; i++)
                {
                    // [^/]+/ with nothing trading before it: it can stop only at the first '/', so it is one way (each
                    // character it gives back fails on '/' at once); after a trading repetition it is entered at every
                    // position that one gives back, and counts as usual.
                    var (c, d) = degree == 0 && StopsAtOnePlace(s.Items, i) ? (1, 0) : Paths(s.Items[i]);
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
