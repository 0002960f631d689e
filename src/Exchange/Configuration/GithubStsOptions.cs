using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Replay;

namespace GithubSts.Exchange.Configuration;

/// <summary>Validated, immutable configuration the service runs on.</summary>
public sealed class GithubStsOptions
{
    /// <summary>The default audience (octo-sts <c>STS_DOMAIN</c>, sts-cat <c>STS_CAT_IDENTIFIER</c>).</summary>
    public required string Identifier { get; init; }

    /// <summary>
    /// <c>sts.audiences</c>: accepted besides <see cref="Identifier"/> by a policy naming no audience, for clients whose
    /// default audience is another form (the URL, <c>github-sts</c>, <c>dd-octo-sts</c>). Never contains the identifier.
    /// </summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary><c>sts.githubActionsIssuers</c>: whose subjects are read in GitHub's immutable form too.</summary>
    public IReadOnlyList<string> GitHubActionsIssuers { get; init; } = [Identity.GitHubActionsIssuers.GitHubCom];

    public required OidcValidationOptions Oidc { get; init; }

    public required IReadOnlyList<GitHubAppRuntime> Apps { get; init; }

    public required TimeSpan PolicyCacheTtl { get; init; }

    /// <summary>Repository-hosted policy reads: staleness bound, audiences, per-owner budget, rate-limit reserve.</summary>
    public PolicySources.RepositoryPolicySourceOptions RepositoryPolicies { get; init; } = new();

    /// <summary>Operator settings, validated by the operator when a cluster is configured.</summary>
    public KubernetesSettings Kubernetes { get; init; } = new();

    /// <summary>Replay protection; <see cref="ReplayBackend.None"/> by default.</summary>
    public ReplayOptions Replay { get; init; } = new();

    /// <summary>Audit trail sinks (stdout by default).</summary>
    public Audit.AuditOptions Audit { get; init; } = new();

    /// <summary>Write logs as JSON lines (<c>logging.format: json</c>).</summary>
    public bool JsonLogs { get; init; }

    /// <summary>Per-client rate limit on the exchange endpoints; null when off.</summary>
    public RateLimitSettings? RateLimit { get; init; }

    /// <summary>Proxies whose <c>X-Forwarded-For</c> is believed; empty: nobody's.</summary>
    public IReadOnlyList<System.Net.IPAddress> TrustedProxies { get; init; } = [];

    /// <summary>Networks of proxies whose <c>X-Forwarded-For</c> is believed; empty: nobody's.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedNetworks { get; init; } = [];

    /// <summary>Where <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> are served (and nothing else).</summary>
    public IReadOnlyList<string> ManagementUrls { get; init; } = [ManagementUrl.Default];

    /// <summary>How long the listeners keep serving after SIGTERM, readiness already 503 (<c>shutdown.drainDelaySeconds</c>).</summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest warm-up before ready (<c>startup.warmupSeconds</c>); zero: none.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The App webhook endpoint (<c>webhook.*</c>).</summary>
    public Webhooks.WebhookOptions Webhook { get; init; } = new();

    /// <summary>The public listener's certificate files (<c>tls.*</c>); null: no https listener may be configured.</summary>
    public TlsFiles? Tls { get; init; }
}

/// <summary>PEM certificate and key paths; the host loads them, and loads them again when they change.</summary>
public sealed record TlsFiles(string CertificateFile, string KeyFile);
