using System.Security.Cryptography;
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

    private static readonly string[] SubjectForms =
    [
        "repo:{0}:ref:refs/heads/main",
        "repo:{0}:ref:refs/tags/v1.0.0",
        "repo:{0}:environment:production",
        "repo:{0}:pull_request",
    ];

    /// <returns>An error, or null when the policy pins its repositories (or opts out explicitly).</returns>
    public static PolicyError? Check(
        MatchRule subject, IReadOnlyList<ClaimRule> claims, PolicyScopeKind kind, ExchangeTarget? target, string subjectField)
    {
        foreach (var (owner, repository) in ForeignRepositories(kind, target))
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
            if (value is not null && !PolicyPattern.IsMatch(claim.Pattern, value))
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

    private static IEnumerable<(string Owner, string Repository)> ForeignRepositories(PolicyScopeKind kind, ExchangeTarget? target)
    {
        var randomOwner = "zz" + RandomNumberGenerator.GetString(Letters, 10);
        var randomRepository = RandomNumberGenerator.GetString(Letters, 8);
        yield return (randomOwner, randomRepository);
        yield return (randomOwner + "-" + RandomNumberGenerator.GetString(Letters, 4), "x");
        if (target is null)
        {
            yield break;
        }

        // Look-alikes of the scope's owner: a pattern such as repo:octo-org.*/… also accepts octo-org-evil.
        var repository = target.Repository ?? randomRepository;
        yield return (target.Owner + "-" + RandomNumberGenerator.GetString(Letters, 5), repository);
        yield return (RandomNumberGenerator.GetString(Letters, 3) + target.Owner, repository);
        if (kind == PolicyScopeKind.Repository && target.Repository is not null)
        {
            yield return (target.Owner, randomRepository);
            yield return (target.Owner, target.Repository + "-" + RandomNumberGenerator.GetString(Letters, 4));
        }
    }
}
