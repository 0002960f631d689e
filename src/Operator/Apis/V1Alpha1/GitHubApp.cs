using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Apis.V1Alpha1;

/// <summary>A GitHub App TrustPolicies can mint with (cluster-scoped). Must match config/crds/githubsts.io_githubapps.yaml.</summary>
public sealed class GitHubApp : KubernetesObject
{
    public GitHubAppSpec Spec { get; set; } = new();

    public GitHubAppStatus? Status { get; set; }
}

public sealed class GitHubAppSpec
{
    public long AppId { get; set; }

    /// <summary>The Secret with the PEM key. Exactly one of this and <see cref="Signer"/>.</summary>
    public SecretKeySelector? PrivateKeySecretRef { get; set; }

    /// <summary>
    /// The Secret key holding the App's webhook secret (default key <c>webhook-secret</c>; may be the key Secret itself).
    /// Absent: deliveries for this App are refused.
    /// </summary>
    public SecretKeySelector? WebhookSecretRef { get; set; }

    /// <summary>A KMS that holds the key and signs the App's JWTs: no Secret at all.</summary>
    public GitHubAppSigner? Signer { get; set; }

    public string? ApiUrl { get; set; }

    /// <summary>Deprecated: grants nothing (it used to mean "every repository"); see <see cref="Tenants"/>.</summary>
    public AllowedNamespaces? AllowedNamespaces { get; set; }

    /// <summary>Which namespaces may define TrustPolicies for which scopes (absent: only the operator's namespace).</summary>
    public List<TenantGrant>? Tenants { get; set; }

    public Dictionary<string, string>? MaxPermissions { get; set; }

    /// <summary>Organization-scoped TrustPolicies and org policy files may grant organization permissions (default false).</summary>
    public bool? AllowOrganizationPermissions { get; set; }

    public RepositoryPolicies? RepositoryPolicies { get; set; }
}

public sealed class SecretKeySelector
{
    public string Namespace { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string? Key { get; set; }
}

/// <summary><c>{kind: aws-kms, keyId, region, serviceUrl}</c>: checked like <c>apps[].signer</c> in the configuration file.</summary>
public sealed class GitHubAppSigner
{
    public string? Kind { get; set; }

    public string? KeyId { get; set; }

    public string? Region { get; set; }

    public string? ServiceUrl { get; set; }
}

public sealed class AllowedNamespaces
{
    public List<string>? Names { get; set; }

    public LabelSelector? Selector { get; set; }
}

/// <summary>
/// One grant: the namespaces it names or selects may define TrustPolicies for the scopes in <see cref="Repositories"/>
/// (<c>owner/repo</c>, <c>owner/*</c> for every repository of the owner, or <c>owner</c> for the owner's
/// organization scope).
/// </summary>
public sealed class TenantGrant
{
    public List<string>? Namespaces { get; set; }

    public LabelSelector? NamespaceSelector { get; set; }

    public List<string>? Repositories { get; set; }

    /// <summary>Whether these namespaces' policies take precedence over the repository owner's own policy file.</summary>
    public bool? OverrideRepositoryPolicies { get; set; }
}

public sealed class LabelSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }

    public List<LabelSelectorRequirement>? MatchExpressions { get; set; }
}

public sealed class LabelSelectorRequirement
{
    public string Key { get; set; } = string.Empty;

    public string Operator { get; set; } = string.Empty;

    public List<string>? Values { get; set; }
}

public sealed class RepositoryPolicies
{
    public bool Enabled { get; set; }

    public string? Path { get; set; }

    public string? OrgPolicyRepo { get; set; }
}

public sealed class GitHubAppStatus
{
    public long? ObservedGeneration { get; set; }

    public string? AppSlug { get; set; }

    public List<Condition>? Conditions { get; set; }
}
