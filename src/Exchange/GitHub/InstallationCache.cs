using System.Collections.Concurrent;

namespace GithubSts.Exchange.GitHub;

/// <summary>One App's owner → installation id map, with a negative entry for "not installed" and a size cap.</summary>
/// <remarks>Concurrent cold lookups for one owner share a single GitHub round trip.</remarks>
internal sealed class InstallationCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<long?>> _inFlight = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>True when a live entry exists; <paramref name="installationId"/> is null for a cached "not installed".</summary>
    public bool TryGet(string ownerKey, DateTimeOffset now, out long? installationId)
    {
        if (_entries.TryGetValue(ownerKey, out var entry) && entry.ExpiresAt > now)
        {
            installationId = entry.InstallationId;
            return true;
        }

        installationId = null;
        return false;
    }

    public void Set(string ownerKey, long? installationId, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(ownerKey))
        {
            MakeRoom(now);
        }

        _entries[ownerKey] = new Entry(installationId, expiresAt);
    }

    public void Remove(string ownerKey) => _entries.TryRemove(ownerKey, out _);

    /// <summary>Drops every owner mapped to an installation GitHub no longer knows (uninstalled, suspended).</summary>
    public void RemoveInstallation(long installationId)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.InstallationId == installationId)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    /// <summary>Joins the lookup already running for this owner, or starts one.</summary>
    public Task<long?> JoinOrStartLookup(string ownerKey, Func<Task<long?>> lookup)
    {
        while (true)
        {
            if (_inFlight.TryGetValue(ownerKey, out var running))
            {
                return running;
            }

            var completion = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(ownerKey, completion.Task))
            {
                _ = RunLookupAsync(ownerKey, lookup, completion);
                return completion.Task;
            }
        }
    }

    private async Task RunLookupAsync(string ownerKey, Func<Task<long?>> lookup, TaskCompletionSource<long?> completion)
    {
        try
        {
            var result = await lookup();
            _inFlight.TryRemove(ownerKey, out _);
            completion.SetResult(result);
        }
#pragma warning disable CA1031 // Every failure is handed to the waiting callers, who classify it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _inFlight.TryRemove(ownerKey, out _);
            completion.SetException(ex);
        }
    }

    // Expired entries go first; if that is not enough, the tenth closest to expiry is dropped.
    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        if (_entries.Count < capacity)
        {
            return;
        }

        var victims = _entries.OrderBy(static pair => pair.Value.ExpiresAt).Take(Math.Max(1, capacity / 10)).ToList();
        foreach (var victim in victims)
        {
            _entries.TryRemove(victim);
        }
    }

    private sealed record Entry(long? InstallationId, DateTimeOffset ExpiresAt);
}
