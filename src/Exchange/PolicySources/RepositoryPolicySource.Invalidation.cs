using GithubSts.Exchange.Caching;

namespace GithubSts.Exchange.PolicySources;

/// <summary>
/// Dropping cached policies when a push says they changed: the compiled policy or "not found" of each file, its
/// last-good copy (the branch no longer holds it, so it must not bridge a failed read either) and the listing of its
/// directory (a new file must be seen at once). Loads that were reading meanwhile do not cache what they read.
/// </summary>
public sealed partial class RepositoryPolicySource
{
    private long _generation;

    private long CurrentGeneration => Interlocked.Read(ref _generation);

    /// <summary>Drops what is cached for one policy file of one App.</summary>
    /// <param name="directory">The file's policy directory, whose listing is dropped too.</param>
    public void Invalidate(string appName, string owner, string repository, string path, string directory)
    {
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(directory);
        Interlocked.Increment(ref _generation);
        // The same keys the reads use (the kind and entry do not take part in them).
        var location = new RepositoryPolicyLocation(owner, repository, path, Policies.PolicyScopeKind.Repository, directory, string.Empty, true);
        var key = location.CacheKey(appName);
        _cache.Remove(key);
        _lastGood.Remove(key);
        _directories.Remove(location.DirectoryCacheKey(appName));
    }

    /// <summary>Drops everything cached for one repository of one App (a push whose changed files are not all known).</summary>
    public void InvalidateRepository(string appName, string owner, string repository)
    {
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(repository);
        Interlocked.Increment(ref _generation);
        var prefix = string.Concat(appName, "\n", owner.ToLowerInvariant(), "\n", repository.ToLowerInvariant(), "\n");
        bool InRepository(string key) => key.StartsWith(prefix, StringComparison.Ordinal);
        _cache.RemoveWhere(InRepository);
        _lastGood.RemoveWhere(InRepository);
        _directories.RemoveWhere(InRepository);
    }

    private bool IsCurrent(long generation) => CurrentGeneration == generation;

    private void SetIfCurrent<T>(ExpiringCache<string, T> cache, long generation, string key, T value, TimeSpan ttl)
    {
        if (IsCurrent(generation))
        {
            cache.Set(key, value, ttl);
        }
    }
}
