using System.Globalization;

namespace GithubSts.Exchange.Configuration;

/// <summary>
/// Applies <c>GITHUBSTS_*</c> environment variables over the file settings. Unknown <c>GITHUBSTS_*</c> names are
/// errors, so a typo cannot silently leave a default in place.
/// </summary>
internal static class EnvironmentOverrides
{
    public const string Prefix = "GITHUBSTS_";
    public const string ConfigPathVariable = "GITHUBSTS_CONFIG";

    private const string AppIdVariable = "GITHUBSTS_GITHUB_APP_ID";
    private const string AppNameVariable = "GITHUBSTS_GITHUB_APP_NAME";

    private static readonly Dictionary<string, Action<GithubStsSettings, string, string>> StsSetters = new(StringComparer.Ordinal)
    {
        ["GITHUBSTS_STS_IDENTIFIER"] = (s, _, v) => s.Sts.Identifier = v,
        ["GITHUBSTS_STS_AUDIENCES"] = (s, _, v) => s.Sts.Audiences = SplitList(v),
        ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = (s, _, v) => s.Sts.AllowedIssuers = SplitList(v),
        ["GITHUBSTS_STS_GITHUB_ACTIONS_ISSUERS"] = (s, _, v) => s.Sts.GithubActionsIssuers = SplitList(v),
        ["GITHUBSTS_STS_ALLOW_ANY_ISSUER"] = (s, n, v) => s.Sts.AllowAnyIssuer = ParseBoolean(n, v),
        ["GITHUBSTS_STS_CLOCK_SKEW_SECONDS"] = (s, n, v) => s.Sts.ClockSkewSeconds = (int)ParseInteger(n, v),
        ["GITHUBSTS_STS_MAX_TOKEN_LIFETIME_SECONDS"] = (s, n, v) => s.Sts.MaxTokenLifetimeSeconds = ParseInteger(n, v),
        ["GITHUBSTS_STS_ALLOW_PRIVATE_NETWORK_ADDRESSES"] = (s, n, v) => s.Sts.AllowPrivateNetworkAddresses = ParseBoolean(n, v),
        ["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = (s, n, v) => s.Policies.CacheTtlSeconds = (int)ParseInteger(n, v),
        ["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = (s, n, v) => s.Policies.DirectoryCacheTtlSeconds = (int)ParseInteger(n, v),
        ["GITHUBSTS_POLICIES_STALE_GRACE_SECONDS"] = (s, n, v) => s.Policies.StaleGraceSeconds = (int)ParseInteger(n, v),
        ["GITHUBSTS_POLICIES_REPOSITORY_AUDIENCES"] = (s, _, v) => s.Policies.RepositoryAudiences = SplitList(v),
        ["GITHUBSTS_POLICIES_OWNER_READS_PER_MINUTE"] = (s, n, v) => s.Policies.OwnerReadsPerMinute = (int)ParseInteger(n, v),
        ["GITHUBSTS_POLICIES_UNKNOWN_OWNER_LOOKUPS_PER_MINUTE"] = (s, n, v) => s.Policies.UnknownOwnerLookupsPerMinute = (int)ParseInteger(n, v),
        ["GITHUBSTS_POLICIES_RATE_LIMIT_RESERVE"] = (s, n, v) => s.Policies.RateLimitReserve = (int)ParseInteger(n, v),
        ["GITHUBSTS_KUBERNETES_NAMESPACE"] = (s, _, v) => s.Kubernetes.Namespace = v,
        ["GITHUBSTS_KUBERNETES_TOKEN_REVIEW"] = (s, n, v) => s.Kubernetes.TokenReview = ParseBoolean(n, v),
        ["GITHUBSTS_KUBERNETES_REQUIRE_POD_BINDING"] = (s, n, v) => s.Kubernetes.RequirePodBinding = ParseBoolean(n, v),
        ["GITHUBSTS_KUBERNETES_LEASE_NAME"] = (s, _, v) => s.Kubernetes.LeaseName = v,
        ["GITHUBSTS_KUBERNETES_GITHUB_TOKENS_ENABLED"] = (s, n, v) => s.Kubernetes.GithubTokens.Enabled = ParseBoolean(n, v),
        ["GITHUBSTS_KUBERNETES_GITHUB_TOKENS_MINTS_PER_MINUTE"] = (s, n, v) => s.Kubernetes.GithubTokens.MintsPerMinute = (int)ParseInteger(n, v),
        ["GITHUBSTS_LOGGING_FORMAT"] = (s, _, v) => s.Logging.Format = v,
        ["GITHUBSTS_LIMITS_RATE_LIMIT_ENABLED"] = (s, n, v) => s.Limits.RateLimit.Enabled = ParseBoolean(n, v),
        ["GITHUBSTS_LIMITS_RATE_LIMIT_PERMITS_PER_SECOND"] = (s, n, v) => s.Limits.RateLimit.PermitsPerSecond = (int)ParseInteger(n, v),
        ["GITHUBSTS_LIMITS_RATE_LIMIT_BURST"] = (s, n, v) => s.Limits.RateLimit.Burst = (int)ParseInteger(n, v),
        ["GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_PROXIES"] = (s, _, v) => s.Limits.ForwardedHeaders.TrustedProxies = SplitList(v),
        ["GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_NETWORKS"] = (s, _, v) => s.Limits.ForwardedHeaders.TrustedNetworks = SplitList(v),
        ["GITHUBSTS_MANAGEMENT_URLS"] = (s, _, v) => s.Management.Urls = SplitList(v),
        ["GITHUBSTS_TLS_CERTIFICATE_FILE"] = (s, _, v) => s.Tls.CertificateFile = v,
        ["GITHUBSTS_TLS_KEY_FILE"] = (s, _, v) => s.Tls.KeyFile = v,
        ["GITHUBSTS_WEBHOOK_PATH"] = (s, _, v) => s.Webhook.Path = v,
        ["GITHUBSTS_WEBHOOK_MAX_BODY_BYTES"] = (s, n, v) => s.Webhook.MaxBodyBytes = (int)Math.Min(ParseInteger(n, v), int.MaxValue),
        ["GITHUBSTS_STARTUP_WARMUP_SECONDS"] = (s, n, v) => s.Startup.WarmupSeconds = (int)Math.Min(ParseInteger(n, v), int.MaxValue),
        ["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = (s, n, v) => s.Shutdown.DrainDelaySeconds = (int)Math.Min(ParseInteger(n, v), int.MaxValue),
        ["GITHUBSTS_AUDIT_STDOUT"] = (s, n, v) => s.Audit.Stdout = ParseBoolean(n, v),
        ["GITHUBSTS_AUDIT_FILE_PATH"] = (s, _, v) => s.Audit.FilePath = v,
        ["GITHUBSTS_AUDIT_ROTATION"] = (s, _, v) => s.Audit.Rotation = v,
        ["GITHUBSTS_REPLAY_BACKEND"] = (s, _, v) => s.Replay.Backend = v,
        ["GITHUBSTS_REPLAY_EXEMPT_ISSUERS"] = (s, _, v) => s.Replay.ExemptIssuers = SplitList(v),
        ["GITHUBSTS_REPLAY_REDIS_ADDRESS"] = (s, _, v) => s.Replay.Redis.Address = v,
        ["GITHUBSTS_REPLAY_REDIS_USERNAME"] = (s, _, v) => s.Replay.Redis.Username = v,
        ["GITHUBSTS_REPLAY_REDIS_PASSWORD"] = (s, _, v) => s.Replay.Redis.Password = v,
        ["GITHUBSTS_REPLAY_REDIS_TLS"] = (s, n, v) => s.Replay.Redis.Tls = ParseBoolean(n, v),
        ["GITHUBSTS_REPLAY_REDIS_TLS_CA_FILE"] = (s, _, v) => s.Replay.Redis.TlsCaFile = v,
        ["GITHUBSTS_REPLAY_REDIS_TLS_SERVER_NAME"] = (s, _, v) => s.Replay.Redis.TlsServerName = v,
        ["GITHUBSTS_REPLAY_REDIS_CONNECT_TIMEOUT_MS"] = (s, n, v) => s.Replay.Redis.ConnectTimeoutMs = (int)ParseInteger(n, v),
        ["GITHUBSTS_REPLAY_REDIS_COMMAND_TIMEOUT_MS"] = (s, n, v) => s.Replay.Redis.CommandTimeoutMs = (int)ParseInteger(n, v),
        ["GITHUBSTS_REPLAY_REDIS_SENTINEL_SERVICE_NAME"] = (s, _, v) => s.Replay.Redis.Sentinel.ServiceName = v,
        ["GITHUBSTS_REPLAY_REDIS_SENTINEL_ADDRESSES"] = (s, _, v) => s.Replay.Redis.Sentinel.Addresses = SplitList(v),
        ["GITHUBSTS_REPLAY_REDIS_SENTINEL_USERNAME"] = (s, _, v) => s.Replay.Redis.Sentinel.Username = v,
        ["GITHUBSTS_REPLAY_REDIS_SENTINEL_PASSWORD"] = (s, _, v) => s.Replay.Redis.Sentinel.Password = v,
    };

    private static readonly Dictionary<string, Action<AppSettings, string, string>> AppSetters = new(StringComparer.Ordinal)
    {
        [AppIdVariable] = (a, n, v) => a.AppId = ParseInteger(n, v),
        ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = (a, _, v) => a.PrivateKey = v,
        ["GITHUBSTS_GITHUB_API_URL"] = (a, _, v) => a.ApiUrl = v,
        ["GITHUBSTS_GITHUB_POLICY_PATH"] = (a, _, v) => a.PolicyPath = v,
        ["GITHUBSTS_GITHUB_ORG_POLICY_REPO"] = (a, _, v) => a.OrgPolicyRepo = v,
        ["GITHUBSTS_GITHUB_ALLOW_ORGANIZATION_PERMISSIONS"] = (a, n, v) => a.AllowOrganizationPermissions = ParseBoolean(n, v),
        ["GITHUBSTS_GITHUB_APP_SIGNER_KIND"] = (a, _, v) => Signer(a).Kind = v,
        ["GITHUBSTS_GITHUB_APP_SIGNER_KEY_ID"] = (a, _, v) => Signer(a).KeyId = v,
        ["GITHUBSTS_GITHUB_APP_SIGNER_REGION"] = (a, _, v) => Signer(a).Region = v,
        ["GITHUBSTS_GITHUB_APP_SIGNER_SERVICE_URL"] = (a, _, v) => Signer(a).ServiceUrl = v,
        ["GITHUBSTS_GITHUB_WEBHOOK_SECRET"] = (a, _, v) => a.WebhookSecret = v,
        ["GITHUBSTS_GITHUB_WEBHOOK_SECRET_FILE"] = (a, _, v) => a.WebhookSecretFile = v,
    };

    /// <summary>Every <c>GITHUBSTS_*</c> name that is accepted (README's table is kept equal to it by a test).</summary>
    public static IReadOnlyCollection<string> KnownVariables =>
        [ConfigPathVariable, AppNameVariable, .. StsSetters.Keys, .. AppSetters.Keys];

    public static void Apply(GithubStsSettings settings, IReadOnlyDictionary<string, string> environment)
    {
        var appVariables = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name is ConfigPathVariable or AppNameVariable)
            {
                continue;
            }

            if (StsSetters.TryGetValue(name, out var setSts))
            {
                setSts(settings, name, value);
            }
            else if (AppSetters.ContainsKey(name))
            {
                appVariables.Add(new(name, value));
            }
            else
            {
                throw new ConfigurationException(name, "unknown GITHUBSTS_ environment variable");
            }
        }

        if (appVariables.Count > 0)
        {
            ApplyAppVariables(settings, environment, appVariables);
        }
    }

    /// <summary>
    /// The one-app shortcut: the variables describe the app named by <c>GITHUBSTS_GITHUB_APP_NAME</c> (default
    /// <c>default</c>), overriding it when the file declares it and adding it otherwise.
    /// </summary>
    private static void ApplyAppVariables(
        GithubStsSettings settings, IReadOnlyDictionary<string, string> environment, List<KeyValuePair<string, string>> variables)
    {
        var name = environment.GetValueOrDefault(AppNameVariable) is { Length: > 0 } n ? n : "default";
        var app = settings.Apps.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));
        if (app is null)
        {
            app = new AppSettings { Name = name };
            settings.Apps.Add(app);
        }

        foreach (var (variable, value) in variables)
        {
            AppSetters[variable](app, variable, value);
        }
    }

    // Any signer variable makes the app KMS-signed; the validator then refuses a private key beside it.
    private static SignerSettings Signer(AppSettings app) => app.Signer ??= new SignerSettings();

    private static List<string> SplitList(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static long ParseInteger(string name, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new ConfigurationException(name, "must be a non-negative integer");

    private static bool ParseBoolean(string name, string value) => value switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new ConfigurationException(name, "must be true or false"),
    };
}
