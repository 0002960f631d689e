namespace GithubSts.Exchange.Policies.Linting;

/// <summary>
/// How one document's compiler findings become <see cref="LintFinding"/>s: which file, where each field starts, and
/// how the document spells field names (snake_case in a policy file, camelCase under <c>spec</c> in a TrustPolicy).
/// </summary>
internal sealed class LintContext(
    string file, Func<string, (int Line, int Column)> locate, Func<string, string>? fieldName = null, Func<string, string>? wording = null)
{
    public string File { get; } = file;

    public LintFinding Finding(LintSeverity severity, string code, string field, string message)
    {
        var (line, column) = locate(field);
        return new LintFinding(
            severity, code, field.Length == 0 ? string.Empty : fieldName?.Invoke(field) ?? field, wording?.Invoke(message) ?? message, File, line, column);
    }

    /// <summary>A parse error carries its own mark; its message's "(line L, column C)" suffix is dropped as the finding has them.</summary>
    public LintFinding Finding(PolicyError error)
    {
        if (error.Line is not { } line || error.Column is not { } column)
        {
            return Finding(LintSeverity.Error, error.Code.ToString(), error.Field, error.Message);
        }

        var suffix = $" (line {line}, column {column})";
        var message = error.Message.EndsWith(suffix, StringComparison.Ordinal) ? error.Message[..^suffix.Length] : error.Message;
        return new LintFinding(
            LintSeverity.Error, error.Code.ToString(), error.Field.Length == 0 ? string.Empty : fieldName?.Invoke(error.Field) ?? error.Field,
            wording?.Invoke(message) ?? message, File, line, column);
    }
}
