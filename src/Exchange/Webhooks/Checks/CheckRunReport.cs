using System.Globalization;
using System.Text;
using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.Webhooks.Checks;

/// <summary>Turns findings into a check run: failure when any is an error, one annotation per finding (GitHub's cap: 50).</summary>
internal static class CheckRunReport
{
    public static CheckRun Build(string name, string headSha, ChangedPolicyFiles read, IReadOnlyList<PolicyFileFinding> findings)
    {
        var errors = findings.Count(f => f.Severity == PolicyFindingSeverity.Error);
        var warnings = findings.Count - errors;
        var title = errors > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{errors} error(s), {warnings} warning(s) in policy files")
            : warnings > 0
                ? string.Create(CultureInfo.InvariantCulture, $"Policy files are valid, {warnings} warning(s)")
                : "Policy files are valid";

        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture, $"Checked {read.Files.Count + read.Unreadable.Count} file(s) at {headSha}:\n\n");
        foreach (var path in read.Files.Select(f => f.Path).Concat(read.Unreadable))
        {
            var count = findings.Count(f => string.Equals(f.File, path, StringComparison.Ordinal));
            summary.Append(CultureInfo.InvariantCulture, $"- `{path}`: {(count == 0 ? "ok" : count + " finding(s)")}\n");
        }

        if (read.NotRead > 0)
        {
            summary.Append(CultureInfo.InvariantCulture, $"\n{read.NotRead} more changed file(s) under the policy directory were not read (at most {PolicyCheckRunner.MaxCheckedFiles} per check run).\n");
        }

        if (findings.Count > CheckRun.MaxAnnotations)
        {
            summary.Append(CultureInfo.InvariantCulture, $"\nOnly the first {CheckRun.MaxAnnotations} of {findings.Count} findings are annotated.\n");
        }

        var annotations = findings
            .OrderByDescending(f => f.Severity)
            .Select(f => new CheckRunAnnotation(
                f.File, f.Line ?? 1, f.Column, f.Severity == PolicyFindingSeverity.Error ? "failure" : "warning", f.Code, f.Message))
            .ToList();
        return new CheckRun(name, headSha, errors == 0 && read.NotRead == 0, title, summary.ToString(), annotations);
    }
}
