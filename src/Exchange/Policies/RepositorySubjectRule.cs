using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// A policy that trusts a GitHub Actions issuer must pin whose workflows it trusts: every repository on GitHub can
/// get a token from that issuer, so <c>repo:.*</c>, <c>repo:[^@]*</c> or <c>[^@]*</c> hand the grant to anyone.
/// The compiled rules are asked whether they accept tokens of repositories that are not the policy's (random owner
/// names, look-alikes of the scope's owner, and for a repository policy other repositories of the same owner) — the
/// regex engine decides, not a reading of the pattern text. Pinning with <c>claim_pattern</c> on
/// <c>repository</c>, <c>repository_id</c>, <c>repository_owner</c> or <c>repository_owner_id</c> counts;
/// <c>job_workflow_ref</c> does not (any repository can call a reusable workflow it can read).
/// </summary>
internal static class RepositorySubjectRule
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private const int MaxRepositoryProbes = 24;

    private static readonly Regex NameRun = new("[A-Za-z0-9_.-]{1,100}", RegexOptions.CultureInvariant);

    private static readonly string[] SubjectForms =
    [
        "repo:{0}:ref:refs/heads/main",
        "repo:{0}:ref:refs/tags/v1.0.0",
        "repo:{0}:environment:production",
        "repo:{0}:pull_request",
    ];

    /// <returns>An error, or null when the policy pins its repositories (or opts out explicitly).</returns>
    public static PolicyError? Check(
        MatchRule subject, string? subjectPattern, IReadOnlyList<ClaimRule> claims, PolicyScopeKind kind, ExchangeTarget? target,
        IReadOnlyList<string> knownRepositories, string subjectField)
    {
        foreach (var (owner, repository) in ForeignRepositories(kind, target, knownRepositories, subjectPattern))
        {
            if (Accepts(subject, claims, owner, repository) is { } example)
            {
                var pinned = kind == PolicyScopeKind.Repository ? "owner and repository" : "owner";
                return new PolicyError(
                    PolicyErrorCode.UnpinnedRepositorySubject,
                    subjectField,
                    $"accepts GitHub Actions tokens of repositories that are not this policy's (e.g. '{example}'): pin the {pinned} "
                    + "(repo:OWNER/REPO:…), or with claim_pattern repository, repository_owner or repository_owner_id; "
                    + "set allow_any_repository_subject: true only if any repository on GitHub may use this policy");
            }
        }

        return null;
    }

    private static string? Accepts(MatchRule subject, IReadOnlyList<ClaimRule> claims, string owner, string repository)
    {
        var fullName = $"{owner}/{repository}";
        foreach (var claim in claims)
        {
            var value = claim.Name switch
            {
                "repository" => fullName,
                "repository_owner" => owner,
                "repository_id" or "repository_owner_id" => RandomNumberGenerator.GetString(Digits, 9),
                _ => null,
            };
            if (value is not null && !claim.Pattern.IsMatch(value))
            {
                return null;
            }
        }

        foreach (var form in SubjectForms)
        {
            var probe = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, fullName);
            if (subject.IsMatch(probe))
            {
                return probe;
            }
        }

        return null;
    }

    private static IEnumerable<(string Owner, string Repository)> ForeignRepositories(
        PolicyScopeKind kind, ExchangeTarget? target, IReadOnlyList<string> knownRepositories, string? subjectPattern)
    {
        var randomRepository = RandomNumberGenerator.GetString(Letters, 8);
        var repositories = new List<string> { randomRepository };
        if (target?.Repository is { } own)
        {
            repositories.Add(own);
        }

        // A pattern may pin the repository name but not the owner (repo:[^/]+/app:…): try the names it mentions and the
        // names the policy lists. They only choose what to ask; the compiled rule gives the answer.
        repositories.AddRange(knownRepositories);
        if (subjectPattern is not null)
        {
            repositories.AddRange(WordsOf(subjectPattern));
        }

        var owners = new List<string>
        {
            "zz" + RandomNumberGenerator.GetString(Letters, 10),
            "zz" + RandomNumberGenerator.GetString(Letters, 6) + "-" + RandomNumberGenerator.GetString(Letters, 4),
        };
        if (target is not null)
        {
            // Look-alikes of the scope's owner: a pattern such as repo:octo-org.*/… also accepts octo-org-evil.
            owners.Add(target.Owner + "-" + RandomNumberGenerator.GetString(Letters, 5));
            owners.Add(RandomNumberGenerator.GetString(Letters, 3) + target.Owner);
        }

        foreach (var owner in owners)
        {
            foreach (var repository in repositories.Distinct(StringComparer.Ordinal).Take(MaxRepositoryProbes))
            {
                yield return (owner, repository);
            }
        }

        if (kind == PolicyScopeKind.Repository && target?.Repository is { } repo)
        {
            // Other repositories of the same owner; names the pattern spells out are a deliberate pin, so not these.
            yield return (target.Owner, randomRepository);
            yield return (target.Owner, repo + "-" + RandomNumberGenerator.GetString(Letters, 4));
            yield return (target.Owner, RandomNumberGenerator.GetString(Letters, 3) + repo);
        }
    }

    private static IEnumerable<string> WordsOf(string pattern) =>
        NameRun.Matches(pattern.Replace("\\.", ".", StringComparison.Ordinal)).Select(m => m.Value);
}
