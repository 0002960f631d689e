namespace GithubSts.Exchange.Policies;

/// <summary>The parse of a pattern in the accepted subset (see <see cref="PatternParser"/>); offsets are 0-based.</summary>
internal abstract record PatternNode(int Offset);

internal sealed record PatternSequence(IReadOnlyList<PatternNode> Items, int Offset) : PatternNode(Offset);

/// <summary>Two or more branches separated by <c>|</c>.</summary>
internal sealed record PatternAlternation(IReadOnlyList<PatternNode> Branches, int Offset) : PatternNode(Offset);

/// <summary>A node under a quantifier (<c>*</c>, <c>+</c>, <c>?</c>, <c>{n}</c>, <c>{n,}</c>, <c>{n,m}</c>, lazy or not).</summary>
/// <param name="Max">The upper bound; null for <c>*</c>, <c>+</c> and <c>{n,}</c>.</param>
internal sealed record PatternRepeat(PatternNode Body, int Min, int? Max, int Offset) : PatternNode(Offset);

/// <summary><c>^</c> or <c>$</c> (the whole pattern is anchored anyway).</summary>
internal sealed record PatternAnchor(char Symbol, int Offset) : PatternNode(Offset);

/// <summary>One character position: a literal, an escape, <c>.</c> or a class, with the exact set it matches.</summary>
internal sealed record PatternCharSet(PatternAtomKind Kind, string Text, CharRanges Set, int Offset) : PatternNode(Offset);

internal enum PatternAtomKind
{
    Literal,
    Escape,
    CharacterClass,
    AnyCharacter,
}

/// <summary>A set of UTF-16 code units: inclusive ranges, possibly negated.</summary>
internal sealed record CharRanges(IReadOnlyList<(char Low, char High)> Ranges, bool Negated)
{
    public static CharRanges Single(char c) => new([(c, c)], Negated: false);

    /// <summary><c>.</c>: everything but <c>\n</c>.</summary>
    public static CharRanges AnyButNewline { get; } = new([('\n', '\n')], Negated: true);

    public bool Contains(char c)
    {
        var inRanges = false;
        foreach (var (low, high) in Ranges)
        {
            inRanges |= c >= low && c <= high;
        }

        return inRanges != Negated;
    }

    /// <summary>More than one character: the position can be matched in more than one way by different input.</summary>
    public bool IsWide => Negated || Ranges.Count > 1 || (Ranges.Count == 1 && Ranges[0].Low != Ranges[0].High);
}
