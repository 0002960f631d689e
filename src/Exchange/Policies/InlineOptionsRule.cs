namespace GithubSts.Exchange.Policies;

/// <summary>
/// Rejects inline options such as <c>(?i)</c> or <c>(?x:…)</c>: <c>(?i)</c> folds case across Unicode
/// (the Kelvin sign U+212A matches <c>k</c>), and the others silently change what the policy author wrote.
/// A plain scan (a backslash escapes the next character everywhere) rather than a parse, so no tokenising subtlety can
/// hide an option group; the price is that <c>(?i</c> written inside a character class is refused too.
/// </summary>
internal static class InlineOptionsRule
{
    public static void Check(string pattern, string field)
    {
        for (var i = 0; i < pattern.Length - 2; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                continue;
            }

            if (pattern[i] == '(' && pattern[i + 1] == '?' && pattern[i + 2] is 'i' or 'm' or 'n' or 's' or 'x' or '-')
            {
                throw PolicyPattern.Invalid(
                    field,
                    $"uses an inline option group at offset {i}; inline options such as (?i) are not allowed (write case variants explicitly, e.g. [Kk])");
            }
        }
    }
}
