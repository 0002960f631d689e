using System.Text.RegularExpressions;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// Compiles the regular expressions of trust policies. The text is parsed by <see cref="PatternParser"/>, a whitelist
/// of a small documented language, and every decision (which engine, the issuer host rule, the cost budgets) is made on
/// that parse, never on the text; .NET's own parser checks the same text as a second gate.
/// </summary>
/// <remarks>
/// Two engines, same language. A pattern whose parse proves backtracking linear in the input (at most one unbounded
/// repetition that can trade characters, and at most <see cref="MaxInterpreterPaths"/> ways through the rest) runs
/// on the interpreter: microseconds and about 2 KB. Every other pattern goes to the NonBacktracking engine, whose
/// automaton is built lazily and can grow exponentially in the number of positions it tracks at once; patterns above
/// <see cref="MaxAmbiguity"/> such positions are refused, because neither engine can match them within bounds.
/// The match timeout is only a last resort (wall-clock time: far above what a preempted thread can lose).
/// </remarks>
public static class PolicyPattern
{
    public const int MaxLength = 256;

    /// <summary>The most character positions a pattern may have once counted repetitions are unrolled.</summary>
    public const int MaxExpandedSize = 1000;

    /// <summary>The most ways through a pattern, besides its one linear repetition, that the interpreter may try.</summary>
    public const int MaxInterpreterPaths = 64;

    /// <summary>
    /// The most character comparisons per input character the interpreter may do: its ways through the pattern times
    /// the positions after its repetition (each character the repetition gives back can re-run them). 48 keeps an
    /// 8 KiB claim below a millisecond (measured: about 1 ms at 61, see docs/performance.md); a costlier pattern goes
    /// to the linear-time engine.
    /// </summary>
    public const int MaxInterpreterWork = 48;

    /// <summary>The most positions a NonBacktracking pattern may have to track at once (see <see cref="PatternAnalysis"/>).</summary>
    public const int MaxAmbiguity = 6;

    /// <summary>The most one policy's patterns may be estimated to retain (<see cref="RetainedBytes"/>): 2 MB.</summary>
    public const long MaxRetainedBytesPerPolicy = 2_000_000;

    internal const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    internal const RegexOptions BacktrackingOptions = RegexOptions.CultureInvariant;

    /// <summary>A match that takes longer is a denial (see <see cref="CompiledPattern.IsMatch"/>); the accepted language makes this unreachable.</summary>
    internal static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Validates <paramref name="pattern"/>; it will match as <c>\A(?:pattern)\z</c>.</summary>
    /// <param name="field">The YAML field name reported in errors, e.g. <c>claim_pattern.environment</c>.</param>
    /// <exception cref="PolicyPatternException">The pattern is not allowed.</exception>
    public static CompiledPattern Compile(string pattern, string field) => Compile(pattern, field, out _);

    /// <summary>
    /// <see cref="Compile(string, string)"/> plus the rule that an issuer pattern cannot span the host: no <c>.</c> or
    /// class that can match <c>/</c>, and no <c>/</c> under a quantifier or inside an alternation.
    /// </summary>
    /// <exception cref="PolicyPatternException">The pattern is not allowed.</exception>
    public static CompiledPattern CompileIssuerPattern(string pattern, string field)
    {
        var compiled = Compile(pattern, field, out var root);
        HostSpanRule.Check(root, field);
        return compiled;
    }

    /// <summary>The engine <paramref name="root"/> would get, or null when neither can match it within bounds.</summary>
    internal static PatternEngine? ChooseEngine(PatternAnalysis analysis)
    {
        // At most one repetition that can trade characters and few ways through the rest: linear in the input. With no
        // unbounded repetition at all every way is tried once; otherwise each character given back may re-run what
        // follows, and that work per character is bounded too.
        if (analysis.PathDegree <= 1 && analysis.PathConstant <= MaxInterpreterPaths
            && (analysis.UnboundedRepetitions == 0 || analysis.PathConstant * Math.Max(analysis.RetrySize, 1) <= MaxInterpreterWork))
        {
            return PatternEngine.Interpreter;
        }

        return analysis.Ambiguity <= MaxAmbiguity ? PatternEngine.NonBacktracking : null;
    }

    private static CompiledPattern Compile(string pattern, string field, out PatternNode root)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (string.IsNullOrEmpty(pattern))
        {
            throw Invalid(field, "must not be empty");
        }

        if (pattern.Length > MaxLength)
        {
            throw Invalid(field, $"is {pattern.Length} characters long; the limit is {MaxLength}");
        }

