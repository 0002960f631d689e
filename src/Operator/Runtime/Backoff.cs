namespace GithubSts.Operator.Runtime;

/// <summary>
/// Exponential backoff with jitter that resets after a quiet period (client-go reflector defaults: 800 ms doubling to
/// 30 s, jitter 1.0, reset after 2 minutes without failures).
/// </summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max, TimeSpan resetAfter, double jitter, TimeProvider time)
{
    private TimeSpan _current = TimeSpan.Zero;
    private long _lastFailure;

    /// <summary>Registers a failure and returns the delay to wait before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        if (_current == TimeSpan.Zero || time.GetElapsedTime(_lastFailure) > resetAfter)
        {
            _current = initial;
        }
        else
        {
            _current = TimeSpan.FromTicks(Math.Min(_current.Ticks * 2, max.Ticks));
        }

        _lastFailure = time.GetTimestamp();
        var jittered = _current + TimeSpan.FromTicks((long)(_current.Ticks * jitter * Random.Shared.NextDouble()));
        return jittered < max ? jittered : max;
    }
}
