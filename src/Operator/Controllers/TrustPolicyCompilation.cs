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

    /// <summary>What the resource asks to compile, before compilation: shared with <c>github-sts policy lint</c>.</summary>
    public sealed record Prepared(TrustPolicyDefinition Definition, PolicyScopeKind Kind, Exchange.Requests.ExchangeTarget Target, string Identity);

    /// <summary>Why a resource cannot even be compiled; <paramref name="Field"/> is its camelCase path under <c>spec</c>.</summary>
    public sealed record Refusal(string Field, string Reason, string Message);

    /// <param name="clusterIssuer">This cluster's service-account issuer, once discovered (needed by <c>serviceAccount</c>).</param>
    public static Outcome Compile(TrustPolicy resource, string? clusterIssuer)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var prepared = Prepare(resource, clusterIssuer, out var refusal);
        if (prepared is null)
        {
            return Rejected(refusal!.Reason, refusal.Message);
        }

        var result = TrustPolicyCompiler.Compile(prepared.Definition, prepared.Kind, prepared.Target);
        if (!result.Succeeded)
        {
            var first = result.Errors[0];
            return Rejected(ReasonFor(first.Code), string.Join("; ", result.Errors.Select(e => $"{ToCamelCase(e.Field)}: {ToResourceWording(e.Message)}")));
        }

        var ns = resource.Metadata.Namespace ?? string.Empty;
        var name = resource.Metadata.Name ?? string.Empty;
        var created = resource.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
        var key = new PolicyIndexKey(resource.Spec.App, prepared.Target.ToString(), prepared.Identity);
        return new Outcome(
            new IndexedPolicy(result.Policy!, ns, name, created, key, resource.Metadata.Generation ?? 0), ConditionReasons.Compiled, "the policy compiled");
    }

    /// <summary>The resource's identity, scope and definition (with <c>serviceAccount</c> expanded), or why there is none.</summary>
    public static Prepared? Prepare(TrustPolicy resource, string? clusterIssuer, out Refusal? refusal)
    {
        ArgumentNullException.ThrowIfNull(resource);
        refusal = null;
        var spec = resource.Spec;
        var ns = resource.Metadata.Namespace ?? string.Empty;
        var identity = IdentityOf(resource);
        if (!Exchange.Requests.NameGrammar.IsIdentity(identity))
        {
            refusal = new(spec.Identity is null ? "metadata.name" : "identity", ConditionReasons.InvalidPolicy, "identity must be 1-100 characters of [A-Za-z0-9._-] without '..'");
            return null;
        }

        if (!Exchange.Requests.ExchangeTarget.TryParse(spec.Scope, out var target))
        {
            refusal = new("scope", ConditionReasons.InvalidPolicy, "scope must be 'org' or 'org/repo'");
            return null;
        }

        string? issuer = spec.Issuer;
        string? subject = spec.Subject;
        if (spec.ServiceAccount is { } serviceAccount)
        {
            if (spec.Issuer is not null || spec.IssuerPattern is not null || spec.Subject is not null || spec.SubjectPattern is not null)
            {
                refusal = new("serviceAccount", ConditionReasons.InvalidPolicy, "serviceAccount cannot be combined with issuer, issuerPattern, subject or subjectPattern");
                return null;
            }

            if (clusterIssuer is null)
            {
                refusal = new("serviceAccount", ConditionReasons.IssuerUnknown, "this cluster's service-account issuer has not been discovered yet");
                return null;
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
        return new Prepared(definition, kind, target, identity);
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
    internal static string ToCamelCase(string field) => field switch
    {
        _ when field.StartsWith("claim_pattern", StringComparison.Ordinal) => "claimPatterns" + field["claim_pattern".Length..],
        _ when field.StartsWith("max_token_lifetime", StringComparison.Ordinal) => "maxTokenLifetimeSeconds",
        _ => SnakeToCamel(field),
    };

    internal static string ToResourceWording(string message) => message
        .Replace("allow_any_repository_subject", "allowAnyRepositorySubject", StringComparison.Ordinal)
        .Replace("claim_pattern", "claimPatterns", StringComparison.Ordinal);

    private static string SnakeToCamel(string field)
    {
        var parts = field.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
