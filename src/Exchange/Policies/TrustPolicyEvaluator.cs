using System.Text.Json;
using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// Decides whether a validated identity satisfies a compiled trust policy.
/// Hot path: no regex construction, and no allocation on success beyond the regex engine's own.
/// </summary>
public static class TrustPolicyEvaluator
{
    /// <summary>
    /// Evaluates with <paramref name="serviceIdentifier"/> as the only default audience (no <c>sts.audiences</c>). Builds
    /// a set per call: the service itself passes its <see cref="AudienceSet"/>, built once.
    /// </summary>
    public static PolicyDecision Evaluate(CompiledTrustPolicy policy, ValidatedIdentity identity, string serviceIdentifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceIdentifier);
        return Evaluate(policy, identity, new AudienceSet([serviceIdentifier]));
    }

    /// <param name="serviceAudiences">
    /// This service's default audiences (<c>sts.identifier</c> and <c>sts.audiences</c>): what a policy naming no
    /// audience accepts, and what tells a token meant for this service (403) from one meant for someone else (401).
    /// </param>
    public static PolicyDecision Evaluate(CompiledTrustPolicy policy, ValidatedIdentity identity, AudienceSet serviceAudiences)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(serviceAudiences);

        if (!IssuerMatches(policy, identity))
        {
            return Deny(PolicyDenialReason.IssuerMismatch, "issuer does not satisfy the policy");
        }

        var audience = CheckAudience(policy.Audience, identity.Audiences, serviceAudiences);
        if (!audience.Allowed)
        {
            return audience;
        }

        if (!SubjectMatches(policy, identity))
        {
            return Deny(PolicyDenialReason.SubjectMismatch, "subject does not satisfy the policy");
        }

        foreach (var rule in policy.Claims)
        {
            var claim = CheckClaim(rule, identity);
            if (!claim.Allowed)
            {
                return claim;
            }
        }

        return CheckLifetime(policy.MaxTokenLifetime, identity);
    }

    // The steps below are also run one by one by `github-sts policy explain`, so its per-rule marks are the server's.
    internal static bool IssuerMatches(CompiledTrustPolicy policy, ValidatedIdentity identity) => policy.Issuer.IsMatch(identity.Issuer);

    /// <summary>An immutable-form GitHub subject also matches a name-form rule through the name form its claims confirm.</summary>
    internal static bool SubjectMatches(CompiledTrustPolicy policy, ValidatedIdentity identity) =>
        policy.Subject.IsMatch(identity.Subject) || (identity.NameFormSubject is { } nameForm && policy.Subject.IsMatch(nameForm));

    /// <summary>
    /// At least one audience of the token must be acceptable (RFC 7519 §4.1.3, as octo-sts and sts-cat): the others
    /// name further relying parties the issuer meant the token for, which takes nothing away from this one. An empty
    /// list has none, so it is never accepted.
    /// </summary>
    internal static PolicyDecision CheckAudience(MatchRule? rule, IReadOnlyList<string> audiences, AudienceSet serviceAudiences)
    {
        for (var i = 0; i < audiences.Count; i++)
        {
            if (rule?.IsMatch(audiences[i]) ?? serviceAudiences.Contains(audiences[i]))
            {
                return PolicyDecision.Allow;
            }
        }

        // Judged on the service's audiences, not the policy's: a policy existing must not change 401 into 403.
        return serviceAudiences.ContainsAny(audiences)
            ? Deny(PolicyDenialReason.AudienceMismatch, "no audience of the token satisfies the policy")
            : Deny(PolicyDenialReason.AudienceNotForService, "no audience of the token is this service");
    }

    internal static PolicyDecision CheckClaim(ClaimRule rule, ValidatedIdentity identity)
    {
        if (!identity.TryGetClaim(rule.Name, out var value))
        {
            return Deny(PolicyDenialReason.ClaimMissing, rule.MissingDetail);
        }

        // Only strings and booleans have one obvious text form; numbers ("1" vs "1.0"), arrays and objects do not.
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };

        if (text is null)
        {
            return Deny(PolicyDenialReason.ClaimNotString, rule.NotStringDetail);
        }

        return rule.Pattern.IsMatch(text) ? PolicyDecision.Allow : Deny(PolicyDenialReason.ClaimMismatch, rule.MismatchDetail);
    }

    internal static PolicyDecision CheckLifetime(TimeSpan? max, ValidatedIdentity identity)
    {
        if (max is not { } limit)
        {
            return PolicyDecision.Allow;
        }

        if ((identity.NotBefore ?? identity.IssuedAt) is not { } start)
        {
            return Deny(PolicyDenialReason.LifetimeUnknown, "token has neither nbf nor iat, so its lifetime is unknown");
        }

        var lifetime = identity.ExpiresAt - start;
        return lifetime <= limit
            ? PolicyDecision.Allow
            : Deny(
                PolicyDenialReason.LifetimeTooLong,
                $"token lifetime {(long)lifetime.TotalSeconds}s exceeds max_token_lifetime {(long)limit.TotalSeconds}s");
    }

    private static PolicyDecision Deny(PolicyDenialReason reason, string detail) => new(reason, detail);
}
