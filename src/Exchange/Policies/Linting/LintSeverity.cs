namespace GithubSts.Exchange.Policies.Linting;

/// <summary>Error: the server would refuse to load the policy. Warning: it would load it, but probably not as meant.</summary>
public enum LintSeverity
{
    Error,
    Warning,
}
