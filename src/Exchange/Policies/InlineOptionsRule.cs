namespace GithubSts.Exchange.Policies;

/// <summary>
/// Rejects inline options such as <c>(?i)</c> or <c>(?x:…)</c>: <c>(?i)</c> folds case across Unicode
/// (the Kelvin sign U+212A matches <c>k</c>), and the others silently change what the policy author wrote.
/// </summary>
internal static class InlineOptionsRule
{
    public static void Check(PatternNode node, string field)
    {
        switch (node)
        {
            case PatternInlineOptions options:
                throw PolicyPattern.Invalid(
                    field,
                    $"uses the inline option group (?{options.Options}); inline options are not allowed (write case variants explicitly, e.g. [Kk])");
            case PatternSequence sequence:
                foreach (var item in sequence.Items)
                {
                    Check(item, field);
                }

                break;
            case PatternAlternation alternation:
                foreach (var branch in alternation.Branches)
                {
                    Check(branch, field);
                }

                break;
            case PatternRepeat repeat:
                Check(repeat.Body, field);
                break;
        }
    }
}
