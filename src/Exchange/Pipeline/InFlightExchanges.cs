using Microsoft.Extensions.Hosting;

namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// Counts exchanges in flight and gives each a cancellation token that does not follow its caller: a mint that started
/// completes, is audited, and its token is revoked if it cannot be delivered. Bounded twice: each exchange by
/// <see cref="MaxExchangeDuration"/>, and on shutdown the host waits up to <see cref="DrainTimeout"/> for the count
/// to reach zero before cancelling what is left (readiness already reports "shutting down").
/// </summary>
public sealed class InFlightExchanges(TimeProvider time) : IHostedService, IDisposable
{
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(45);

    public static readonly TimeSpan MaxExchangeDuration = TimeSpan.FromSeconds(45);

    private readonly CancellationTokenSource _abandon = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource? _idle;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Starts tracking one exchange; dispose the lease when it has finished (delivered, revoked or failed).</summary>
    public Lease Begin()
    {
        Interlocked.Increment(ref _count);
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_abandon.Token);
        cancellation.CancelAfter(MaxExchangeDuration);
        return new Lease(this, cancellation);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task idle;
        lock (_lock)
        {
            _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        if (Count == 0)
        {
            _idle.TrySetResult();
        }

        try
        {
            await idle.WaitAsync(DrainTimeout, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Out of time: what is still running is cancelled (its reservation released, its failure audited).
        }

        await _abandon.CancelAsync();
    }

    public void Dispose() => _abandon.Dispose();

    private void End()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            lock (_lock)
            {
                _idle?.TrySetResult();
            }
        }
    }

    public readonly struct Lease : IDisposable
    {
        private readonly InFlightExchanges _owner;
        private readonly CancellationTokenSource _cancellation;

        internal Lease(InFlightExchanges owner, CancellationTokenSource cancellation)
        {
            _owner = owner;
            _cancellation = cancellation;
        }

        /// <summary>Cancelled only by the per-exchange bound or by a shutdown that ran out of drain time.</summary>
        public CancellationToken Token => _cancellation.Token;

        public void Dispose()
        {
            _cancellation.Dispose();
            _owner.End();
        }
    }
}
