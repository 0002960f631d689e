using GithubSts.Exchange.Telemetry;

namespace GithubSts.Operator.Runtime;

/// <summary>
/// A work queue with client-go semantics. A key is queued at most once however often it is added; a key being
/// processed (handed out, not yet <see cref="Done"/>) is never handed out again, and if it is re-added meanwhile it is
/// queued again by <see cref="Done"/>. <see cref="AddAfter"/> delays an add (the earliest deadline wins);
/// <see cref="AddRateLimited"/> delays it by the key's exponential backoff, which <see cref="Forget"/> resets.
/// After <see cref="ShutDown"/>, adds are ignored, queued keys are still handed out, then
/// <see cref="TryGetAsync"/> returns false.
/// </summary>
#pragma warning disable CA1711 // The client-go name.
public sealed class WorkQueue<TKey> : IDisposable
#pragma warning restore CA1711
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, DateTimeOffset> _waiting = [];
    private readonly PriorityQueue<TKey, DateTimeOffset> _deadlines = new();
    private readonly LinkedList<TaskCompletionSource<(bool, TKey)>> _getters = new();
    private readonly ITimer _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;
    private bool _shuttingDown;
    private readonly string? _name;
    private readonly Func<long>? _depth;

    /// <param name="name">Names the queue in the <c>workqueue_*</c> metrics; null: not reported.</param>
    public WorkQueue(TimeProvider? time = null, ItemExponentialRateLimiter<TKey>? rateLimiter = null, string? name = null)
    {
        _name = name;
        if (name is not null)
        {
            _depth = () => Count;
            RuntimeMetrics.RegisterQueue(name, _depth);
        }

        _time = time ?? TimeProvider.System;
        RateLimiter = rateLimiter ?? new ItemExponentialRateLimiter<TKey>();
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public ItemExponentialRateLimiter<TKey> RateLimiter { get; }

    /// <summary>Keys waiting to be handed out (not those being processed or waiting for a delay).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys waiting for an <see cref="AddAfter"/> / <see cref="AddRateLimited"/> delay.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            AddLocked(key);
        }
    }

    /// <summary>Adds <paramref name="key"/> after <paramref name="delay"/> (at once when not positive).</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            if (delay <= TimeSpan.Zero)
            {
                AddLocked(key);
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var existing) && existing <= due)
            {
                return;
            }

            _waiting[key] = due;
            _deadlines.Enqueue(key, due);
            ArmTimerLocked();
        }
    }

    /// <summary>Adds <paramref name="key"/> after its next backoff delay (5 ms, 10 ms, … up to the limiter's cap).</summary>
    public void AddRateLimited(TKey key)
    {
        if (_name is not null)
        {
            RuntimeMetrics.QueueRetried(_name);
        }

        AddAfter(key, RateLimiter.When(key));
    }

    /// <summary>Resets the backoff of <paramref name="key"/> (call after it was processed successfully).</summary>
    public void Forget(TKey key) => RateLimiter.Forget(key);

    public int NumRequeues(TKey key) => RateLimiter.NumRequeues(key);

    /// <summary>
    /// The next key, waiting until one is queued; (false, default) once shut down and drained. Call
    /// <see cref="Done"/> with the key when finished with it.
    /// </summary>
    public async ValueTask<(bool Success, TKey Key)> TryGetAsync(CancellationToken ct)
    {
        TaskCompletionSource<(bool, TKey)> getter;
        LinkedListNode<TaskCompletionSource<(bool, TKey)>> node;
        lock (_gate)
        {
            if (_queue.TryDequeue(out var key))
            {
                StartProcessingLocked(key);
                return (true, key);
            }

            if (_shuttingDown)
            {
                return (false, default!);
            }

            ct.ThrowIfCancellationRequested();
            getter = new TaskCompletionSource<(bool, TKey)>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _getters.AddLast(getter);
        }

        await using var registration = ct.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _getters.Remove(node);
                    getter.TrySetCanceled(ct);
                }
            }
        });
        return await getter.Task;
    }

    /// <summary>Marks <paramref name="key"/> as processed; if it was added meanwhile it is queued again.</summary>
    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key))
            {
                HandOutOrQueueLocked(key);
            }
        }
    }

    /// <summary>Ignores further adds and delayed keys; getters drain what is queued, then get false.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            _waiting.Clear();
            _deadlines.Clear();
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timerDue = DateTimeOffset.MaxValue;

            // Getters only wait while the queue is empty.
            foreach (var getter in _getters)
            {
                getter.TrySetResult((false, default!));
            }

            _getters.Clear();
        }
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
    }

    private void AddLocked(TKey key)
    {
        if (_shuttingDown || !_dirty.Add(key))
        {
            return;
        }

        if (_name is not null)
        {
            RuntimeMetrics.QueueAdded(_name);
        }

        if (_processing.Contains(key))
        {
            return;
        }

        HandOutOrQueueLocked(key);
    }

    private void HandOutOrQueueLocked(TKey key)
    {
        while (_getters.First is { } first)
        {
            _getters.RemoveFirst();
            StartProcessingLocked(key);
            if (first.Value.TrySetResult((true, key)))
            {
                return;
            }

            // Unreachable (cancellation removes getters under the lock), but never lose the key.
            _processing.Remove(key);
            _dirty.Add(key);
        }

        _queue.Enqueue(key);
    }

    private void StartProcessingLocked(TKey key)
    {
        _dirty.Remove(key);
        _processing.Add(key);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _timerDue = DateTimeOffset.MaxValue;
            var now = _time.GetUtcNow();
            while (_deadlines.TryPeek(out var key, out var due) && due <= now)
            {
                _deadlines.Dequeue();
                if (_waiting.TryGetValue(key, out var current) && current == due)
                {
                    _waiting.Remove(key);
                    AddLocked(key);
                }
            }

            ArmTimerLocked();
        }
    }

    private void ArmTimerLocked()
    {
        // Drop superseded deadlines (a key re-added with an earlier one) from the top of the heap.
        while (_deadlines.TryPeek(out var key, out var due) && (!_waiting.TryGetValue(key, out var current) || current != due))
        {
            _deadlines.Dequeue();
        }

        if (!_deadlines.TryPeek(out _, out var next) || next >= _timerDue)
        {
            return;
        }

        _timerDue = next;
        var delay = next - _time.GetUtcNow();
        _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