        // .NET's parser first, for its precise syntax errors; the pattern alone must be a complete expression, so it
        // cannot close the anchoring group (`x)|(.*`). Cheap: the interpreter builds no automaton.
        ValidateWithDotNet(pattern, field);
        root = PatternParser.Parse(pattern, field);
        var analysis = PatternAnalysis.Of(root);
        if (analysis.ExpandedSize > MaxExpandedSize)
        {
            throw TooComplex(field, $"has {analysis.ExpandedSize} character positions once repetitions are unrolled; the limit is {MaxExpandedSize}");
        }

        // \z, unlike $, does not match before a trailing newline; the group anchors every alternative.
        var anchored = @"\A(?:" + pattern + @")\z";
        var engine = ChooseEngine(analysis);
        var retained = engine is { } chosen ? RetainedBytes(root, analysis, chosen) : 0;
        if (retained > MaxRetainedBytesPerPolicy)
        {
            // Refused before the automaton is ever built: the estimate alone is over what a whole policy may keep.
            throw TooComplex(
                field,
                $"would keep about {retained / 1000} kB in the linear-time engine ({PatternAnalysis.CharacterClassesOf(root)} character classes, " +
                $"{analysis.UnboundedRepetitions} unbounded repetitions); the limit is {MaxRetainedBytesPerPolicy / 1000} kB per policy: use fewer distinct " +
                "literal characters around the repetitions, or write [^/]+ (a class without the character that follows) instead of .*, " +
                "which the interpreter matches in linear time");
        }

        return engine switch
        {
            PatternEngine.Interpreter => new CompiledPattern(
                anchored, PatternEngine.Interpreter, analysis.ExpandedSize, retained, PatternCache.Get(anchored, PatternEngine.Interpreter)),
            PatternEngine.NonBacktracking => new CompiledPattern(anchored, PatternEngine.NonBacktracking, analysis.ExpandedSize, retained, regex: null),
            _ => throw TooComplex(
                field,
                $"is too ambiguous to match safely: {analysis.Ambiguity} positions to track at once (the limit is {MaxAmbiguity}); " +
                "avoid optional or counted wide classes after a repetition, e.g. write [a-z0-9-]+ instead of .*[a-z]{1,20}"),
        };
    }

    /// <summary>
    /// What a compiled pattern keeps, estimated from its parse and fitted with margin to .NET 10's engines (measured by
    /// <c>make bench BENCH_ARGS=patterns</c>, see docs/performance.md). The interpreter keeps its code and one runner:
    /// about 2 KB, counted as 16 KB. The NonBacktracking engine keeps fixed tables (120 KB) and transition tables that
    /// grow with the square of the character classes m (2.9 KB × m²), and builds its automaton lazily: once
    /// adversarial input has visited its states, their derivatives add about 768 B × m × (r² + 2^a × r), r being the
    /// unbounded repetitions and a the positions tracked at once.
    /// </summary>
    internal static long RetainedBytes(PatternNode root, PatternAnalysis analysis, PatternEngine engine)
    {
        if (engine == PatternEngine.Interpreter)
        {
            return (16 * 1024) + (32 * Math.Min(analysis.ExpandedSize, MaxExpandedSize));
        }

        long classes = PatternAnalysis.CharacterClassesOf(root);
        var repetitions = Math.Min(analysis.UnboundedRepetitions, MaxExpandedSize);
        var tracked = 1L << (int)Math.Min(analysis.Ambiguity, MaxAmbiguity);
        return (120 * 1024) + (2970 * classes * classes) + (768 * classes * ((repetitions * repetitions) + (tracked * repetitions)));
    }

    internal static PolicyPatternException TooComplex(string field, string message) =>
        new(new PolicyError(PolicyErrorCode.PatternTooComplex, field, message));

    internal static PolicyPatternException Invalid(string field, string message) =>
        new(new PolicyError(PolicyErrorCode.InvalidPattern, field, message));

    private static void ValidateWithDotNet(string pattern, string field)
    {
        try
        {
            _ = new Regex(pattern, BacktrackingOptions, MatchTimeout);
        }
        catch (RegexParseException ex)
        {
            // Built from the error kind rather than ex.Message, which repeats the whole pattern.
            throw Invalid(field, $"is not a valid regular expression: {Humanize(ex.Error)} at offset {ex.Offset}");
        }
        catch (ArgumentException)
        {
            throw Invalid(field, "is not a valid regular expression");
        }
    }

    /// <summary><c>InsufficientOpeningParentheses</c> → <c>insufficient opening parentheses</c>.</summary>
    private static string Humanize(RegexParseError error)
    {
        var name = error.ToString();
        var words = new System.Text.StringBuilder(name.Length + 8);
        foreach (var ch in name)
        {
            if (char.IsAsciiLetterUpper(ch) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(ch));
        }

        return words.ToString();
    }
}
