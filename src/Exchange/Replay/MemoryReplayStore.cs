namespace GithubSts.Exchange.Replay;

/// <summary>
/// An in-process replay store for a single replica. Bounded: expired entries are evicted first, and when the store is
/// full of live entries a reserve fails closed rather than forgetting a token that could then be replayed. A release
/// removes an entry only for the holder that made it, as the Redis store does.
/// </summary>
public sealed class MemoryReplayStore(TimeProvider time, int maxEntries = 100_000) : IReplayStore
{
    private readonly Dictionary<string, (DateTimeOffset Until, string Holder)> _entries = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _expiries = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask<bool> TryReserveAsync(ReplayReservation reservation, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var (key, holder) = reservation;
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(holder);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Until > now)
            {
                return ValueTask.FromResult(false);
            }

            EvictExpired(now);
            if (_entries.Count >= maxEntries)
            {
                throw new ReplayStoreUnavailableException($"the memory replay store is full ({maxEntries} live entries)");
            }

            var until = now + ttl;
            _entries[key] = (until, holder);
            _expiries.Enqueue(key, until);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<ReplayReleaseResult> ReleaseAsync(ReplayReservation reservation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(reservation.Key, out var entry) || entry.Until <= now)
            {
                return ValueTask.FromResult(ReplayReleaseResult.Absent);
            }

            if (!string.Equals(entry.Holder, reservation.Holder, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(ReplayReleaseResult.HeldByAnother);
            }

            _entries.Remove(reservation.Key);
            return ValueTask.FromResult(ReplayReleaseResult.Released);
        }
    }

    private void EvictExpired(DateTimeOffset now)
    {
        while (_expiries.TryPeek(out var key, out var until) && until <= now)
        {
            _expiries.Dequeue();
            if (_entries.TryGetValue(key, out var current) && current.Until <= now)
            {
                _entries.Remove(key);
            }
        }

        // Released or re-reserved keys leave stale queue items; rebuild when the queue grows far beyond the map.
        if (_expiries.Count > 2 * Math.Max(_entries.Count, 1024))
        {
            _expiries.Clear();
            foreach (var (key, entry) in _entries)
            {
                _expiries.Enqueue(key, entry.Until);
            }
        }
    }
}
