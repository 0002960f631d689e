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

    public ReplaySettings Replay { get; set; } = new();

    public AuditSettings Audit { get; set; } = new();

    public LoggingSettings Logging { get; set; } = new();

    public LimitSettings Limits { get; set; } = new();

    public ManagementSettings Management { get; set; } = new();

    public ShutdownSettings Shutdown { get; set; } = new();

    public StartupSettings Startup { get; set; } = new();

    public TlsSettings Tls { get; set; } = new();

    public WebhookSettings Webhook { get; set; } = new();
}

/// <summary>The App webhook endpoint (README "The App's webhook").</summary>
public sealed class WebhookSettings
{
    /// <summary>The route on the public listener; GitHub's App settings must name the same URL.</summary>
    public string Path { get; set; } = Webhooks.WebhookOptions.DefaultPath;

    /// <summary>Larger deliveries are refused (413) unread.</summary>
    public int MaxBodyBytes { get; set; } = Webhooks.WebhookOptions.DefaultMaxBodyBytes;
}

/// <summary>
/// The public listener's certificate, for <c>https://</c> URLs: PEM files (a cert-manager or <c>kubernetes.io/tls</c>
/// Secret's <c>tls.crt</c> and <c>tls.key</c>), read again whenever they change. The management listener stays http.
/// </summary>
public sealed class TlsSettings
{
    /// <summary>PEM certificate, the server's first, then any intermediates.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key (PKCS#1, PKCS#8 or SEC1) of the first certificate.</summary>
    public string? KeyFile { get; set; }
}

/// <summary>What happens between the listeners opening and the first <c>/readyz</c> 200.</summary>
public sealed class StartupSettings
{
    /// <summary>
    /// At most this many seconds of warm-up before the replica reports ready: private exchanges (own issuer, own App key,
    /// a loopback stand-in for GitHub) and <c>/healthz</c> requests that get the hot path compiled before real load
    /// arrives. It ends earlier once a round compiles almost nothing new. 0 turns it off.
    /// </summary>
    public int WarmupSeconds { get; set; } = 3;
}

/// <summary>What happens between SIGTERM and the listeners closing.</summary>
public sealed class ShutdownSettings
{
    /// <summary>
    /// Seconds the public listener keeps accepting and serving after SIGTERM while <c>/readyz</c> answers 503: the time
    /// load balancers and kube-proxy need to stop sending new connections here. 0 closes the listeners at once.
    /// </summary>
    public int DrainDelaySeconds { get; set; } = 5;
}

/// <summary>The management listener: <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>, never on the public listener.</summary>
public sealed class ManagementSettings
{
    /// <summary><c>http://HOST:PORT</c> addresses; empty means <c>http://localhost:9090</c>.</summary>
    public List<string> Urls { get; set; } = [];
}

public sealed class StsSettings
{
    /// <summary>This deployment's audience: tokens must be minted for it unless a policy names another audience.</summary>
    public string? Identifier { get; set; }

    /// <summary>
    /// More audiences a policy naming none accepts, besides <see cref="Identifier"/>: each client has its own default
    /// (octo-sts the bare domain, sts-cat the URL, Depthmark <c>github-sts</c>, DataDog <c>dd-octo-sts</c>).
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The issuers whose tokens are accepted. Empty trusts no issuer (but the cluster's own, with a cluster).</summary>
    public List<string> AllowedIssuers { get; set; } = [];

    /// <summary>Issuers with configured keys: never fetched, implicitly allowed (README "Pinned issuers").</summary>
    public List<PinnedIssuerSettings> Issuers { get; set; } = [];

    /// <summary>
    /// The GitHub Actions issuers (github.com's, a GHES one): their immutable-form subjects also match name-form
    /// policies when the token's claims confirm the names. Null: github.com's only; empty: none.
    /// </summary>
    public List<string>? GithubActionsIssuers { get; set; }

    /// <summary>Also accept any https issuer that is not listed. Off by default and logged as a warning when on.</summary>
    public bool AllowAnyIssuer { get; set; }

    public int ClockSkewSeconds { get; set; } = 60;

    public long MaxTokenLifetimeSeconds { get; set; } = 24 * 3600;

    public Dictionary<string, long> IssuerMaxTokenLifetimeSeconds { get; set; } = [];

    public bool AllowPrivateNetworkAddresses { get; set; }
}

public sealed class AppSettings
{
    public string? Name { get; set; }

    public long AppId { get; set; }

    /// <summary>PEM text (PKCS#1 or PKCS#8) or a path to a PEM file. Exactly one of this and <see cref="Signer"/>.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>A KMS that holds the App key and signs its JWTs, instead of <see cref="PrivateKey"/>.</summary>
    public SignerSettings? Signer { get; set; }

    public string? ApiUrl { get; set; }

    public string? PolicyPath { get; set; }

    public string? OrgPolicyRepo { get; set; }

    /// <summary>Organization policies of this app may grant organization permissions (members, organization_secrets, …).</summary>
    public bool AllowOrganizationPermissions { get; set; }

    /// <summary>The App's webhook secret, as text. At most one of this and <see cref="WebhookSecretFile"/>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>A file holding the App's webhook secret (a mounted Secret); a trailing newline is not part of it.</summary>
    public string? WebhookSecretFile { get; set; }
}

/// <summary>An external signer for an App's JWTs: <c>{kind: aws-kms, keyId, region, serviceUrl}</c>.</summary>
public sealed class SignerSettings
{
    /// <summary><c>aws-kms</c> (the only kind so far).</summary>
    public string? Kind { get; set; }

