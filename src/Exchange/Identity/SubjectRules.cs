using System.Globalization;
using System.Text;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// The <c>sub</c> character rules of octo-sts <c>oidcvalidate.IsValidSubject</c>: non-empty, at most 255 code points,
/// printable only (letters, marks, numbers, punctuation, symbols: no whitespace, control, format such as U+200B, or
/// unassigned code points) and none of <c>"'`\&lt;&gt;;&amp;$(){}[]</c>. Checked before any policy pattern sees the value.
/// </summary>
internal static class SubjectRules
{
    public const int MaxCodePoints = 255;

    private const string ForbiddenAscii = "\"'`\\<>;&$(){}[]";

    public static bool IsValid(string subject)
    {
        if (subject.Length == 0)
        {
            return false;
        }

        var count = 0;
        foreach (var rune in subject.EnumerateRunes())
        {
            if (++count > MaxCodePoints || !IsPrintable(rune) || (rune.IsAscii && ForbiddenAscii.Contains((char)rune.Value, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };
}
