using System.Collections.Concurrent;

namespace GithubSts.Exchange.Caching;

/// <summary>
/// A thread-safe cache whose entries expire, bounded in size: when full, expired entries go first, then the entries
/// closest to expiry. Reads never lock.
/// </summary>
public sealed class ExpiringCache<TKey, TValue>(int capacity, TimeProvider time)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly Lock _trimLock = new();

    public int Count => _entries.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value, TimeSpan timeToLive)
    {
        if (timeToLive <= TimeSpan.Zero)
        {
            _entries.TryRemove(key, out _);
            return;
        }

        _entries[key] = new Entry(value, time.GetUtcNow() + timeToLive);
        if (_entries.Count > capacity)
        {
            Trim();
        }
    }

    /// <returns>Whether a live or expired entry was there.</returns>
    public bool Remove(TKey key) => _entries.TryRemove(key, out _);

    /// <summary>Removes every entry whose key matches; a scan of the whole cache, for rare events (a webhook).</summary>
    /// <returns>How many entries were removed.</returns>
    public int RemoveWhere(Func<TKey, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var removed = 0;
        foreach (var key in _entries.Keys)
        {
            if (match(key) && _entries.TryRemove(key, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    private void Trim()
    {
        lock (_trimLock)
        {
            if (_entries.Count <= capacity)
            {
                return;
            }

            var now = time.GetUtcNow();
            foreach (var (key, entry) in _entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    _entries.TryRemove(key, out _);
                }
            }

            // Still full of live entries: drop the tenth that expires soonest, so trimming is rare.
            var excess = _entries.Count - capacity;
            if (excess > 0)
            {
                foreach (var (key, _) in _entries.OrderBy(e => e.Value.ExpiresAt).Take(excess + (capacity / 10)))
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    private readonly record struct Entry(TValue Value, DateTimeOffset ExpiresAt);
}
