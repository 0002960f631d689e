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
/// <remarks>
/// What a caller can make this source spend is bounded before GitHub is asked anything: a token whose audience no
/// repository-hosted policy may accept is turned away; the policy directory is listed once per cache TTL for every
/// identity at once, so an identity without a file costs nothing; each owner has a budget of loads; and loads stop
/// while the App's remaining rate limit is down to the reserve kept for mints.
/// </remarks>
public sealed partial class RepositoryPolicySource : IPolicySource
{
    public const int DefaultOrder = 200;

    private readonly GitHubApiClient _github;
    private readonly RepositoryPolicySourceOptions _options;
    private readonly ILogger<RepositoryPolicySource> _logger;
    private readonly ExpiringCache<string, ResolvedPolicy?> _cache;
    private readonly ExpiringCache<string, ResolvedPolicy> _lastGood;
    private readonly ExpiringCache<string, PolicyDirectory> _directories;
    private readonly SingleFlight<string, ResolvedPolicy?> _loads = new();
    private readonly SingleFlight<string, PolicyDirectory> _directoryLoads = new();
    private readonly OwnerReadBudget _budget;
    private readonly OwnerReadBudget _unknownOwnerBudget;
    private readonly RepositoryAudienceRule _audiences;
    private readonly GithubStsMetrics? _metrics;
    private readonly OwnerPatternBudget _patternBudget;

    public RepositoryPolicySource(
        GitHubApiClient github, RepositoryPolicySourceOptions options, TimeProvider time, ILogger<RepositoryPolicySource> logger,
        GithubStsMetrics? metrics = null)
    {
        _metrics = metrics;
        _github = github;
        _options = options;
        _logger = logger;
        _cache = new(options.MaxEntries, time);
        _lastGood = new(options.MaxEntries, time);
        _patternBudget = new(time, options.CacheTtl + options.StaleGrace);
        _directories = new(options.MaxEntries, time);
        _budget = new(options.OwnerReadsPerMinute, time);
        _unknownOwnerBudget = new(options.UnknownOwnerLookupsPerMinute, time);
        _audiences = new(options.RepositoryAudiences, options.ServiceIdentifier, options.StsAudiences, options.IssuerAudiences);
    }

    public int Order => DefaultOrder;

