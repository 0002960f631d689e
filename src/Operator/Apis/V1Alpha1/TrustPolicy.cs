using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Apis.V1Alpha1;

/// <summary>Who may mint what, for (app, scope, identity) (namespaced). Must match config/crds/githubsts.io_trustpolicies.yaml.</summary>
public sealed class TrustPolicy : KubernetesObject
{
    public TrustPolicySpec Spec { get; set; } = new();

    public TrustPolicyStatus? Status { get; set; }
}

public sealed class TrustPolicySpec
{
    public string App { get; set; } = string.Empty;

    public string Scope { get; set; } = string.Empty;

    public string? Identity { get; set; }

    public string? ServiceAccount { get; set; }

    public string? Issuer { get; set; }

    public string? IssuerPattern { get; set; }

    public string? Subject { get; set; }

    public string? SubjectPattern { get; set; }

    public string? Audience { get; set; }

    public string? AudiencePattern { get; set; }

    public Dictionary<string, string>? ClaimPatterns { get; set; }

    public Dictionary<string, string>? Permissions { get; set; }

    public List<string>? Repositories { get; set; }

    public long? MaxTokenLifetimeSeconds { get; set; }

    public bool? AllowAnyRepositorySubject { get; set; }
}

public sealed class TrustPolicyStatus
{
    public long? ObservedGeneration { get; set; }

    public string? Identity { get; set; }

    public List<Condition>? Conditions { get; set; }
}
