namespace GithubSts.Operator.Runtime;

/// <summary>Per-item exponential backoff: <c>base × 2^(failures-1)</c>, capped (client-go <c>ItemExponentialFailureRateLimiter</c>).</summary>
public sealed class ItemExponentialRateLimiter<TKey>(TimeSpan baseDelay, TimeSpan maxDelay)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, int> _failures = [];

    /// <summary>The controller-runtime default: 5 ms doubling to 1000 s.</summary>
    public ItemExponentialRateLimiter()
        : this(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000))
    {
    }

    public TimeSpan BaseDelay => baseDelay;

    public TimeSpan MaxDelay => maxDelay;

    /// <summary>Counts one more failure of <paramref name="key"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan When(TKey key)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }

        // 2^failures overflows double only far beyond any cap; clamp the exponent anyway.
        var delay = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 62));
        return delay >= maxDelay.TotalMilliseconds ? maxDelay : TimeSpan.FromMilliseconds(delay);
    }

    public int NumRequeues(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }
}
