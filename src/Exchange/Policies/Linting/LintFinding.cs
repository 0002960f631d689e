namespace GithubSts.Exchange.Policies.Linting;

/// <summary>One problem found in a policy file, located by YamlDotNet's marks (1-based line and column).</summary>
/// <param name="Code">A <see cref="PolicyErrorCode"/> name for errors the server reports too, or one of <see cref="LintCodes"/>.</param>
/// <param name="Field">The offending field as the file spells it (<c>subject_pattern</c>, <c>spec.subjectPattern</c>), or empty.</param>
public sealed record LintFinding(LintSeverity Severity, string Code, string Field, string Message, string File, int Line, int Column)
{
    /// <summary>The field and the message, as every output format shows them.</summary>
    public string Text => Field.Length == 0 ? Message : $"{Field}: {Message}";

    /// <summary>The text format: <c>FILE:LINE:COLUMN: error|warning CODE: TEXT</c>, as compilers print.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Severity == LintSeverity.Error ? "error" : "warning")} {Code}: {Text}";
}
