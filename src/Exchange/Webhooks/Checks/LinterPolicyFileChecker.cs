using GithubSts.Exchange.Policies.Linting;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Webhooks.Checks;

/// <summary>
/// The check run's findings for one file are exactly <c>github-sts policy lint</c>'s (<see cref="PolicyLinter"/>): the
/// server's reader and compiler for errors, the linter's warnings, each located by YamlDotNet's marks. A file in the
/// policy directory that the server would never read because of its name gets only that warning, as in the CLI.
/// </summary>
public sealed class LinterPolicyFileChecker : IPolicyFileChecker
{
    public IReadOnlyList<PolicyFileFinding> Check(string path, string text, string scope)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        if (!ExchangeTarget.TryParse(scope, out var target))
        {
            throw new ArgumentException("the scope must be owner or owner/repo", nameof(scope));
        }

        var findings = PolicyLinter.IsPolicyFileName(path)
            ? PolicyLinter.LintRepositoryPolicy(path, text, target)
            : [PolicyLinter.MisnamedFile(path)];
        return [.. findings.Select(From)];
    }

    internal static PolicyFileFinding From(LintFinding finding) => new(
        finding.Severity == LintSeverity.Error ? PolicyFindingSeverity.Error : PolicyFindingSeverity.Warning,
        finding.Code, finding.Text, finding.File, finding.Line, finding.Column);
}
