namespace GithubSts.Exchange.Policies;

/// <summary>
/// An issuer pattern must not be able to move the host boundary (octo-sts <c>checkPatternCannotSpanHost</c>):
/// <c>https://.*\.example\.com</c> also matches <c>https://evil.com/x.example.com</c>.
/// So: no <c>.</c>, no character class that can match <c>/</c>, and a literal <c>/</c> only at fixed positions
/// (not under a quantifier, not inside an alternation). Decided on the <see cref="PatternParser"/> tree, whose character
/// sets are exact, so no escape or comment can hide a <c>/</c>.
/// </summary>
internal static class HostSpanRule
{
    public static void Check(PatternNode node, string field) => Visit(node, isVariable: false, field);

    private static void Visit(PatternNode node, bool isVariable, string field)
    {
        switch (node)
        {
            case PatternSequence sequence:
                foreach (var item in sequence.Items)
                {
                    Visit(item, isVariable, field);
                }

                break;
            case PatternAlternation alternation:
                foreach (var branch in alternation.Branches)
                {
                    Visit(branch, isVariable: true, field);
                }

                break;
            case PatternRepeat repeat:
                Visit(repeat.Body, isVariable: isVariable || repeat.Min != repeat.Max, field);
                break;
            case PatternCharSet { Kind: PatternAtomKind.AnyCharacter } atom:
                throw Spans(field, $"uses '.' at offset {atom.Offset}, which can match '/'; escape a literal dot as \\. or use a class such as [a-z0-9-]");
            case PatternCharSet { Kind: PatternAtomKind.CharacterClass } atom when atom.Set.Contains('/'):
                throw Spans(field, $"uses the character class {atom.Text} at offset {atom.Offset}, which can match '/'; exclude '/' from it");
            case PatternCharSet atom when isVariable && atom.Set.Contains('/'):
                throw Spans(field, $"has a '/' at offset {atom.Offset} under a quantifier or inside an alternation; write each '/' once, at a fixed position");
        }
    }

    private static PolicyPatternException Spans(string field, string message) =>
        PolicyPattern.Invalid(field, $"could match across the issuer host: it {message}");
}
