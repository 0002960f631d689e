using System.Runtime.CompilerServices;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>Finding the installation of an App on an owner (organization or user).</summary>
public sealed partial class GitHubApiClient
{
    private readonly ConditionalWeakTable<GitHubAppCredentials, InstallationCache> _installations = new();

    /// <summary>
    /// The App's installation id for <paramref name="owner"/>: tries the repository (when given), then the organization,
    /// then the user. Results are cached per owner, including "not installed" for a shorter time.
    /// </summary>
    /// <exception cref="GitHubNotFoundException">The App is not installed on the owner (or cannot see the repository).</exception>
    public async Task<long> GetInstallationIdAsync(GitHubAppCredentials app, string owner, string? repository, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        GitHubNames.ValidateOwner(owner);
        if (repository is not null)
        {
            GitHubNames.ValidateRepository(repository);
        }

        var cache = InstallationsOf(app);
        var key = GitHubNames.CacheKey(owner);
        if (!cache.TryGet(key, _time.GetUtcNow(), out var installationId))
        {
            // Shared by concurrent callers, so it must not die with one caller's token; each caller still stops waiting on its own.
            installationId = await cache
                .JoinOrStartLookup(key, () => LookUpAndCacheAsync(app, cache, key, owner, repository))
                .WaitAsync(ct);
        }

        return installationId ?? throw new GitHubNotFoundException("The GitHub App is not installed on the requested owner.");
    }

    /// <summary>Whether the installation (or "not installed") of the owner is cached: looking it up costs no GitHub call.</summary>
    public bool IsInstallationCached(GitHubAppCredentials app, string owner)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(owner);
        return InstallationsOf(app).TryGet(GitHubNames.CacheKey(owner), _time.GetUtcNow(), out _);
    }

    /// <summary>Drops the cached installation (or "not installed") for the owner, e.g. after GitHub said it is gone.</summary>
    public void ForgetInstallation(GitHubAppCredentials app, string owner)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(owner);
        InstallationsOf(app).Remove(GitHubNames.CacheKey(owner));
    }

    private InstallationCache InstallationsOf(GitHubAppCredentials app) =>
        _installations.GetValue(app, _ => new InstallationCache(_options.InstallationCacheCapacity));

    private async Task<long?> LookUpAndCacheAsync(
        GitHubAppCredentials app, InstallationCache cache, string key, string owner, string? repository)
    {
        var installationId = await WithTimeoutAsync("installation lookup", async token =>
        {
            var escapedOwner = Uri.EscapeDataString(owner);
            if (repository is not null
                && await TryGetInstallationAsync(app, owner, $"repos/{escapedOwner}/{Uri.EscapeDataString(repository)}/installation", token) is { } byRepository)
            {
                return byRepository;
            }

            return await TryGetInstallationAsync(app, owner, $"orgs/{escapedOwner}/installation", token)
                ?? await TryGetInstallationAsync(app, owner, $"users/{escapedOwner}/installation", token);
        }, CancellationToken.None);

        var now = _time.GetUtcNow();
        var ttl = installationId is null ? _options.InstallationNotFoundTtl : _options.InstallationCacheTtl;
        cache.Set(key, installationId, now + ttl, now);
        LogInstallationResolved(app.Name, owner, installationId);
        return installationId;
    }

    /// <summary>The installation id at this endpoint, or null on 404.</summary>
    private async Task<long?> TryGetInstallationAsync(GitHubAppCredentials app, string owner, string relativePath, CancellationToken ct)
    {
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Get,
            Uri = BuildUri(app, relativePath),
            Operation = "installation lookup",
            Idempotent = true,
            RateLimitBucket = RateLimitTracker.AppBucket,
        };

        JsonDocument document;
        try
        {
            document = await SendForJsonAsync(request, ct);
        }
        catch (GitHubNotFoundException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            // The account must be the owner we asked about; anything else is not an answer we can trust.
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("id", out var id) && id.TryGetInt64(out var installationId) && installationId > 0
                && root.TryGetProperty("account", out var account) && account.ValueKind == JsonValueKind.Object
                && account.TryGetProperty("login", out var login) && login.ValueKind == JsonValueKind.String
                && string.Equals(login.GetString(), owner, StringComparison.OrdinalIgnoreCase))
            {
                return installationId;
            }

            LogMalformedResponse(request.Operation, "missing id or unexpected account");
            throw Malformed(request);
        }
    }
}
