using System.Security.Cryptography;
using System.Text;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.GitHub.Signing;
using GithubSts.Exchange.Webhooks;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tenancy;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Controllers;

/// <summary>
/// GitHubApp → a usable App in the registry: reads the key from its Secret (or names its KMS signer), verifies it with <c>GET /app</c>, reports
/// <c>Ready</c>. Runs on every replica (each keeps its own registry); only the leader writes status.
/// </summary>
public sealed partial class GitHubAppReconciler(
    Informer<GitHubApp> apps,
    Informer<Secret> secrets,
    ClusterAppRegistry registry,
    GitHubApiClient github,
    StatusWriter status,
    OperatorContext context,
    TimeProvider time,
    ILogger<GitHubAppReconciler> logger) : IReconciler<ObjectKey>
{
    public const string DefaultSecretKey = "private-key.pem";
    public const string DefaultWebhookSecretKey = "webhook-secret";
    private static readonly TimeSpan ReverifyInterval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RetryUnreachable = TimeSpan.FromMinutes(1);

    /// <summary>Longer than any exchange holding the old runtime can take (the request and GitHub deadlines are far shorter).</summary>
    internal static readonly TimeSpan SignerRetirementDelay = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, (string Fingerprint, GitHubAppRuntime Runtime)> _loaded = new(StringComparer.Ordinal);
    private readonly Lock _loadedLock = new();

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        if (!apps.TryGet(null, key.Name, out var app))
        {
            Forget(key.Name);
            return ReconcileResult.Done;
        }

        if (registry.IsConfigured(key.Name))
        {
            await ReportAsync(app, null, ConditionReasons.Conflict, "an app with this name is defined in the service configuration, which takes precedence", ct);
            return ReconcileResult.Done;
        }

        var (runtime, reason, message) = Load(app);
        if (runtime is null)
        {
            Forget(key.Name);
            await ReportAsync(app, null, reason, message, ct);
            return ReconcileResult.Done;
        }

        try
        {
            var info = await github.GetAppAsync(runtime.Credentials, ct);
            registry.SetClusterApp(runtime);
            await ReportAsync(app, info.Slug, ConditionReasons.Verified, $"GitHub accepted the App's credentials (app {info.Slug})", ct);
            return ReconcileResult.After(ReverifyInterval);
        }
        catch (AppSignerException e)
        {
            // Kept in the registry: its exchanges then fail 503 (nothing minted) like a config-file App's, instead of
            // turning into "unknown app", and it recovers by itself once the KMS signs again.
            registry.SetClusterApp(runtime);
            var signerReason = e.Failure == AppSignerFailure.AccessDenied ? ConditionReasons.SignerAccessDenied : ConditionReasons.SignerUnavailable;
            LogSignerFailed(key.Name, e.ReasonCode, e.Message);
            await ReportAsync(app, null, signerReason, e.Message, ct);
            return ReconcileResult.After(RetryUnreachable);
        }
        catch (GitHubAuthenticationException)
        {
            Forget(key.Name);
            await ReportAsync(app, null, ConditionReasons.GitHubAuthFailed, "GitHub rejected the App JWT: check appId and the private key", ct);
            return ReconcileResult.After(ReverifyInterval);
        }
        catch (GitHubApiException e)
        {
            // GitHub is down or rate-limiting: keep serving with the key we have, and look again soon.
            registry.SetClusterApp(runtime);
            LogUnverified(key.Name, e.StatusCode);
            await ReportAsync(app, null, ConditionReasons.GitHubUnreachable, "the key loaded but GitHub could not be asked to verify it yet", ct, readyStatus: ConditionStatus.Unknown);
            return ReconcileResult.After(RetryUnreachable);
        }
    }

    private (GitHubAppRuntime? Runtime, string Reason, string Message) Load(GitHubApp app)
    {
        var spec = app.Spec;
        var name = app.Metadata.Name!;
        var apiUrl = spec.ApiUrl ?? "https://api.github.com/";
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var apiUri) || apiUri.Scheme != Uri.UriSchemeHttps && !(apiUri.Scheme == Uri.UriSchemeHttp && apiUri.IsLoopback))
        {
            return (null, ConditionReasons.InvalidSpec, "apiUrl must be an https URL");
        }

        if (TenantGrants.Problem(spec.Tenants) is { } tenantsProblem)
        {
            // A grant that cannot be read is not half-applied: the App serves nothing until it is fixed.
            return (null, ConditionReasons.InvalidSpec, tenantsProblem);
        }

        var policies = spec.RepositoryPolicies;
        if (!PolicyPathTemplate.TryCreate(policies?.Path ?? PolicyPathTemplate.PyGithubStsLayout, out var path, out var problem))
        {
            return (null, ConditionReasons.InvalidSpec, $"repositoryPolicies.path {problem}");
        }

        if ((spec.PrivateKeySecretRef is null) == (spec.Signer is null))
        {
            return (null, ConditionReasons.InvalidSpec, spec.Signer is null
                ? "give privateKeySecretRef (a Secret with the key) or signer (the KMS that holds it)"
                : "privateKeySecretRef and signer are both set: give the key or the KMS that holds it, not both");
        }

        var (webhookSecret, webhookText, webhookProblem) = LoadWebhookSecret(spec.WebhookSecretRef);
        if (webhookProblem is { } webhookFailure)
        {
            return webhookFailure;
        }

        string fingerprint;
        var settings = $"\n{spec.AppId}\n{apiUri}\n{path.Template}\n{policies?.Enabled}\n{policies?.OrgPolicyRepo}\n{spec.AllowOrganizationPermissions}\n{CeilingText(spec.MaxPermissions)}\n{webhookText}";
        if (spec.Signer is { } signer)
        {
            if (!AppSigners.TryParse(signer.Kind, signer.KeyId, signer.Region, signer.ServiceUrl, out var signerOptions, out var field, out var signerProblem))
            {
                return (null, ConditionReasons.InvalidSpec, $"signer.{field} {signerProblem}");
            }

            fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"signer\n{signerOptions}{settings}")));
            return Reuse(name, fingerprint) is { } reused
                ? (reused, string.Empty, string.Empty)
                : (Remember(name, fingerprint, Build(app, AppSigners.Create(signerOptions), apiUri, path, webhookSecret)), string.Empty, string.Empty);
        }

        var reference = spec.PrivateKeySecretRef!;
        if (!string.Equals(reference.Namespace, context.Namespace, StringComparison.Ordinal))
        {
            return (null, ConditionReasons.SecretNotFound, $"the key Secret must be in the operator's namespace {context.Namespace}");
        }

        var secretKey = reference.Key ?? DefaultSecretKey;
        if (!secrets.TryGet(reference.Namespace, reference.Name, out var secret) || secret.Data?.TryGetValue(secretKey, out var pemBytes) != true)
        {
            return (null, ConditionReasons.SecretNotFound, $"Secret {reference.Namespace}/{reference.Name} with key {secretKey} was not found");
        }

        fingerprint = Convert.ToHexString(SHA256.HashData([.. pemBytes!, .. Encoding.UTF8.GetBytes(settings)]));
        if (Reuse(name, fingerprint) is { } unchanged)
        {
            return (unchanged, string.Empty, string.Empty);
        }

        var pem = Encoding.UTF8.GetString(pemBytes!);
        RSA key;
        try
        {
            // Secret data is PEM text, never a file path: refuse anything else before the loader sees it.
            key = pem.Contains("-----BEGIN", StringComparison.Ordinal)
                ? PrivateKeyLoader.Load(pem)
                : throw new ArgumentException("the Secret value is not a PEM private key");
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return (null, ConditionReasons.InvalidPrivateKey, e.Message);
        }

        return (Remember(name, fingerprint, Build(app, new GitHubAppCredentials(name, spec.AppId, key, apiUri), path, webhookSecret)), string.Empty, string.Empty);
    }

    /// <summary>
    /// The webhook secret the reference names (null without one), its fingerprint text (a hash, never the secret), or
    /// why the App cannot be loaded: the Secret must be in the operator's namespace, like the key's.
    /// </summary>
    private (WebhookSecret? Secret, string Fingerprint, (GitHubAppRuntime?, string, string)? Problem) LoadWebhookSecret(SecretKeySelector? reference)
    {
        if (reference is null)
        {
            return (null, string.Empty, null);
        }

        if (!string.Equals(reference.Namespace, context.Namespace, StringComparison.Ordinal))
        {
            return (null, string.Empty, (null, ConditionReasons.SecretNotFound, $"the webhook Secret must be in the operator's namespace {context.Namespace}"));
        }

        var key = reference.Key ?? DefaultWebhookSecretKey;
        if (!secrets.TryGet(reference.Namespace, reference.Name, out var secret) || secret.Data?.TryGetValue(key, out var bytes) != true)
        {
            return (null, string.Empty, (null, ConditionReasons.SecretNotFound, $"Secret {reference.Namespace}/{reference.Name} with key {key} was not found"));
        }

        var text = Encoding.UTF8.GetString(bytes!).TrimEnd('\r', '\n');
        if (text.Length < WebhookSecret.MinimumLength)
        {
            return (null, string.Empty, (null, ConditionReasons.InvalidSpec, $"the webhook secret in key {key} has fewer than {WebhookSecret.MinimumLength} characters"));
        }

        return (new WebhookSecret(text), "webhook " + Convert.ToHexString(SHA256.HashData(bytes!)), null);
    }

    private static GitHubAppRuntime Build(GitHubApp app, IAppJwtSigner signer, Uri apiUri, PolicyPathTemplate path, WebhookSecret? webhookSecret) =>
        Build(app, new GitHubAppCredentials(app.Metadata.Name!, app.Spec.AppId, signer, apiUri), path, webhookSecret);

    private static GitHubAppRuntime Build(GitHubApp app, GitHubAppCredentials credentials, PolicyPathTemplate path, WebhookSecret? webhookSecret)
    {
        var spec = app.Spec;
        return new GitHubAppRuntime
        {
            Credentials = credentials,
            PolicyPath = path,
            OrgPolicyRepository = spec.RepositoryPolicies?.OrgPolicyRepo ?? ".github",
            RepositoryPoliciesEnabled = spec.RepositoryPolicies?.Enabled ?? false,
            MaxPermissions = spec.MaxPermissions?.ToDictionary(StringComparer.Ordinal).AsReadOnly(),
            AllowOrganizationPermissions = spec.AllowOrganizationPermissions ?? false,
            WebhookSecret = webhookSecret,
        };
    }

    /// <summary>The runtime built for the same settings: its JWT cache (one KMS call per JWT lifetime) survives re-verifies.</summary>
    private GitHubAppRuntime? Reuse(string name, string fingerprint)
    {
        lock (_loadedLock)
        {
            return _loaded.TryGetValue(name, out var loaded) && loaded.Fingerprint == fingerprint ? loaded.Runtime : null;
        }
    }

    private GitHubAppRuntime Remember(string name, string fingerprint, GitHubAppRuntime runtime)
    {
        lock (_loadedLock)
        {
            if (_loaded.TryGetValue(name, out var replaced))
            {
                RetireSigner(replaced.Runtime);
            }

            _loaded[name] = (fingerprint, runtime);
        }

        return runtime;
    }

    /// <summary>
    /// A replaced or forgotten KMS signer holds an SDK client (HTTP handler, credential refresh). Exchanges that picked
    /// the old runtime before the swap may still be signing with it, so it is disposed after they can have finished.
    /// </summary>
    private void RetireSigner(GitHubAppRuntime runtime)
    {
        if (runtime.Credentials.Signer is IDisposable disposable)
        {
            ITimer? timer = null;
            timer = time.CreateTimer(_ => { disposable.Dispose(); timer?.Dispose(); }, null, SignerRetirementDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The ceiling in a stable form, so a changed ceiling rebuilds the runtime the exchange checks at mint time.</summary>
    private static string CeilingText(Dictionary<string, string>? ceiling) =>
        ceiling is null ? "-" : string.Join(",", ceiling.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private void Forget(string name)
    {
        registry.RemoveClusterApp(name);
        lock (_loadedLock)
        {
            if (_loaded.Remove(name, out var forgotten))
            {
                RetireSigner(forgotten.Runtime);
            }
        }
    }

    private Task ReportAsync(GitHubApp app, string? slug, string reason, string message, CancellationToken ct, string? readyStatus = null)
    {
        var ready = readyStatus ?? (reason == ConditionReasons.Verified ? ConditionStatus.True : ConditionStatus.False);
        var generation = app.Metadata.Generation;
        var set = new ConditionSet(app.Status?.Conditions, generation, time.GetUtcNow()).Set(ConditionTypes.Ready, ready, reason, message);
        var conditions = (app.Spec.AllowedNamespaces is null
            ? set.Remove(ConditionTypes.Deprecated)
            : set.Set(ConditionTypes.Deprecated, ConditionStatus.True, ConditionReasons.AllowedNamespacesIgnored,
                "allowedNamespaces grants nothing (it used to grant every repository); list namespaces and their repositories under tenants")).Conditions;
        slug ??= app.Status?.AppSlug;
        if (app.Status is { } current && current.ObservedGeneration == generation
            && string.Equals(current.AppSlug, slug, StringComparison.Ordinal) && ConditionSet.Same(current.Conditions, conditions))
        {
            return Task.CompletedTask;
        }

        return status.WriteAsync(
            GithubStsResourceTypes.GitHubApps,
            app,
            new GitHubAppStatus { ObservedGeneration = generation, AppSlug = slug, Conditions = [.. conditions] },
            ct,
            ReadyOf(app.Status?.Conditions),
            ReadyOf(conditions));
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "GitHubApp {App}: the KMS signer could not sign ({Reason}): {Detail}")]
    private partial void LogSignerFailed(string app, string reason, string detail);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "GitHubApp {App}: key loaded but GitHub could not verify it (status {Status}); retrying")]
    private partial void LogUnverified(string app, int? status);

    private static Condition? ReadyOf(IEnumerable<Condition>? conditions) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, ConditionTypes.Ready, StringComparison.Ordinal));
}
