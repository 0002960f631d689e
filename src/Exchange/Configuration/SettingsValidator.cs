using System.Collections.Frozen;
using System.Security.Cryptography;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Configuration;

/// <summary>Turns settings into validated options; every failure names its setting.</summary>
internal static class SettingsValidator
{
    private const int MaxClockSkewSeconds = 300;
    private const int MaxCacheTtlSeconds = 3600;
    private const long MaxLifetimeSeconds = 7 * 24 * 3600;
    private const int MaxDrainDelaySeconds = 60;
    private const int MaxWarmupSeconds = 30;
    private const string DefaultApiUrl = "https://api.github.com/";
    private const string DefaultOrgPolicyRepo = ".github";

    public static GithubStsOptions Validate(GithubStsSettings settings, bool requireApps = true, bool requireIssuers = true)
    {
        var sts = settings.Sts;
        var identifier = ValidateIdentifier(sts.Identifier);
        var audiences = AudienceListValidator.ValidateStsAudiences(sts.Audiences, identifier);
        var issuers = ValidateIssuers(sts.AllowedIssuers);
        if (issuers.Count == 0 && sts.Issuers.Count == 0 && !sts.AllowAnyIssuer && requireIssuers)
        {
            // Fail closed: an empty list once meant "any issuer", which lets anyone who runs an issuer reach the policies.
            throw new ConfigurationException(
                "sts.allowedIssuers",
                "is required: list the issuers whose tokens are accepted (env GITHUBSTS_STS_ALLOWED_ISSUERS, comma-separated) or pin them (sts.issuers), "
                + "e.g. https://token.actions.githubusercontent.com; or set sts.allowAnyIssuer: true "
                + "(GITHUBSTS_STS_ALLOW_ANY_ISSUER) to accept any https issuer");
        }

        if (sts.ClockSkewSeconds is < 0 or > MaxClockSkewSeconds)
        {
            throw new ConfigurationException("sts.clockSkewSeconds", $"must be between 0 and {MaxClockSkewSeconds}");
        }

        var lifetimes = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (issuer, seconds) in sts.IssuerMaxTokenLifetimeSeconds)
        {
            lifetimes[issuer] = ValidateLifetime($"sts.issuerMaxTokenLifetimeSeconds[{issuer}]", seconds);
        }

        var pinnedIssuers = PinnedIssuerSettingsValidator.Validate(sts, lifetimes, ValidateLifetime);

        if (settings.Policies.CacheTtlSeconds is < 0 or > MaxCacheTtlSeconds)
        {
            throw new ConfigurationException("policies.cacheTtlSeconds", $"must be between 0 and {MaxCacheTtlSeconds}");
        }

        // Bounded so the whole shutdown (this delay, the in-flight drain, the host's slack) stays within a grace period
        // an operator can reason about: the chart adds 55 s to it.
        if (settings.Shutdown.DrainDelaySeconds is < 0 or > MaxDrainDelaySeconds)
        {
            throw new ConfigurationException("shutdown.drainDelaySeconds", $"must be between 0 and {MaxDrainDelaySeconds}");
        }

        if (settings.Startup.WarmupSeconds is < 0 or > MaxWarmupSeconds)
        {
            throw new ConfigurationException("startup.warmupSeconds", $"must be between 0 and {MaxWarmupSeconds}");
        }

