using System.Collections.Concurrent;

namespace GithubSts.Exchange.PolicySources;

/// <summary>
/// A token bucket per (App, owner) bounding how many policy loads may reach GitHub: each owner may start at most
/// <c>readsPerMinute</c> loads in a burst and then <c>readsPerMinute</c> per minute, so no caller can spend an owner's
/// (or the App's) quota on policy reads however many identities, repositories or tokens it tries.
/// </summary>
internal sealed class OwnerReadBudget
{
    private const int PruneThreshold = 4096;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly double _capacity;
    private readonly double _perSecond;
    private readonly TimeProvider _time;

    public OwnerReadBudget(int readsPerMinute, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readsPerMinute);
        _capacity = readsPerMinute;
        _perSecond = readsPerMinute / 60.0;
        _time = time;
    }

    /// <summary>Takes one read; when none is left, returns false and how long until the next one is available.</summary>
    public bool TryTake(string appName, string owner, out TimeSpan retryAfter)
    {
        var now = _time.GetUtcNow();
        var key = string.Concat(appName, "\n", owner.ToLowerInvariant());
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(_capacity, now));
        bool taken;
        lock (bucket)
        {
            Refill(bucket, now);
            taken = bucket.Tokens >= 1;
            if (taken)
            {
                bucket.Tokens -= 1;
            }

            retryAfter = taken ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Ceiling((1 - bucket.Tokens) / _perSecond));
        }

        if (_buckets.Count > PruneThreshold)
        {
            PruneFull(now);
        }

        return taken;
    }

    private void Refill(Bucket bucket, DateTimeOffset now)
    {
        var elapsed = (now - bucket.Updated).TotalSeconds;
        if (elapsed > 0)
        {
            bucket.Tokens = Math.Min(_capacity, bucket.Tokens + (elapsed * _perSecond));
            bucket.Updated = now;
        }
    }

    // A full bucket holds no information: forgetting it is the same as keeping it.
    private void PruneFull(DateTimeOffset now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                Refill(bucket, now);
                if (bucket.Tokens >= _capacity)
                {
                    _buckets.TryRemove(KeyValuePair.Create(key, bucket));
                }
            }
        }
    }

    private sealed class Bucket(double tokens, DateTimeOffset updated)
    {
        public double Tokens { get; set; } = tokens;

        public DateTimeOffset Updated { get; set; } = updated;
    }
}
