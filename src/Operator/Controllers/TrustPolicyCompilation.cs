using GithubSts.Exchange.Policies;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Index;

namespace GithubSts.Operator.Controllers;

/// <summary>Turns a TrustPolicy resource into a compiled policy, or into the reason it cannot be accepted.</summary>
public static class TrustPolicyCompilation
{
    public sealed record Outcome(IndexedPolicy? Policy, string Reason, string Message)
    {
        public bool Accepted => Policy is not null;
    }

    public static string IdentityOf(TrustPolicy policy) => policy.Spec.Identity ?? policy.Metadata.Name ?? string.Empty;

    /// <param name="clusterIssuer">This cluster's service-account issuer, once discovered (needed by <c>serviceAccount</c>).</param>
    public static Outcome Compile(TrustPolicy resource, string? clusterIssuer)
    {
        var spec = resource.Spec;
        var ns = resource.Metadata.Namespace ?? string.Empty;
        var name = resource.Metadata.Name ?? string.Empty;
        var identity = IdentityOf(resource);
        if (!Exchange.Requests.NameGrammar.IsIdentity(identity))
        {
            return Rejected(ConditionReasons.InvalidPolicy, "identity must be 1-100 characters of [A-Za-z0-9._-] without '..'");
        }

        if (!Exchange.Requests.ExchangeTarget.TryParse(spec.Scope, out var target))
        {
            return Rejected(ConditionReasons.InvalidPolicy, "scope must be 'org' or 'org/repo'");
        }

        string? issuer = spec.Issuer;
        string? subject = spec.Subject;
        if (spec.ServiceAccount is { } serviceAccount)
        {
            if (spec.Issuer is not null || spec.IssuerPattern is not null || spec.Subject is not null || spec.SubjectPattern is not null)
            {
                return Rejected(ConditionReasons.InvalidPolicy, "serviceAccount cannot be combined with issuer, issuerPattern, subject or subjectPattern");
            }

            if (clusterIssuer is null)
            {
                return Rejected(ConditionReasons.IssuerUnknown, "this cluster's service-account issuer has not been discovered yet");
            }

            issuer = clusterIssuer;
            subject = $"system:serviceaccount:{ns}:{serviceAccount}";
        }

        var definition = new TrustPolicyDefinition
        {
            Issuer = issuer,
            IssuerPattern = spec.IssuerPattern,
            Subject = subject,
            SubjectPattern = spec.SubjectPattern,
            Audience = spec.Audience,
            AudiencePattern = spec.AudiencePattern,
            ClaimPatterns = spec.ClaimPatterns,
            Permissions = spec.Permissions,
            Repositories = spec.Repositories,
            MaxTokenLifetimeSeconds = spec.MaxTokenLifetimeSeconds,
            AllowAnyRepositorySubject = spec.AllowAnyRepositorySubject,
        };

        var kind = target.IsOrganization ? PolicyScopeKind.Organization : PolicyScopeKind.Repository;
        var result = TrustPolicyCompiler.Compile(definition, kind, target);
        if (!result.Succeeded)
        {
            var first = result.Errors[0];
            return Rejected(ReasonFor(first.Code), string.Join("; ", result.Errors.Select(e => $"{ToCamelCase(e.Field)}: {ToResourceWording(e.Message)}")));
        }

        var created = resource.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
        var key = new PolicyIndexKey(spec.App, target.ToString(), identity);
        return new Outcome(
            new IndexedPolicy(result.Policy!, ns, name, created, key, resource.Metadata.Generation ?? 0), ConditionReasons.Compiled, "the policy compiled");
    }

    private static Outcome Rejected(string reason, string message) => new(null, reason, message);

    private static string ReasonFor(PolicyErrorCode code) => code switch
    {
        PolicyErrorCode.InvalidPattern or PolicyErrorCode.OverlyBroadPattern or PolicyErrorCode.PatternTooComplex => ConditionReasons.InvalidPattern,
        PolicyErrorCode.PatternBudgetExceeded => ConditionReasons.PatternBudgetExceeded,
        PolicyErrorCode.UnknownPermission or PolicyErrorCode.InvalidPermissionLevel => ConditionReasons.UnknownPermission,
        PolicyErrorCode.PermissionOutsideScope => ConditionReasons.PermissionOutsideScope,
        PolicyErrorCode.MissingRepositories => ConditionReasons.MissingRepositories,
        PolicyErrorCode.UnpinnedRepositorySubject => ConditionReasons.UnpinnedRepositorySubject,
        _ => ConditionReasons.InvalidPolicy,
    };

    /// <summary>The compiler names fields as in the YAML format (<c>subject_pattern</c>); the resource uses camelCase.</summary>
    private static string ToCamelCase(string field) => field switch
    {
        _ when field.StartsWith("claim_pattern", StringComparison.Ordinal) => "claimPatterns" + field["claim_pattern".Length..],
        _ when field.StartsWith("max_token_lifetime", StringComparison.Ordinal) => "maxTokenLifetimeSeconds",
        _ => SnakeToCamel(field),
    };

    private static string ToResourceWording(string message) => message
        .Replace("allow_any_repository_subject", "allowAnyRepositorySubject", StringComparison.Ordinal)
        .Replace("claim_pattern", "claimPatterns", StringComparison.Ordinal);

    private static string SnakeToCamel(string field)
    {
        var parts = field.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
