using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Caching;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Requests;
using GithubSts.Exchange.Telemetry;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.PolicySources;

/// <summary>
/// Policies hosted in GitHub repositories (the octo-sts model), read through the contents API from the default branch
/// with a token limited to <c>contents: read</c> on the policy repository and revoked after the read.
/// </summary>
public sealed partial class RepositoryPolicySource : IPolicySource
{
    public const int DefaultOrder = 200;

    private static readonly IReadOnlyDictionary<string, string> ReadContents =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "read" };

    private readonly GitHubApiClient _github;
    private readonly RepositoryPolicySourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RepositoryPolicySource> _logger;
    private readonly ExpiringCache<string, ResolvedPolicy?> _cache;
    private readonly ExpiringCache<string, ResolvedPolicy> _lastGood;
    private readonly SingleFlight<string, ResolvedPolicy?> _loads = new();
    private readonly GithubStsMetrics? _metrics;
    private readonly OwnerPatternBudget _patternBudget;

    public RepositoryPolicySource(
        GitHubApiClient github, RepositoryPolicySourceOptions options, TimeProvider time, ILogger<RepositoryPolicySource> logger,
        GithubStsMetrics? metrics = null)
    {
        _metrics = metrics;
        _github = github;
        _options = options;
        _time = time;
        _logger = logger;
        _cache = new(options.MaxEntries, time);
        _lastGood = new(options.MaxEntries, time);
        _patternBudget = new(time, options.CacheTtl > options.StaleTtl ? options.CacheTtl : options.StaleTtl);
    }

    public int Order => DefaultOrder;

    public async ValueTask<ResolvedPolicy?> FindAsync(PolicyLookup lookup, CancellationToken cancellationToken)
    {
        if (!lookup.App.RepositoryPoliciesEnabled)
        {
            return null;
        }

        var location = RepositoryPolicyLocation.For(lookup);
        var key = location.CacheKey(lookup.App.Name);
        if (_cache.TryGet(key, out var cached))
        {
            _metrics?.PolicyCacheLookup(hit: true);
            return cached;
        }

        _metrics?.PolicyCacheLookup(hit: false);

        return await _loads.RunAsync(key, () => LoadAsync(lookup.App, location, key), cancellationToken);
    }

    private async Task<ResolvedPolicy?> LoadAsync(GitHubAppRuntime app, RepositoryPolicyLocation location, string key)
    {
        try
        {
            ResolvedPolicy? policy;
            try
            {
                policy = await ReadAndCompileAsync(app, location);
            }
            catch
            {
                _metrics?.PolicyLoaded("repository", "error");
                throw;
            }

            _metrics?.PolicyLoaded("repository", policy is null ? "not_found" : "loaded");
            _cache.Set(key, policy, policy is null ? Min(_options.NotFoundTtl, _options.CacheTtl) : _options.CacheTtl);
            if (policy is not null)
            {
                _lastGood.Set(key, policy, _options.StaleTtl);
            }

            return policy;
        }
        catch (GitHubRateLimitedException) when (_lastGood.TryGet(key, out var stale))
        {
            LogServingStalePolicy(location.Owner, location.Repository, location.Path);
            return stale;
        }
    }

    private async Task<ResolvedPolicy?> ReadAndCompileAsync(GitHubAppRuntime runtime, RepositoryPolicyLocation location)
    {
        var app = runtime.Credentials;
        // Shared loads are not cancelled by one caller; the client's own timeouts bound them.
        var cancellationToken = CancellationToken.None;
        long installationId;
        try
        {
            installationId = await _github.GetInstallationIdAsync(app, location.Owner, location.Repository, cancellationToken);
        }
        catch (GitHubNotFoundException)
        {
            LogNoInstallation(app.Name, location.Owner);
            return null;
        }

        InstallationToken readToken;
        try
        {
            readToken = await _github.CreateInstallationTokenAsync(app, installationId, ReadContents, [location.Repository], cancellationToken);
        }
        catch (Exception e) when (e is GitHubUnprocessableException or GitHubNotFoundException)
        {
            // The repository does not exist or the installation cannot see it.
            LogPolicyRepositoryNotAccessible(location.Owner, location.Repository);
            return null;
        }

        string? content;
        try
        {
            content = await _github.GetRepositoryFileAsync(
                app, readToken.Token, location.Owner, location.Repository, location.Path, _options.MaxPolicyBytes, cancellationToken);
        }
        finally
        {
            await RevokeQuietlyAsync(app, readToken.Token);
        }

        if (content is null)
        {
            LogPolicyFileNotFound(location.Owner, location.Repository, location.Path);
            return null;
        }

        return Compile(content, location, runtime);
    }

    private ResolvedPolicy? Compile(string content, RepositoryPolicyLocation location, GitHubAppRuntime app)
    {
        var origin = $"repository:{location.Owner}/{location.Repository}/{location.Path}";
        TrustPolicyDefinition definition;
        try
        {
            definition = TrustPolicyYaml.Parse(content);
        }
        catch (PolicyFormatException e)
        {
            LogPolicyInvalid(origin, e.Error.Code.ToString(), e.Error.Field, e.Error.Message);
            return null;
        }

        var target = new ExchangeTarget(location.Owner, location.Kind == PolicyScopeKind.Repository ? location.Repository : null);
        var result = TrustPolicyCompiler.Compile(definition, location.Kind, target);
        var errors = result.Succeeded ? AppGrantRules.Check(result.Policy!, app) : result.Errors;
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                LogPolicyInvalid(origin, error.Code.ToString(), error.Field, error.Message);
            }

            return null;
        }

        if (!_patternBudget.TryAdmit(location.Owner, origin, result.Policy!.HeavyPatternCount, out var ownerHeavy))
        {
            LogPolicyInvalid(
                origin,
                nameof(PolicyErrorCode.PatternBudgetExceeded),
                string.Empty,
                $"the policy files of {location.Owner} would need {ownerHeavy} patterns on the linear-time engine; the limit is {HeavyPatternBudget.PerOwner}");
            return null;
        }

        LogPolicyLoaded(origin);
        return new ResolvedPolicy(result.Policy!, origin);
    }

    private async Task RevokeQuietlyAsync(GitHubAppCredentials app, string token)
    {
        try
        {
            await _github.RevokeInstallationTokenAsync(app, token, CancellationToken.None);
        }
        catch (GitHubApiException e)
        {
            // The read token expires within the hour anyway; a failed revoke must not fail the exchange.
            LogRevokeFailed(e.StatusCode);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
