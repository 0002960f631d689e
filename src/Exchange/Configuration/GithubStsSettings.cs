namespace GithubSts.Exchange.Configuration;

/// <summary>
/// The configuration file as written (YAML, camelCase keys). Unknown keys are errors.
/// <see cref="GithubStsConfigurationLoader"/> applies environment overrides and validates it into <see cref="GithubStsOptions"/>.
/// </summary>
public sealed class GithubStsSettings
{
    public StsSettings Sts { get; set; } = new();

    public List<AppSettings> Apps { get; set; } = [];

    public PolicySettings Policies { get; set; } = new();

    public KubernetesSettings Kubernetes { get; set; } = new();
}

public sealed class StsSettings
{
    /// <summary>This deployment's audience: tokens must be minted for it unless a policy names another audience.</summary>
    public string? Identifier { get; set; }

    public List<string> AllowedIssuers { get; set; } = [];

    public int ClockSkewSeconds { get; set; } = 60;

    public long MaxTokenLifetimeSeconds { get; set; } = 24 * 3600;

    public Dictionary<string, long> IssuerMaxTokenLifetimeSeconds { get; set; } = [];

    public bool AllowPrivateNetworkAddresses { get; set; }
}

public sealed class AppSettings
{
    public string? Name { get; set; }

    public long AppId { get; set; }

    /// <summary>PEM text (PKCS#1 or PKCS#8) or a path to a PEM file.</summary>
    public string? PrivateKey { get; set; }

    public string? ApiUrl { get; set; }

    public string? PolicyPath { get; set; }

    public string? OrgPolicyRepo { get; set; }
}

public sealed class PolicySettings
{
    public int CacheTtlSeconds { get; set; } = 60;
}

/// <summary>
/// Operator settings (used only when a cluster is configured). Plain values: the exchange library knows no Kubernetes types.
/// </summary>
public sealed class KubernetesSettings
{
    /// <summary>The operator's namespace (key Secrets, the leader Lease). Default: the in-cluster or kubeconfig namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>Confirm this cluster's service-account tokens with a TokenReview (revocation within 30 s).</summary>
    public bool TokenReview { get; set; } = true;

    /// <summary>Refuse this cluster's tokens that are not bound to a pod (e.g. from <c>kubectl create token</c>).</summary>
    public bool RequirePodBinding { get; set; }

    public string LeaseName { get; set; } = "github-sts-leader";
}
