using System.Text.RegularExpressions;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Policies.Linting;

/// <summary>
/// Subject rules the compiler accepts but that are probably wider than meant, and name-form GitHub Actions subjects.
/// The pattern text only suggests which repositories or namespaces to ask about; the compiled rule answers, as for the
/// compiler's own checks. Probes are fixed (not random): these are advice, and their messages must be reproducible.
/// </summary>
internal static partial class SubjectWarnings
{
    private const string Probe = "zz-lint-probe";
    private const string ExampleOwnerId = "1234567";
    private const string ExampleRepositoryId = "7654321";

    // The tails of the subjects GitHub issues for one repository: a pattern accepting all of them pins no context.
    private static readonly string[] EveryContext =
    [
        $":ref:refs/heads/{Probe}", $":ref:refs/tags/{Probe}", $":environment:{Probe}", ":pull_request",
    ];

    private static readonly string[] CommonContexts =
    [
        ":ref:refs/heads/main", ":ref:refs/tags/v1.0.0", ":environment:production", ":pull_request",
    ];

    public static IEnumerable<(string Code, string Field, string Message)> Check(
        TrustPolicyDefinition definition, CompiledTrustPolicy policy, PolicyScopeKind kind, ExchangeTarget? target)
    {
        var field = definition.Subject is null ? "subject_pattern" : "subject";
        if (!ActionsIssuers.CanBeActionsIssuer(definition.Issuer, definition.IssuerPattern, policy.Issuer))
        {
            return definition.SubjectPattern is null ? [] : ServiceAccountWarnings(definition.SubjectPattern, policy.Subject, field);
        }

        var warnings = new List<(string, string, string)>();
        if (definition.AllowAnyRepositorySubject == true
            && RepositorySubjectRule.Check(policy.Subject, definition.SubjectPattern, policy.Claims, kind, target, policy.Repositories ?? [], field) is not null)
        {
            warnings.Add((LintCodes.BroadSubjectPattern, "allow_any_repository_subject",
                "the subject rule is accepted only because allow_any_repository_subject is true: workflows of any repository on GitHub can use this policy"));
        }

        var text = definition.Subject ?? definition.SubjectPattern!;
        if (definition.SubjectPattern is not null && EveryRepositoryOf(definition.SubjectPattern, policy.Subject) is { } owner)
        {
            warnings.Add((LintCodes.BroadSubjectPattern, field, owner));
        }

        foreach (var repository in Repositories(text, definition.Subject is not null, target))
        {
            if (definition.SubjectPattern is not null && Array.TrueForAll(EveryContext, tail => policy.Subject.IsMatch($"repo:{repository}{tail}")))
            {
                warnings.Add((LintCodes.BroadSubjectPattern, field,
                    $"accepts every branch, tag, environment and pull request of {repository} (e.g. 'repo:{repository}:pull_request'): "
                    + "pin the ref or environment the policy is for"));
            }

            if (NameFormWarning(text, definition.Subject is not null, repository, policy.Subject) is { } nameForm)
            {
                warnings.Add((LintCodes.NameFormSubject, field, nameForm));
            }

            if (warnings.Count > 0)
            {
                break;
            }
        }

        return warnings;
    }

    /// <summary>An organization policy may trust all of its owner's repositories; the author should know it does.</summary>
    private static string? EveryRepositoryOf(string pattern, MatchRule subject)
    {
        foreach (Match match in OwnerInSubject().Matches(Unescape(pattern)))
        {
            var owner = match.Groups["owner"].Value;
            foreach (var tail in CommonContexts)
            {
                var probe = $"repo:{owner}/{Probe}{tail}";
                if (subject.IsMatch(probe))
                {
                    return $"accepts workflows of every repository of {owner} (e.g. '{probe}'): pin the repositories the policy is for";
                }
            }
        }

        return null;
    }

    private static string Unescape(string pattern) =>
        pattern.Replace("\\.", ".", StringComparison.Ordinal).Replace("\\-", "-", StringComparison.Ordinal);

    /// <summary>
    /// A name-form subject (<c>repo:octo-org/app:…</c>) matches an id-form token only through the names its claims
    /// confirm, so a repository deleted and re-created under the name matches too; the id form pins the repository itself.
    /// </summary>
    private static string? NameFormWarning(string text, bool exact, string repository, MatchRule subject)
    {
        if (repository.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        var idForm = $"{repository[..slash]}@{ExampleOwnerId}/{repository[(slash + 1)..]}@{ExampleRepositoryId}";
        var probes = exact ? [text] : CommonContexts.Select(tail => $"repo:{repository}{tail}");
        foreach (var probe in probes)
        {
            var idProbe = $"repo:{idForm}{probe[($"repo:{repository}").Length..]}";
            if (subject.IsMatch(probe) && !subject.IsMatch(idProbe))
            {
                var suggestion = $"repo:{repository[..slash]}@<owner id>/{repository[(slash + 1)..]}@<repository id>{probe[($"repo:{repository}").Length..]}";
                return $"name-form GitHub Actions subject: repositories created or renamed after 2026-07-15 get id-form subjects "
                    + $"(repo:OWNER@OWNER_ID/REPO@REPO_ID:…), which match this rule only through the names their claims confirm, "
                    + $"so a repository re-created under the same name matches too. The id form is more robust: e.g. '{suggestion}' "
                    + $"(ids: gh api repos/{repository} --jq '.owner.id, .id')";
            }
        }

        return null;
    }

    /// <summary>The <c>owner/repo</c> (as written, ids included) the subject names, and the scope's repository.</summary>
    private static IEnumerable<string> Repositories(string text, bool exact, ExchangeTarget? target)
    {
        var unescaped = exact ? text : Unescape(text);
        var found = new List<string>();
        foreach (Match match in RepositoryInSubject().Matches(unescaped))
        {
            if (!exact || match.Index == 0)
            {
                found.Add(match.Groups["repository"].Value);
            }
        }

        if (!exact && target?.Repository is { } own)
        {
            found.Add($"{target.Owner}/{own}");
        }

        return found.Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<(string, string, string)> ServiceAccountWarnings(string pattern, MatchRule subject, string field)
    {
        if (subject.IsMatch($"system:serviceaccount:{Probe}:{Probe}"))
        {
            return [(LintCodes.BroadSubjectPattern, field,
                $"accepts every Kubernetes service account of every namespace (e.g. 'system:serviceaccount:{Probe}:{Probe}'): pin the namespace and the service account")];
        }

        foreach (Match match in NamespaceInSubject().Matches(Unescape(pattern)))
        {
            var ns = match.Groups["namespace"].Value;
            if (subject.IsMatch($"system:serviceaccount:{ns}:{Probe}"))
            {
                return [(LintCodes.BroadSubjectPattern, field,
                    $"accepts every service account of namespace {ns} (e.g. 'system:serviceaccount:{ns}:{Probe}'): pin the service account")];
            }
        }

        return [];
    }

    [GeneratedRegex(@"repo:(?<repository>[A-Za-z0-9_.-]+(?:@[0-9]+)?/[A-Za-z0-9_.-]+(?:@[0-9]+)?):", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryInSubject();

    [GeneratedRegex(@"repo:(?<owner>[A-Za-z0-9_.-]+(?:@[0-9]+)?)/", RegexOptions.CultureInvariant)]
    private static partial Regex OwnerInSubject();

    [GeneratedRegex("system:serviceaccount:(?<namespace>[a-z0-9][a-z0-9.-]*):", RegexOptions.CultureInvariant)]
    private static partial Regex NamespaceInSubject();
}
