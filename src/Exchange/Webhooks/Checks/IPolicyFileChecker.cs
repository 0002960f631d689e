namespace GithubSts.Exchange.Webhooks.Checks;

/// <summary>
/// Checks one policy file as a repository would serve it: what the check run on a pull request (or a push to another
/// branch) reports, one annotation per finding.
/// </summary>
public interface IPolicyFileChecker
{
    /// <param name="path">The file's path in its repository, e.g. <c>.github/sts/default/deploy.sts.yaml</c>.</param>
    /// <param name="text">The file's content.</param>
    /// <param name="scope">The scope the file would serve: <c>owner/repo</c>, or <c>owner</c> for the organization's policy repository.</param>
    IReadOnlyList<PolicyFileFinding> Check(string path, string text, string scope);
}

public enum PolicyFindingSeverity
{
    Warning,
    Error,
}

/// <summary>One problem of a policy file.</summary>
/// <param name="Code">A fixed code such as <c>InvalidYaml</c> or <c>MisnamedPolicyFile</c> (the linter's codes, README "Policy lint and explain").</param>
/// <param name="Line">1-based, when known.</param>
/// <param name="Column">1-based, when known.</param>
public sealed record PolicyFileFinding(PolicyFindingSeverity Severity, string Code, string Message, string File, int? Line, int? Column);
