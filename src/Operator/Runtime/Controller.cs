using System.Diagnostics;
using GithubSts.Exchange.Telemetry;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Runtime;

/// <summary>Options of a <see cref="Controller{TKey}"/>.</summary>
public sealed record ControllerOptions
{
    /// <summary>Keys reconciled concurrently (a key is never reconciled twice at the same time).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>First retry delay after a reconcile throws; doubles per consecutive failure of the same key.</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Cap of the retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(1000);
}

/// <summary>
/// A work queue drained by <see cref="ControllerOptions.Workers"/> workers running one reconciler (controller-runtime
/// semantics): success forgets the key's backoff; <see cref="ReconcileResult.RequeueAfter"/> requeues after a delay;
/// an exception requeues with per-item exponential backoff. Feed it with <see cref="Enqueue"/>, typically from
/// informer handlers.
/// </summary>
public sealed partial class Controller<TKey>
    where TKey : notnull
{
    private readonly IReconciler<TKey> _reconciler;
    private readonly ILogger _logger;
    private readonly ControllerOptions _options;

    public Controller(string name, IReconciler<TKey> reconciler, ILogger logger, TimeProvider? time = null, ControllerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Workers, 1);
        Name = name;
        _reconciler = reconciler;
        _logger = logger;
        Queue = new WorkQueue<TKey>(time, new ItemExponentialRateLimiter<TKey>(_options.BaseRetryDelay, _options.MaxRetryDelay), name);
    }

    public string Name { get; }

    public WorkQueue<TKey> Queue { get; }

    /// <summary>Tracks the first reconcile of the keys that existed at start-up (see <see cref="InitialReconcileTracker{TKey}.Expect"/>).</summary>
    public InitialReconcileTracker<TKey> Initial { get; } = new();

    public void Enqueue(TKey key) => Queue.Add(key);

    public void EnqueueAfter(TKey key, TimeSpan delay) => Queue.AddAfter(key, delay);

    /// <summary>Runs the workers until <paramref name="ct"/> is cancelled; then shuts the queue down. Call once.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        LogStarting(Name, _options.Workers);
        await using (ct.Register(Queue.ShutDown))
        {
            var workers = new Task[_options.Workers];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkAsync(ct), CancellationToken.None);
            }

            await Task.WhenAll(workers);
        }

        Queue.Dispose();
        LogStopped(Name);
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (true)
        {
            var (success, key) = await Queue.TryGetAsync(CancellationToken.None);
            var started = Stopwatch.GetTimestamp();
            if (!success)
            {
                return;
            }

            try
            {
                if (ct.IsCancellationRequested)
                {
                    continue;
                }

                started = Stopwatch.GetTimestamp();
                var result = await _reconciler.ReconcileAsync(key, ct);
                Queue.Forget(key);
                if (result.RequeueAfter is { } delay && delay > TimeSpan.Zero)
                {
                    Queue.AddAfter(key, delay);
                    RuntimeMetrics.Reconciled(Name, "requeue_after", Stopwatch.GetElapsedTime(started));
                }
                else
                {
                    RuntimeMetrics.Reconciled(Name, "success", Stopwatch.GetElapsedTime(started));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down.
            }
#pragma warning disable CA1031 // Any reconcile failure means "retry later", never "stop the controller".
            catch (Exception ex)
#pragma warning restore CA1031
            {
                RuntimeMetrics.Reconciled(Name, "error", Stopwatch.GetElapsedTime(started));
                var retries = Queue.NumRequeues(key);
                Queue.AddRateLimited(key);
                LogReconcileFailed(ex, Name, key.ToString(), retries + 1);
            }
            finally
            {
                Queue.Done(key);
                Initial.Attempted(key);
            }
        }
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Controller {Controller} starting {Workers} workers")]
    private partial void LogStarting(string controller, int workers);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Controller {Controller}: reconciling {Key} failed (attempt {Attempt}); retrying with backoff")]
    private partial void LogReconcileFailed(Exception exception, string controller, string? key, int attempt);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "Controller {Controller} stopped")]
    private partial void LogStopped(string controller);
}
