namespace GithubSts.Operator.Runtime;

/// <summary>
/// Completes once every key present at start-up has been reconciled at least once (successfully or not), so readiness
/// can wait until the index reflects what the cluster already holds instead of answering 403 for existing policies.
/// </summary>
public sealed class InitialReconcileTracker<TKey>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<TKey>? _pending;

    public bool IsCompleted => _completed.Task.IsCompleted;

    public Task Completion => _completed.Task;

    /// <summary>The keys to wait for. Call before the first reconcile can run; later calls are ignored.</summary>
    public void Expect(IEnumerable<TKey> keys)
    {
        lock (_gate)
        {
            if (_pending is not null || IsCompleted)
            {
                return;
            }

            _pending = [.. keys];
            if (_pending.Count == 0)
            {
                _completed.TrySetResult();
            }
        }
    }

    /// <summary>Called after each reconcile attempt.</summary>
    public void Attempted(TKey key)
    {
        if (IsCompleted)
        {
            return; // every reconcile calls this; after start-up it costs nothing
        }

        lock (_gate)
        {
            if (_pending is { } pending && pending.Remove(key) && pending.Count == 0)
            {
                _pending = [];
                _completed.TrySetResult();
            }
        }
    }
}
