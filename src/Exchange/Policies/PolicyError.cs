namespace GithubSts.Exchange.Policies;

/// <summary>
/// One problem in a trust policy, meant for the policy author (validation tools, server logs),
/// never for the caller of the token exchange.
/// </summary>
/// <param name="Field">The YAML name of the offending field, e.g. <c>subject_pattern</c> or <c>permissions.contents</c>.</param>
public sealed record PolicyError(PolicyErrorCode Code, string Field, string Message)
{
    public override string ToString() => Field.Length == 0 ? $"{Code}: {Message}" : $"{Code} ({Field}): {Message}";
}
