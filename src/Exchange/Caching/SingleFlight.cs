using System.Collections.Concurrent;

namespace GithubSts.Exchange.Caching;

/// <summary>
/// Coalesces concurrent loads of the same key into one (500 cold requests for a policy make one GitHub read).
/// The shared load is not tied to any one caller's cancellation; each caller stops waiting on its own token.
/// </summary>
public sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _inFlight = new();

    public Task<TValue> RunAsync(TKey key, Func<Task<TValue>> load, CancellationToken cancellationToken)
    {
        var lazy = _inFlight.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => RunAndForget(k, load)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    private async Task<TValue> RunAndForget(TKey key, Func<Task<TValue>> load)
    {
        try
        {
            return await load();
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }
}
