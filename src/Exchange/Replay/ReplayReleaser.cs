using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Replay;

/// <summary>
/// Releases reservations that could not be released on the request path: a reserve whose reply never came (Redis may
/// still apply it) or a release that failed. Retries with backoff until the store answers or the entry would have
/// expired anyway; when the key was not there yet it checks again after <see cref="ReplayReleaserOptions.SettleDelay"/>,
/// because a command written to a broken connection can still reach Redis after the release did. Compare-and-delete
/// makes every attempt harmless to a later exchange that reserved the same key. The queue is bounded: when it is full
/// the reservation is left to expire (logged), which fails closed.
/// </summary>
public sealed partial class ReplayReleaser : BackgroundService
{
    private readonly IReplayStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ReplayReleaser> _logger;
    private readonly ReplayReleaserOptions _options;
    private readonly Channel<PendingRelease> _queue;
    private int _pending;

    public ReplayReleaser(IReplayStore store, TimeProvider time, ILogger<ReplayReleaser> logger, ReplayReleaserOptions? options = null)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _options = options ?? new ReplayReleaserOptions();
        _queue = Channel.CreateBounded<PendingRelease>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
    }

    /// <summary>Releases scheduled but not yet confirmed (including settle re-checks).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues a release; false when the queue is full (the reservation then expires with the token).</summary>
    public bool Schedule(ReplayReservation reservation, DateTimeOffset expiresAt) =>
        Enqueue(new PendingRelease(reservation, expiresAt, SettleChecksLeft: _options.SettleChecks));

    private bool Enqueue(PendingRelease release)
    {
        Interlocked.Increment(ref _pending);
        if (_queue.Writer.TryWrite(release))
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        LogQueueFull(_options.QueueCapacity);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var release in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await ReleaseAsync(release, stoppingToken);
                Interlocked.Decrement(ref _pending);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is left expires with its token (fail closed).
        }
    }

    private async Task ReleaseAsync(PendingRelease release, CancellationToken stoppingToken)
    {
        var backoff = _options.InitialBackoff;
        for (var attempt = 1; _time.GetUtcNow() < release.ExpiresAt; attempt++)
        {
            ReplayReleaseResult result;
            try
            {
                result = await _store.ReleaseAsync(release.Reservation, stoppingToken);
            }
            catch (ReplayStoreUnavailableException e)
            {
                if (attempt == 1)
                {
                    LogRetrying(e.Message);
                }

                await Task.Delay(backoff, _time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                continue;
            }

            if (result == ReplayReleaseResult.Absent && release.SettleChecksLeft > 0)
            {
                _ = RecheckLaterAsync(release with { SettleChecksLeft = release.SettleChecksLeft - 1 }, stoppingToken);
            }
            else
            {
                LogReleased(result, attempt);
            }

            return;
        }
    }

    private async Task RecheckLaterAsync(PendingRelease release, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _pending);
        try
        {
            await Task.Delay(_options.SettleDelay, _time, stoppingToken);
            Enqueue(release);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning,
        Message = "Replay store unavailable, retrying the release of a reservation in the background: {Problem}")]
    private partial void LogRetrying(string problem);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Background release of a replay reservation finished ({Result}, attempt {Attempt})")]
    private partial void LogReleased(ReplayReleaseResult result, int attempt);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Error,
        Message = "The replay release queue is full ({Capacity}): a reservation is left to expire with its token")]
    private partial void LogQueueFull(int capacity);

    private readonly record struct PendingRelease(ReplayReservation Reservation, DateTimeOffset ExpiresAt, int SettleChecksLeft);
}

/// <summary>Tuning of <see cref="ReplayReleaser"/>; the defaults suit production.</summary>
public sealed class ReplayReleaserOptions
{
    public int QueueCapacity { get; init; } = 10_000;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after a release that found nothing to look again (a late command may still arrive).</summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromSeconds(2);

    public int SettleChecks { get; init; } = 2;
}
