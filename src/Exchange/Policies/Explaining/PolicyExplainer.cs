using System.Text.Json;
using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Policies.Explaining;

/// <summary>
/// Shows, rule by rule, how a compiled policy judges a token. Each mark comes from the same step of
/// <see cref="TrustPolicyEvaluator"/> the exchange runs, and the verdict is <see cref="TrustPolicyEvaluator.Evaluate(CompiledTrustPolicy, ValidatedIdentity, AudienceSet)"/>
/// itself, so the answer is the server's. Unlike the server's denials, it shows the policy's patterns and the token's
/// values: it runs where both are already known to the person asking.
/// </summary>
public static class PolicyExplainer
{
    /// <param name="definition">The policy as written: the rules are shown in its words.</param>
    /// <param name="serviceAudiences">
    /// The service's default audiences (<c>sts.identifier</c>, <c>sts.audiences</c>); null when unknown, in which case a
    /// policy naming no audience is judged as if the token's audiences were the service's (and the result says so).
    /// </param>
    public static PolicyExplanation Explain(
        TrustPolicyDefinition definition, CompiledTrustPolicy policy, ValidatedIdentity identity, AudienceSet? serviceAudiences)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(identity);
        var assumed = serviceAudiences is null && policy.Audience is null;
        var audiences = serviceAudiences ?? new AudienceSet(identity.Audiences);
        var steps = new List<ExplainStep>
        {
            new("issuer", Rule(definition.Issuer, definition.IssuerPattern), identity.Issuer, TrustPolicyEvaluator.IssuerMatches(policy, identity)),
            new(
                "audience",
                policy.Audience is null ? DefaultAudiences(serviceAudiences) : Rule(definition.Audience, definition.AudiencePattern),
                string.Join(", ", identity.Audiences),
                TrustPolicyEvaluator.CheckAudience(policy.Audience, identity.Audiences, audiences).Allowed),
            new(
                "subject",
                Rule(definition.Subject, definition.SubjectPattern),
                identity.NameFormSubject is { } nameForm ? $"{identity.Subject} (name form confirmed by its claims: {nameForm})" : identity.Subject,
                TrustPolicyEvaluator.SubjectMatches(policy, identity)),
        };

        foreach (var claim in policy.Claims)
        {
            steps.Add(new(
                $"claim {claim.Name}",
                "pattern " + definition.ClaimPatterns![claim.Name],
                ClaimText(identity, claim.Name),
                TrustPolicyEvaluator.CheckClaim(claim, identity).Allowed));
        }

        if (policy.MaxTokenLifetime is { } max)
        {
            var start = identity.NotBefore ?? identity.IssuedAt;
            steps.Add(new(
                "lifetime",
                $"at most {(long)max.TotalSeconds}s (exp - nbf, or exp - iat)",
                start is { } from ? $"{(long)(identity.ExpiresAt - from).TotalSeconds}s" : "unknown (no nbf or iat)",
                TrustPolicyEvaluator.CheckLifetime(max, identity).Allowed));
        }

        steps.Add(new("permissions", string.Join(", ", policy.Permissions.Select(p => $"{p.Key}: {p.Value}")), string.Empty, null));
        steps.Add(new("repositories", Repositories(policy), string.Empty, null));
        return new PolicyExplanation(steps, TrustPolicyEvaluator.Evaluate(policy, identity, audiences), assumed);
    }

    private static string Rule(string? exact, string? pattern) => exact is not null ? exact : "pattern " + pattern;

    private static string DefaultAudiences(AudienceSet? service) => service is null
        ? "the service's default audiences (sts.identifier, sts.audiences; not given: assumed to include the token's)"
        : "one of the service's default audiences: " + string.Join(", ", service.Values);

    private static string ClaimText(ValidatedIdentity identity, string name)
    {
        if (!identity.TryGetClaim(name, out var value))
        {
            return "(missing)";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => $"{value.GetRawText()} (not a string or boolean)",
        };
    }

    private static string Repositories(CompiledTrustPolicy policy) => policy.Repositories is not { } listed
        ? "the scope's repository"
        : string.Join(", ", (policy.CoversEveryRepository ? ["*"] : Array.Empty<string>()).Concat(listed));
}
