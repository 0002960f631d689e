namespace GithubSts.Exchange.Policies;

/// <summary>
/// Rejects subject patterns that accept any subject (<c>.*</c>, <c>.+</c>, <c>[^\n]*</c>, …): on a shared issuer
/// such as GitHub Actions that would trust every repository on the platform.
/// </summary>
internal static class SubjectPatternLint
{
    // Deliberately unrelated shapes: a pattern that accepts all of them does not constrain the subject.
    private static readonly string[] Probes =
    [
        "x",
        "repo:zz-probe/zz:ref:refs/heads/zz",
        "system:serviceaccount:zz:zz",
        "zz@zz.example",
        "00000000-0000-0000-0000-000000000000",
        "112233445566778899001",
        "https://zz.example/zz",
    ];

    public static void Check(CompiledPattern compiled, string field)
    {
        foreach (var probe in Probes)
        {
            if (!compiled.IsMatch(probe))
            {
                return;
            }
        }

        throw new PolicyPatternException(new PolicyError(
            PolicyErrorCode.OverlyBroadPattern,
            field,
            "matches any subject; pin the repository, service account or user the policy is meant for"));
    }
}
