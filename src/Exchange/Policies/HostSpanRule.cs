using System.Text.RegularExpressions;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// An issuer pattern must not be able to move the host boundary (octo-sts <c>checkPatternCannotSpanHost</c>):
/// <c>https://.*\.example\.com</c> also matches <c>https://evil.com/x.example.com</c>.
/// So: no <c>.</c>, no character class that can match <c>/</c>, and a literal <c>/</c> only at fixed positions
/// (not under a quantifier, not inside an alternation).
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
                Visit(repeat.Body, isVariable: true, field);
                break;
            case PatternInlineOptions options:
                Visit(options.Body, isVariable, field);
                break;
            case PatternSpecialGroup group:
                Visit(group.Body, isVariable: true, field);
                break;
            case PatternAtom { Kind: PatternAtomKind.AnyCharacter }:
                throw Spans(field, "uses '.', which can match '/'; escape a literal dot as \\. or use a class such as [a-z0-9-]");
            case PatternAtom { Kind: PatternAtomKind.CharacterClass } atom when CanMatchSlash(atom.Text):
                throw Spans(field, $"uses the character class {atom.Text}, which can match '/'; exclude '/' from it");
            case PatternAtom { Kind: PatternAtomKind.Literal or PatternAtomKind.Escape } atom when isVariable && CanMatchSlash(atom.Text):
                throw Spans(field, "has a '/' under a quantifier or inside an alternation; write each '/' once, at a fixed position");
        }
    }

    private static PolicyPatternException Spans(string field, string message) =>
        PolicyPattern.Invalid(field, $"could match across the issuer host: it {message}");

    /// <summary>Asks .NET itself, so class subtleties (ranges such as <c>[.-9]</c>, negation, subtraction, escapes) are exact.</summary>
    private static bool CanMatchSlash(string atom)
    {
        if (atom.Length == 1)
        {
            return atom[0] == '/';
        }

        try
        {
            // One atom cannot backtrack: the cheap interpreter is exact here.
            return new Regex(@"\A(?:" + atom + @")\z", PolicyPattern.BacktrackingOptions).IsMatch("/");
        }
        catch (ArgumentException)
        {
            return true; // could not isolate the atom: assume the worst
        }
    }
}
