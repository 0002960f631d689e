namespace GithubSts.Exchange.Policies;

/// <summary>
/// Rejects <c>\d \D \w \W \s \S \b \B \p \P</c>: in .NET they are Unicode-aware (<c>\d</c> matches Arabic-Indic digits),
/// which lets look-alike identifiers through. Explicit ASCII classes say exactly what is meant.
/// </summary>
internal static class UnicodeShorthandRule
{
    public static void Check(string pattern, string field)
    {
        for (var i = 0; i < pattern.Length - 1; i++)
        {
            if (pattern[i] != '\\')
            {
                continue;
            }

            // A backslash always consumes the next character, inside classes too, so `\\d` is a backslash then `d`.
            i++;
            if (Suggestion(pattern[i]) is { } suggestion)
            {
                throw PolicyPattern.Invalid(
                    field,
                    $"uses \\{pattern[i]} at offset {i - 1}, which matches non-ASCII characters; {suggestion}");
            }
        }
    }

    private static string? Suggestion(char escaped) => escaped switch
    {
        'd' => "use [0-9]",
        'D' => "use [^0-9]",
        'w' => "use [A-Za-z0-9_]",
        'W' => "use [^A-Za-z0-9_]",
        's' => "list the characters explicitly, e.g. [ \\t]",
        'S' => "use an explicit ASCII class such as [!-~]",
        'b' or 'B' => "word boundaries depend on Unicode word characters; anchor with explicit ASCII classes instead",
        'p' or 'P' => "Unicode categories are not allowed; use explicit ASCII classes such as [A-Za-z]",
        _ => null,
    };
}
