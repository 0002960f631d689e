namespace GithubSts.Exchange.Policies;

/// <summary>
/// One problem in a trust policy, meant for the policy author (validation tools, server logs),
/// never for the caller of the token exchange.
/// </summary>
/// <param name="Field">The YAML name of the offending field, e.g. <c>subject_pattern</c> or <c>permissions.contents</c>.</param>
public sealed record PolicyError(PolicyErrorCode Code, string Field, string Message)
{
    /// <summary>The 1-based line of the YAML element the parser stopped at, when the error comes from parsing.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column that goes with <see cref="Line"/>.</summary>
    public int? Column { get; init; }

    public override string ToString() => Field.Length == 0 ? $"{Code}: {Message}" : $"{Code} ({Field}): {Message}";
}
