namespace GithubSts.Exchange.Policies.Linting;

/// <summary>
/// The finding codes of the linter besides <see cref="PolicyErrorCode"/>'s, which it reports as errors with the same
/// names the server logs (README's finding-codes table is kept equal to both by a test).
/// </summary>
public static class LintCodes
{
    /// <summary>Warning: a file under a policy directory whose name does not end in <c>.sts.yaml</c>; the server never reads it.</summary>
    public const string MisnamedPolicyFile = nameof(MisnamedPolicyFile);

    /// <summary>Warning: a subject rule that is accepted but trusts more than one workflow context would need.</summary>
    public const string BroadSubjectPattern = nameof(BroadSubjectPattern);

    /// <summary>Warning: a GitHub Actions subject in the name form where the immutable id form is more robust.</summary>
    public const string NameFormSubject = nameof(NameFormSubject);

    /// <summary>Error: a TrustPolicy manifest the operator would refuse before compiling (metadata, scope, identity, serviceAccount).</summary>
    public const string InvalidManifest = nameof(InvalidManifest);

    /// <summary>Every code with the severity it is reported with.</summary>
    public static IReadOnlyList<(string Code, LintSeverity Severity)> All { get; } =
    [
        .. Enum.GetNames<PolicyErrorCode>().Select(name => (name, LintSeverity.Error)),
        (InvalidManifest, LintSeverity.Error),
        (MisnamedPolicyFile, LintSeverity.Warning),
        (BroadSubjectPattern, LintSeverity.Warning),
        (NameFormSubject, LintSeverity.Warning),
    ];
}
