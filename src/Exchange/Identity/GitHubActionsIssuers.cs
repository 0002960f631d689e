namespace GithubSts.Exchange.Identity;

/// <summary>
/// The issuers whose tokens are GitHub Actions tokens (<c>sts.githubActionsIssuers</c>): only their subjects are read
/// in GitHub's immutable form. Exact, ordinal comparison of the issuer URL.
/// </summary>
public sealed class GitHubActionsIssuers(IReadOnlyList<string> issuers)
{
    public const string GitHubCom = "https://token.actions.githubusercontent.com";

    public IReadOnlyList<string> Issuers { get; } = issuers;

    public bool Contains(string issuer)
    {
        foreach (var candidate in Issuers)
        {
            if (string.Equals(candidate, issuer, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The identity with its name-form subject when it is a GitHub Actions token with a confirmed id-form subject.</summary>
    public ValidatedIdentity Resolve(ValidatedIdentity identity) =>
        Contains(identity.Issuer) && GitHubSubjectForms.NameFormOf(identity.Subject, identity.Claims) is { } nameForm
            ? identity.WithNameFormSubject(nameForm)
            : identity;
}