        return new GithubStsOptions
        {
            Identifier = identifier,
            Audiences = audiences,
            GitHubActionsIssuers = ValidateGitHubActionsIssuers(sts.GithubActionsIssuers),
            Oidc = new OidcValidationOptions
            {
                AllowedIssuers = issuers,
                AllowAnyIssuer = sts.AllowAnyIssuer,
                PinnedIssuers = pinnedIssuers,
                ClockSkew = TimeSpan.FromSeconds(sts.ClockSkewSeconds),
                MaxTokenLifetime = ValidateLifetime("sts.maxTokenLifetimeSeconds", sts.MaxTokenLifetimeSeconds),
                IssuerMaxTokenLifetime = lifetimes.ToFrozenDictionary(StringComparer.Ordinal),
                AllowPrivateNetworkAddresses = sts.AllowPrivateNetworkAddresses,
            },
            Apps = ValidateApps(settings.Apps, requireApps),
            PolicyCacheTtl = TimeSpan.FromSeconds(settings.Policies.CacheTtlSeconds),
            RepositoryPolicies = RepositoryPolicySettingsValidator.Validate(settings.Policies, identifier, audiences, pinnedIssuers),
            Kubernetes = ValidateKubernetes(settings.Kubernetes),
            Replay = ValidateReplay(settings.Replay),
            Audit = ValidateAudit(settings.Audit),
            JsonLogs = settings.Logging.Format switch
            {
                "text" => false,
                "json" => true,
                _ => throw new ConfigurationException("logging.format", "must be text or json"),
            },
            RateLimit = ValidateRateLimit(settings.Limits.RateLimit),
            TrustedProxies = ValidateList<System.Net.IPAddress>(
                settings.Limits.ForwardedHeaders.TrustedProxies, "limits.forwardedHeaders.trustedProxies", "an IP address", TryParseAddress),
            TrustedNetworks = ValidateList<System.Net.IPNetwork>(
                settings.Limits.ForwardedHeaders.TrustedNetworks, "limits.forwardedHeaders.trustedNetworks", "a CIDR range such as 10.0.0.0/8", TryParseNetwork),
            ManagementUrls = settings.Management.Urls.Count == 0
                ? [ManagementUrl.Default]
                : ValidateList<string>(settings.Management.Urls, "management.urls", "an http://HOST:PORT address", ManagementUrl.TryNormalize),
            DrainDelay = TimeSpan.FromSeconds(settings.Shutdown.DrainDelaySeconds),
            Warmup = TimeSpan.FromSeconds(settings.Startup.WarmupSeconds),
            Tls = ValidateTls(settings.Tls),
            Webhook = WebhookSettingsValidator.Validate(settings.Webhook),
        };
    }

    // Only the pairing is checked here: the files themselves are read (and named when unusable) by the host, which
    // reads them again whenever they change.
    private static TlsFiles? ValidateTls(TlsSettings tls)
    {
        var certificate = string.IsNullOrWhiteSpace(tls.CertificateFile) ? null : tls.CertificateFile;
        var key = string.IsNullOrWhiteSpace(tls.KeyFile) ? null : tls.KeyFile;
        return (certificate, key) switch
        {
            (null, null) => null,
            (not null, not null) => new TlsFiles(certificate, key),
            (null, _) => throw new ConfigurationException("tls.certificateFile", "is required with tls.keyFile"),
            (_, null) => throw new ConfigurationException("tls.keyFile", "is required with tls.certificateFile"),
        };
    }

    private delegate bool Parser<T>(string text, out T value);

    private static List<T> ValidateList<T>(List<string> values, string setting, string expected, Parser<T> parse)
    {
        var result = new List<T>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (!parse(values[i], out var value))
            {
                throw new ConfigurationException($"{setting}[{i}]", $"'{values[i]}' is not {expected}");
            }

            result.Add(value);
        }

        return result;
    }

    private static bool TryParseAddress(string text, out System.Net.IPAddress address) =>
        System.Net.IPAddress.TryParse(text, out address!) && !text.Contains('/', StringComparison.Ordinal);

    // A network whose address has bits outside the prefix (10.0.0.1/8) is refused: it is most likely a typo.
    private static bool TryParseNetwork(string text, out System.Net.IPNetwork network) =>
        System.Net.IPNetwork.TryParse(text, out network) && text.Contains('/', StringComparison.Ordinal);

    private static RateLimitSettings? ValidateRateLimit(RateLimitSettings rateLimit)
    {
        if (!rateLimit.Enabled)
        {
            return null;
        }

        if (rateLimit.PermitsPerSecond is < 1 or > 100_000)
        {
            throw new ConfigurationException("limits.rateLimit.permitsPerSecond", "must be between 1 and 100000");
        }

        if (rateLimit.Burst < 1 || rateLimit.Burst > 1_000_000)
        {
            throw new ConfigurationException("limits.rateLimit.burst", "must be between 1 and 1000000");
        }

        return rateLimit;
    }

    private static Audit.AuditOptions ValidateAudit(AuditSettings audit)
    {
        var rotation = audit.Rotation switch
        {
            "daily" => Audit.AuditRotation.Daily,
            "size" => Audit.AuditRotation.Size,
            _ => throw new ConfigurationException("audit.rotation", "must be daily or size"),
        };
        if (audit.FilePath is { Length: 0 })
        {
            throw new ConfigurationException("audit.filePath", "must be a file path when set");
        }

        if (audit.MaxFileBytes < 1024)
        {
            throw new ConfigurationException("audit.maxFileBytes", "must be at least 1024");
        }

        if (audit.MaxRetainedFiles is < 0 or > 10_000)
        {
            throw new ConfigurationException("audit.maxRetainedFiles", "must be between 0 and 10000");
        }

        return new Audit.AuditOptions
        {
            Stdout = audit.Stdout,
            FilePath = audit.FilePath,
            Rotation = rotation,
            MaxFileBytes = audit.MaxFileBytes,
            MaxRetainedFiles = audit.MaxRetainedFiles,
        };
    }

    private static ReplayOptions ValidateReplay(ReplaySettings replay)
    {
        var backend = replay.Backend switch
        {
            "none" => ReplayBackend.None,
            "memory" => ReplayBackend.Memory,
            "redis" => ReplayBackend.Redis,
            _ => throw new ConfigurationException("replay.backend", "must be none, memory or redis (env GITHUBSTS_REPLAY_BACKEND)"),
        };

        for (var i = 0; i < replay.ExemptIssuers.Count; i++)
        {
            if (!IssuerUrl.IsAcceptable(replay.ExemptIssuers[i], explicitlyListed: true, out var reason))
            {
                throw new ConfigurationException($"replay.exemptIssuers[{i}]", $"'{replay.ExemptIssuers[i]}' is not an acceptable issuer URL: {reason}");
            }
        }

        if (replay.MaxEntries is < 1 or > 10_000_000)
        {
            throw new ConfigurationException("replay.maxEntries", "must be between 1 and 10000000");
        }

        var redis = RedisSettingsValidator.Validate(replay.Redis, backend == ReplayBackend.Redis);
        return new ReplayOptions
        {
            Backend = backend,
            ExemptIssuers = [.. replay.ExemptIssuers.Distinct(StringComparer.Ordinal)],
            MaxEntries = replay.MaxEntries,
            Redis = redis,
        };
    }

    private static string ValidateIdentifier(string? identifier)
    {
        const string Setting = "sts.identifier";
        if (string.IsNullOrEmpty(identifier))
        {
            throw new ConfigurationException(
                Setting, "is required: the audience callers request for this service (e.g. sts.example.com); env GITHUBSTS_STS_IDENTIFIER");
        }

        if (identifier.Length > 255 || identifier.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ConfigurationException(Setting, "must be at most 255 characters without whitespace or control characters");
        }

        return identifier;
    }

    private static List<string> ValidateIssuers(List<string> issuers)
    {
        for (var i = 0; i < issuers.Count; i++)
        {
            if (!IssuerUrl.IsAcceptable(issuers[i], explicitlyListed: true, out var reason))
            {
                throw new ConfigurationException($"sts.allowedIssuers[{i}]", $"'{issuers[i]}' is not an acceptable issuer URL: {reason}");
            }
        }

        return [.. issuers.Distinct(StringComparer.Ordinal)];
    }

    private static List<string> ValidateGitHubActionsIssuers(List<string>? issuers)
    {
        const string Setting = "sts.githubActionsIssuers";
        const int MaxIssuers = 16;
        if (issuers is null)
        {
            return [Identity.GitHubActionsIssuers.GitHubCom];
        }

        if (issuers.Count > MaxIssuers)
        {
            throw new ConfigurationException(Setting, $"lists {issuers.Count} issuers; at most {MaxIssuers}");
        }

        for (var i = 0; i < issuers.Count; i++)
        {
            if (!IssuerUrl.IsAcceptable(issuers[i], explicitlyListed: true, out var reason))
            {
                throw new ConfigurationException($"{Setting}[{i}]", $"'{issuers[i]}' is not an acceptable issuer URL: {reason}");
            }
        }

        return issuers.Distinct(StringComparer.Ordinal).Count() == issuers.Count
            ? issuers
            : throw new ConfigurationException(Setting, "lists an issuer twice");
    }

    private static TimeSpan ValidateLifetime(string setting, long seconds) =>
        seconds is > 0 and <= MaxLifetimeSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new ConfigurationException(setting, $"must be between 1 and {MaxLifetimeSeconds} seconds");

    private static KubernetesSettings ValidateKubernetes(KubernetesSettings kubernetes)
    {
        if (kubernetes.Namespace is { } ns && !IsDnsLabel(ns))
        {
            throw new ConfigurationException("kubernetes.namespace", "must be a namespace name (lower-case DNS label)");
        }

        if (!IsDnsLabel(kubernetes.LeaseName))
        {
            throw new ConfigurationException("kubernetes.leaseName", "must be a lower-case DNS label");
        }

        if (kubernetes.GithubTokens.MintsPerMinute is < 1 or > 1000)
        {
            throw new ConfigurationException("kubernetes.githubTokens.mintsPerMinute", "must be between 1 and 1000");
        }

        return kubernetes;
    }

    private static bool IsDnsLabel(string value) =>
        value.Length is > 0 and <= 63 && value[0] != '-' && value[^1] != '-'
        && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static List<GitHubAppRuntime> ValidateApps(List<AppSettings> apps, bool requireApps)
    {
        if (apps.Count == 0 && requireApps)
        {
            throw new ConfigurationException(
                "apps", "at least one GitHub App is required (or set GITHUBSTS_GITHUB_APP_ID and GITHUBSTS_GITHUB_APP_PRIVATE_KEY)");
        }

        var result = new List<GitHubAppRuntime>(apps.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < apps.Count; i++)
        {
            var app = ValidateApp($"apps[{i}]", apps[i]);
            if (!names.Add(app.Name))
            {
                throw new ConfigurationException($"apps[{i}].name", $"'{app.Name}' is used by more than one app");
            }

            result.Add(app);
        }

        return result;
    }

    private static GitHubAppRuntime ValidateApp(string prefix, AppSettings app)
    {
        var name = app.Name ?? string.Empty;
        if (!NameGrammar.IsIdentity(name))
        {
            throw new ConfigurationException($"{prefix}.name", "is required: letters, digits, '.', '_' or '-' (at most 100)");
        }

        if (app.AppId <= 0)
        {
            throw new ConfigurationException($"{prefix}.appId", "is required and must be a positive integer");
        }

        var signer = SignerValidator.ValidateKeyOrSigner(prefix, app.PrivateKey, app.Signer);

        var policyPath = app.PolicyPath ?? PolicyPathTemplate.PyGithubStsLayout;
        if (!PolicyPathTemplate.TryCreate(policyPath, out var template, out var problem))
        {
            throw new ConfigurationException($"{prefix}.policyPath", problem);
        }

        var orgPolicyRepo = app.OrgPolicyRepo ?? DefaultOrgPolicyRepo;
        if (!NameGrammar.IsRepository(orgPolicyRepo))
        {
            throw new ConfigurationException($"{prefix}.orgPolicyRepo", "must be a repository name");
        }

        return new GitHubAppRuntime
        {
            Credentials = new GitHubAppCredentials(name, app.AppId, signer, ValidateApiUrl($"{prefix}.apiUrl", app.ApiUrl ?? DefaultApiUrl)),
            PolicyPath = template,
            OrgPolicyRepository = orgPolicyRepo,
            AllowOrganizationPermissions = app.AllowOrganizationPermissions,
            WebhookSecret = WebhookSettingsValidator.ValidateSecret(prefix, app.WebhookSecret, app.WebhookSecretFile),
        };
    }

    private static Uri ValidateApiUrl(string setting, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ConfigurationException(setting, "must be an absolute URL without query, fragment or credentials");
        }

        // Plain http only to a loopback host (a local simulator); GitHub and GHES are https.
        if (!(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new ConfigurationException(setting, "must use https (http is accepted only for a loopback host)");
        }

        return uri;
    }
}
