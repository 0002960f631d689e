namespace GithubSts.Exchange.Policies;

/// <summary>The shape of a regular expression, as far as the policy lint rules need it.</summary>
internal abstract record PatternNode;

internal sealed record PatternSequence(IReadOnlyList<PatternNode> Items) : PatternNode;

/// <summary>Two or more branches separated by <c>|</c>.</summary>
internal sealed record PatternAlternation(IReadOnlyList<PatternNode> Branches) : PatternNode;

/// <summary>A node under a quantifier (<c>*</c>, <c>+</c>, <c>?</c>, <c>{n,m}</c>).</summary>
/// <param name="MaxCount">The upper bound; null for <c>*</c>, <c>+</c> and <c>{n,}</c>.</param>
internal sealed record PatternRepeat(PatternNode Body, int? MaxCount = null) : PatternNode;

/// <summary>A lookaround, atomic, conditional or balancing group: constructs the linear-time engine refuses.</summary>
internal sealed record PatternSpecialGroup(PatternNode Body) : PatternNode;

/// <summary>An inline option group such as <c>(?i)</c> or <c>(?x:…)</c>; <see cref="Body"/> is empty for the bare form.</summary>
internal sealed record PatternInlineOptions(string Options, PatternNode Body) : PatternNode;

/// <summary>A single-position element: a literal, an escape, a character class, <c>.</c> or an anchor.</summary>
internal sealed record PatternAtom(PatternAtomKind Kind, string Text) : PatternNode;

internal enum PatternAtomKind
{
    Literal,
    Escape,
    CharacterClass,
    AnyCharacter,
    Anchor,
}