    public async ValueTask<ResolvedPolicy?> FindAsync(PolicyLookup lookup, CancellationToken cancellationToken)
    {
        if (!lookup.App.RepositoryPoliciesEnabled)
        {
            return null;
        }

        // Known without GitHub: no repository-hosted policy can accept this token, so none is read for it.
        if (!_audiences.CouldAccept(lookup.Issuer, lookup.Audiences))
        {
            LogAudienceNotForRepositoryPolicies(lookup.App.Name);
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
        // A push that invalidates while this load reads must not be undone by the load caching what it read before.
        var generation = CurrentGeneration;
        try
        {
            var policy = await ReadAsync(app, location, generation);
            _metrics?.PolicyLoaded("repository", policy is null ? "not_found" : "loaded");
            if (policy is null)
            {
                // Deleted, unlisted or invalid: GitHub answered, so the old copy must not grant again.
                _lastGood.Remove(key);
                return null;
            }

            if (!IsCurrent(generation))
            {
                return policy;
            }

            _cache.Set(key, policy, _options.CacheTtl);
            if (_options.StaleGrace > TimeSpan.Zero)
            {
                _lastGood.Set(key, policy, _options.CacheTtl + _options.StaleGrace);
            }

            return policy;
        }
        catch (Exception e) when (IsTransient(e))
        {
            _metrics?.PolicyLoaded("repository", "error");
            if (_lastGood.TryGet(key, out var stale))
            {
                LogServingStalePolicy(location.Owner, location.Repository, location.Path, Describe(e));
                return stale;
            }

            throw;
        }
        catch
        {
            _metrics?.PolicyLoaded("repository", "error");
            _lastGood.Remove(key);
            throw;
        }
    }

    /// <summary>The policy, or null when GitHub says there is none (no installation, no repository, no file, invalid file).</summary>
    private async Task<ResolvedPolicy?> ReadAsync(GitHubAppRuntime runtime, RepositoryPolicyLocation location, long generation)
    {
        var app = runtime.Credentials;
        await using var session = new PolicyReadSession(this, app, location);
        var directory = await GetDirectoryAsync(session, location, app.Name, generation);
        if (directory.Listing is not { } listing || !listing.MayContain(location.EntryName, location.EntryIsFile))
        {
            LogPolicyFileNotFound(location.Owner, location.Repository, location.Path);
            return null;
        }

        var content = await session.ReadFileAsync(_options.MaxPolicyBytes);
        if (content is null)
        {
            // Listed but gone (or never readable): remember briefly, this costs a real read each time.
            SetIfCurrent(_cache, generation, CacheKeyOf(app, location), null, Min(_options.NotFoundTtl, _options.CacheTtl));
            LogPolicyFileNotFound(location.Owner, location.Repository, location.Path);
            return null;
        }

        var policy = Compile(content, location, runtime);
        if (policy is null)
        {
            SetIfCurrent(_cache, generation, CacheKeyOf(app, location), null, Min(_options.NotFoundTtl, _options.CacheTtl));
        }

        return policy;
    }

    /// <summary>The listing of the policy directory, shared by every identity (positive and negative, one directory TTL).</summary>
    private async Task<PolicyDirectory> GetDirectoryAsync(
        PolicyReadSession session, RepositoryPolicyLocation location, string appName, long generation)
    {
        var key = location.DirectoryCacheKey(appName);
        if (_directories.TryGet(key, out var cached))
        {
            return cached;
        }

        return await _directoryLoads.RunAsync(key, async () =>
        {
            var directory = await session.ListDirectoryAsync();
            // Never cached longer than the policies themselves: cacheTtlSeconds 0 turns all caching off.
            SetIfCurrent(_directories, generation, key, directory, Min(_options.DirectoryCacheTtl, _options.CacheTtl));
            return directory;
        }, CancellationToken.None);
    }

    /// <summary>Whether to spend a GitHub read now; throws, having sent nothing, when the reserve or the owner's budget forbids it.</summary>
    private void AdmitRead(GitHubAppCredentials app, string owner)
    {
        if (_options.RateLimitReserve > 0 && _github.GetRateLimitRemaining(app) is { } remaining && remaining < _options.RateLimitReserve)
        {
            LogPolicyReadRefused(app.Name, owner, PolicyReadRefusedException.RateLimitReserve);
            throw new PolicyReadRefusedException(
                PolicyReadRefusedException.RateLimitReserve, TimeSpan.FromSeconds(60),
                $"GitHub App rate limit is down to {remaining}, below the reserve of {_options.RateLimitReserve} kept for mints");
        }

        // The per-owner budget cannot stop a caller who varies the owner: each owner whose installation is not cached
        // costs an App-JWT lookup, so those share one budget for the whole service.
        if (!_github.IsInstallationCached(app, owner) && !_unknownOwnerBudget.TryTake(string.Empty, string.Empty, out var unknownRetryAfter))
        {
            LogPolicyReadRefused(app.Name, owner, PolicyReadRefusedException.UnknownOwnerBudgetExhausted);
            throw new PolicyReadRefusedException(
                PolicyReadRefusedException.UnknownOwnerBudgetExhausted, unknownRetryAfter,
                $"the installation lookup budget of {_options.UnknownOwnerLookupsPerMinute}/min for owners not yet known is spent");
        }

        if (!_budget.TryTake(app.Name, owner, out var retryAfter))
        {
            LogPolicyReadRefused(app.Name, owner, PolicyReadRefusedException.OwnerBudgetExhausted);
            throw new PolicyReadRefusedException(
                PolicyReadRefusedException.OwnerBudgetExhausted, retryAfter,
                $"the policy read budget of {_options.OwnerReadsPerMinute}/min for owner {owner} is spent");
        }
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

        if (_audiences.Check(definition) is { } audienceError)
        {
            LogPolicyInvalid(origin, audienceError.Code.ToString(), audienceError.Field, audienceError.Message);
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
        return new ResolvedPolicy(_audiences.Apply(result.Policy!), origin);
    }

    /// <summary>GitHub could not be asked or did not answer: the file's fate is unknown, not "gone".</summary>
    private static bool IsTransient(Exception e) =>
        e is GitHubRateLimitedException or GitHubUnavailableException or PolicyReadRefusedException;

    private static string Describe(Exception e) => e switch
    {
        PolicyReadRefusedException refused => refused.ReasonCode,
        GitHubRateLimitedException => "rate limited",
        _ => "unavailable",
    };

    private static string CacheKeyOf(GitHubAppCredentials app, RepositoryPolicyLocation location) => location.CacheKey(app.Name);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>What a policy directory listing said: null when there is no such directory the App can read.</summary>
    private sealed record PolicyDirectory(RepositoryDirectoryListing? Listing);
}