    /// <summary>Key id, key ARN, <c>alias/…</c> or alias ARN of an RSA_2048+ SIGN_VERIFY key.</summary>
    public string? KeyId { get; set; }

    public string? Region { get; set; }

    /// <summary>Another KMS endpoint (VPC endpoint, FIPS, a local KMS); default: the region's.</summary>
    public string? ServiceUrl { get; set; }
}

public sealed class PolicySettings
{
    public int CacheTtlSeconds { get; set; } = 60;

    /// <summary>How long a policy directory listing (positive or negative) is reused.</summary>
    public int DirectoryCacheTtlSeconds { get; set; } = 10;

    /// <summary>How long past its cache TTL a last-good repository policy may be served while GitHub cannot be read.</summary>
    public int StaleGraceSeconds { get; set; } = 300;

    /// <summary>Audiences repository-hosted policies may accept; empty means just <c>sts.identifier</c>.</summary>
    public List<string> RepositoryAudiences { get; set; } = [];

    /// <summary>Repository policy loads that may reach GitHub per owner and minute.</summary>
    public int OwnerReadsPerMinute { get; set; } = 60;

    /// <summary>Installation lookups per minute (whole service) for owners whose installation is not yet cached.</summary>
    public int UnknownOwnerLookupsPerMinute { get; set; } = 60;

    /// <summary>App rate-limit calls kept for mints: below this, repository policies are not read.</summary>
    public int RateLimitReserve { get; set; } = 500;
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

    /// <summary>GitHubTokens: tokens delivered into Secrets of tenant namespaces (off unless the chart grants the RBAC).</summary>
    public GithubTokenSettings GithubTokens { get; set; } = new();
}

/// <summary><c>kubernetes.githubTokens</c>.</summary>
public sealed class GithubTokenSettings
{
    public bool Enabled { get; set; }

    /// <summary>GitHubToken mints per App in any minute (exchanges are not counted): the share of the App's rate limit GitHubTokens may use.</summary>
    public int MintsPerMinute { get; set; } = 30;
}

/// <summary>Single-use tokens: a token (issuer + jti, or its hash) is exchanged at most once.</summary>
public sealed class ReplaySettings
{
    /// <summary><c>none</c> (default), <c>memory</c> (one replica only) or <c>redis</c> (shared by all replicas).</summary>
    public string Backend { get; set; } = "none";

    /// <summary>Issuers whose tokens may be reused (e.g. the cluster's own projected service-account tokens).</summary>
    public List<string> ExemptIssuers { get; set; } = [];

    /// <summary>The memory backend's entry bound.</summary>
    public int MaxEntries { get; set; } = 100_000;

    public RedisSettings Redis { get; set; } = new();
}

public sealed class RedisSettings
{
    /// <summary>A single node: <c>host:port</c> (port default 6379). Exclusive with <see cref="Sentinel"/>.</summary>
    public string? Address { get; set; }

    /// <summary>ACL user (empty: the <c>default</c> user).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool Tls { get; set; }

    /// <summary>PEM file of a private CA that signs the server certificate (empty: the system trust store).</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>The name the server certificate must carry, when it is not the host of the address.</summary>
    public string? TlsServerName { get; set; }

    public RedisSentinelSettings Sentinel { get; set; } = new();

    public int ConnectTimeoutMs { get; set; } = 250;

    public int CommandTimeoutMs { get; set; } = 500;
}

/// <summary>Redis behind Sentinel: the master of <see cref="ServiceName"/>, as the Sentinels name it.</summary>
public sealed class RedisSentinelSettings
{
    public string? ServiceName { get; set; }

    /// <summary>Sentinel <c>host:port</c> addresses (port default 26379).</summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>Sentinel credentials when they differ from the Redis ones (empty: the Redis ones).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }
}

/// <summary>The audit trail: one JSON line per exchange attempt.</summary>
public sealed class AuditSettings
{
    public bool Stdout { get; set; } = true;

    public string? FilePath { get; set; }

    /// <summary><c>daily</c> or <c>size</c>.</summary>
    public string Rotation { get; set; } = "daily";

    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    public int MaxRetainedFiles { get; set; } = 14;
}

public sealed class LoggingSettings
{
    /// <summary><c>text</c> or <c>json</c> (one JSON object per line, with the request id on every line of a request).</summary>
    public string Format { get; set; } = "text";
}

public sealed class LimitSettings
{
    public RateLimitSettings RateLimit { get; set; } = new();

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();
}

/// <summary>
/// Peers whose <c>X-Forwarded-For</c> is believed (the client address of the rate limiter and the audit trail).
/// Empty (the default): the header is ignored from everyone, loopback included.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>IP addresses of trusted reverse proxies.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>CIDR ranges of trusted reverse proxies (e.g. <c>10.0.0.0/8</c>).</summary>
    public List<string> TrustedNetworks { get; set; } = [];
}

/// <summary>Per-client (remote address) token bucket on the exchange endpoints; off by default.</summary>
public sealed class RateLimitSettings
{
    public bool Enabled { get; set; }

    public int PermitsPerSecond { get; set; } = 10;

    public int Burst { get; set; } = 20;
}
