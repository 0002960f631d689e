using System.Text.Json;
using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// Decides whether a validated identity satisfies a compiled trust policy.
/// Hot path: no regex construction, and no allocation on success beyond the regex engine's own.
/// </summary>
public static class TrustPolicyEvaluator
{
    /// <param name="serviceIdentifier">This service's audience, required of every token audience when the policy names none.</param>
    public static PolicyDecision Evaluate(CompiledTrustPolicy policy, ValidatedIdentity identity, string serviceIdentifier)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentException.ThrowIfNullOrEmpty(serviceIdentifier);

        if (!policy.Issuer.IsMatch(identity.Issuer))
        {
            return Deny(PolicyDenialReason.IssuerMismatch, "issuer does not satisfy the policy");
        }

        var audience = CheckAudience(policy.Audience, identity.Audiences, serviceIdentifier);
        if (!audience.Allowed)
        {
            return audience;
        }

        // An immutable-form GitHub subject also matches a name-form rule through the name form its claims confirm.
        if (!policy.Subject.IsMatch(identity.Subject) && (identity.NameFormSubject is not { } nameForm || !policy.Subject.IsMatch(nameForm)))
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

    /// <summary>Every audience of the token must be acceptable: a token shared with other relying parties is refused.</summary>
    private static PolicyDecision CheckAudience(MatchRule? rule, IReadOnlyList<string> audiences, string serviceIdentifier)
    {
        var allAccepted = audiences.Count > 0;
        var meantForService = false;
        for (var i = 0; i < audiences.Count; i++)
        {
            var audience = audiences[i];
            var isService = string.Equals(audience, serviceIdentifier, StringComparison.Ordinal);
            meantForService |= isService;
            allAccepted &= rule?.IsMatch(audience) ?? isService;
        }

        if (allAccepted)
        {
            return PolicyDecision.Allow;
        }

        return meantForService
            ? Deny(PolicyDenialReason.AudienceMismatch, "an audience of the token does not satisfy the policy")
            : Deny(PolicyDenialReason.AudienceNotForService, "no audience of the token is this service");
    }

    private static PolicyDecision CheckClaim(ClaimRule rule, ValidatedIdentity identity)
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

    private static PolicyDecision CheckLifetime(TimeSpan? max, ValidatedIdentity identity)
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
