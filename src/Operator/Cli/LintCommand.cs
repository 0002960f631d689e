using System.CommandLine;
using GithubSts.Exchange.Policies.Linting;

namespace GithubSts.Operator.Cli;

/// <summary><c>github-sts policy lint [--scope S] [--format text|github|json] [--strict] PATH...</c></summary>
internal static class LintCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Policy files, TrustPolicy manifests or directories (searched recursively for .yaml and .yml files)",
            Arity = ArgumentArity.OneOrMore,
        };
        var scope = new Option<string?>("--scope") { Description = "The scope repository policy files serve: org/repo, or org for the organization's policy repository" };
        var format = new Option<string>("--format") { Description = "text, github (workflow annotations) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "github", "json");
        var strict = new Option<bool>("--strict") { Description = "Report warnings as errors" };
        var command = new Command("lint", "Report what the server would refuse to load (errors) or load but probably not as meant (warnings)")
        {
            paths, scope, format, strict,
        };
        command.SetAction(result => Run(
            result.GetValue(paths)!, result.GetValue(scope), result.GetValue(format)!, result.GetValue(strict),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string[] paths, string? scopeText, string format, bool strict, TextWriter output, TextWriter error)
    {
        if (!PolicyCommands.TryScope(scopeText, error, out var scope))
        {
            return PolicyCommands.UsageError;
        }

        var files = PolicyFiles.Expand(paths, error);
        if (files is null)
        {
            return PolicyCommands.UsageError;
        }

        var findings = new List<LintFinding>();
        foreach (var file in files)
        {
            findings.AddRange(PolicyFiles.Lint(file, scope));
        }

        if (strict)
        {
            findings = [.. findings.Select(f => f with { Severity = LintSeverity.Error })];
        }

        LintOutput.Write(format, files.Count, findings, output);
        return findings.Exists(f => f.Severity == LintSeverity.Error) ? 1 : 0;
    }
}
