using GithubSts.Exchange.Telemetry;
using GithubSts.Operator.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Runtime;

/// <summary>
/// Leader election on a <c>coordination.k8s.io/v1</c> Lease (client-go <c>tools/leaderelection</c>):
/// <list type="bullet">
/// <item>a lease held by someone else is honoured until <c>leaseDurationSeconds</c> after this process last saw it
/// change (local clock only, so clock skew does not matter);</item>
/// <item>every write is a PUT carrying the observed resourceVersion: a 409 means another candidate won;</item>
/// <item>the leader renews every RetryPeriod and steps down (<see cref="StoppedLeading"/>) when it could not renew for
/// RenewDeadline, then competes again; it never exits the process;</item>
/// <item>on graceful stop the leader releases the lease (empty holder, 1 s duration) so a successor takes over at once.</item>
/// </list>
/// Why our own elector and not the library's <c>k8s.LeaderElection.LeaderElector</c>: that one does not release the Lease
/// on cancellation, so every rollout would wait a full lease duration (15 s) for failover.
/// The Lease model and its API calls are the library's (<see cref="V1Lease"/>, <c>CoordinationV1</c>) through
/// <see cref="KubernetesApiClient.CallAsync{T}"/>, which keeps our deadline, 429 and typed-exception contract.
/// </summary>
public sealed partial class LeaderElector
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);

    private readonly KubernetesApiClient _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private V1Lease? _observed;
    private long _observedAt;
    private volatile bool _isLeader;
    private volatile string? _currentLeader;
    private int _running;

    public LeaderElector(KubernetesApiClient client, LeaderElectionOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _client = client;
        _options = options;
        _logger = logger;
        _time = time;
        RuntimeMetrics.LeaderStatusChanged(options.LeaseName, leading: false);
    }

    private enum Attempt
    {
        Acquired,
        HeldByOther,
        Failed,
    }

    /// <summary>True between <see cref="StartedLeading"/> and <see cref="StoppedLeading"/>.</summary>
    public bool IsLeader => _isLeader;

    public string Identity => _options.Identity;

    /// <summary>The holder last seen on the Lease (null when unknown or released).</summary>
    public string? CurrentLeader => _currentLeader;

    /// <summary>Raised (on the election loop) when this process becomes leader.</summary>
    public event Action? StartedLeading;

    /// <summary>Raised when this process stops being leader: lost renewal, or stop. Leader-only work must stop now.</summary>
    public event Action? StoppedLeading;

    /// <summary>Raised when the observed holder changes (including to this process).</summary>
    public event Action<string>? NewLeader;

    /// <summary>Competes for, holds and (on cancellation) releases the lease. Completes without throwing when cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The leader elector is already running.");
        }

        try
        {
            while (!ct.IsCancellationRequested)
            {
                while (await TryAcquireOrRenewAsync(ct) != Attempt.Acquired)
                {
                    await Task.Delay(Jittered(_options.RetryPeriod), _time, ct);
                }

                SetLeader(true);
                await RenewWhileLeadingAsync(ct);
                if (!ct.IsCancellationRequested)
                {
                    LogLost(_options.Identity, _options.Namespace, _options.LeaseName);
                    SetLeader(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (_isLeader)
            {
                if (_options.ReleaseOnCancel)
                {
                    await ReleaseAsync();
                }

                SetLeader(false);
            }
        }
    }

    /// <summary>Renews every RetryPeriod; returns when a renewal round failed for RenewDeadline or someone else holds the lease.</summary>
    private async Task RenewWhileLeadingAsync(CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(_options.RetryPeriod, _time, ct);
            var roundStarted = _time.GetTimestamp();
            while (true)
            {
                var remaining = _options.RenewDeadline - _time.GetElapsedTime(roundStarted);
                if (remaining <= TimeSpan.Zero)
                {
                    return;
                }

                Attempt attempt;
                using (var deadline = new CancellationTokenSource(remaining, _time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token))
                {
                    try
                    {
                        attempt = await TryAcquireOrRenewAsync(linked.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        attempt = Attempt.Failed;
                    }
                }

                if (attempt == Attempt.Acquired)
                {
                    break;
                }

                if (attempt == Attempt.HeldByOther || _time.GetElapsedTime(roundStarted) + _options.RetryPeriod >= _options.RenewDeadline)
                {
                    return;
                }

                await Task.Delay(_options.RetryPeriod, _time, ct);
            }
        }
    }

    private async Task<Attempt> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = Now();
        var durationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        try
        {
            // Fast path: renew what we hold with the resourceVersion we last wrote.
            if (_isLeader && _observed is { } held && ObservedIsValid())
            {
                try
                {
                    held.Spec = new V1LeaseSpec
                    {
                        HolderIdentity = _options.Identity,
                        LeaseDurationSeconds = durationSeconds,
                        AcquireTime = held.Spec?.AcquireTime ?? now,
                        RenewTime = now,
                        LeaseTransitions = held.Spec?.LeaseTransitions ?? 0,
                    };
                    Observe(await ReplaceAsync(held, ct));
                    return Attempt.Acquired;
                }
                catch (KubernetesApiException ex) when (ex is not KubernetesUnavailableException)
                {
                    // E.g. a 409 after someone else wrote: re-read below.
                    _observed = null;
                    LogRenewFastPathFailed(ex.StatusCode);
                }
            }

            V1Lease current;
            try
            {
                current = await _client.CallAsync(
                    "read lease",
                    (k, t) => k.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _options.Namespace, cancellationToken: t),
                    ct);
            }
            catch (KubernetesNotFoundException)
            {
                var lease = new V1Lease
                {
                    ApiVersion = $"{V1Lease.KubeGroup}/{V1Lease.KubeApiVersion}",
                    Kind = V1Lease.KubeKind,
                    Metadata = new V1ObjectMeta { Name = _options.LeaseName, NamespaceProperty = _options.Namespace },
                    Spec = new V1LeaseSpec
                    {
                        HolderIdentity = _options.Identity,
                        LeaseDurationSeconds = durationSeconds,
                        AcquireTime = now,
                        RenewTime = now,
                        LeaseTransitions = 0,
                    },
                };
                Observe(await _client.CallAsync(
                    "create lease",
                    (k, t) => k.CoordinationV1.CreateNamespacedLeaseAsync(lease, _options.Namespace, cancellationToken: t),
                    ct));
                return Attempt.Acquired;
            }

            if (!string.Equals(current.Metadata?.ResourceVersion, _observed?.Metadata?.ResourceVersion, StringComparison.Ordinal))
            {
                Observe(current);
            }

            var spec = current.Spec ?? new V1LeaseSpec();
            var holder = spec.HolderIdentity;
            var ours = string.Equals(holder, _options.Identity, StringComparison.Ordinal);
            if (!string.IsNullOrEmpty(holder) && !ours && ObservedIsValid())
            {
                return Attempt.HeldByOther;
            }

            current.Spec = new V1LeaseSpec
            {
                HolderIdentity = _options.Identity,
                LeaseDurationSeconds = durationSeconds,
                AcquireTime = ours ? spec.AcquireTime ?? now : now,
                RenewTime = now,
                LeaseTransitions = ours ? spec.LeaseTransitions ?? 0 : (spec.LeaseTransitions ?? 0) + 1,
            };
            Observe(await ReplaceAsync(current, ct));
            return Attempt.Acquired;
        }
        catch (KubernetesConflictException)
        {
            // Another candidate wrote first.
            return Attempt.Failed;
        }
#pragma warning disable CA1031 // Any failure is a failed attempt: the election loop retries, it never dies.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogAttemptFailed(ex, _options.Namespace, _options.LeaseName);
            return Attempt.Failed;
        }
    }

    private async Task ReleaseAsync()
    {
        if (_observed is not { } held)
        {
            return;
        }

        var now = Now();
        held.Spec = new V1LeaseSpec
        {
            HolderIdentity = null,
            LeaseDurationSeconds = 1,
            AcquireTime = now,
            RenewTime = now,
            LeaseTransitions = held.Spec?.LeaseTransitions,
        };
        using var timeout = new CancellationTokenSource(ReleaseTimeout, _time);
        try
        {
            Observe(await ReplaceAsync(held, timeout.Token));
            LogReleased(_options.Identity, _options.Namespace, _options.LeaseName);
        }
        catch (Exception ex) when (ex is KubernetesApiException or OperationCanceledException)
        {
            LogReleaseFailed(ex, _options.Namespace, _options.LeaseName);
        }
    }

    /// <summary>PUT with the lease's resourceVersion: a 409 (<see cref="KubernetesConflictException"/>) means someone else wrote.</summary>
    private Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken ct) =>
        _client.CallAsync(
            "replace lease",
            (k, t) => k.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _options.LeaseName, _options.Namespace, cancellationToken: t),
            ct);

    /// <summary>
    /// UTC now at MicroTime precision. The library writes a time without fraction when it is a whole second, which
    /// MicroTime (exactly six digits) rejects with a 400: such a time is moved on by one microsecond.
    /// </summary>
    private DateTime Now()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        return now.Ticks % TimeSpan.TicksPerSecond == 0 ? now.AddTicks(TimeSpan.TicksPerMicrosecond) : now;
    }

    private void Observe(V1Lease lease)
    {
        _observed = lease;
        _observedAt = _time.GetTimestamp();
        var holder = lease.Spec?.HolderIdentity;
        if (!string.Equals(holder, _currentLeader, StringComparison.Ordinal))
        {
            _currentLeader = string.IsNullOrEmpty(holder) ? null : holder;
            if (_currentLeader is { } leader)
            {
                LogNewLeader(leader, _options.Namespace, _options.LeaseName);
                Raise(() => NewLeader?.Invoke(leader));
            }
        }
    }

    private bool ObservedIsValid() =>
        _observed?.Spec?.LeaseDurationSeconds is { } seconds
        && _time.GetElapsedTime(_observedAt) < TimeSpan.FromSeconds(seconds);

    private void SetLeader(bool leading)
    {
        if (_isLeader == leading)
        {
            return;
        }

        _isLeader = leading;
        RuntimeMetrics.LeaderStatusChanged(_options.LeaseName, leading);
        if (leading)
        {
            LogStartedLeading(_options.Identity, _options.Namespace, _options.LeaseName);
            Raise(() => StartedLeading?.Invoke());
        }
        else
        {
            Raise(() => StoppedLeading?.Invoke());
        }
    }

    private void Raise(Action raise)
    {
        try
        {
            raise();
        }
#pragma warning disable CA1031 // A subscriber's failure must not break the election loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSubscriberFailed(ex);
        }
    }

    private TimeSpan Jittered(TimeSpan period) => period + (period * (_options.JitterFactor * Random.Shared.NextDouble()));

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "{Identity} became leader on lease {Namespace}/{Lease}")]
    private partial void LogStartedLeading(string identity, string @namespace, string lease);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Warning, Message = "{Identity} lost leadership on lease {Namespace}/{Lease}: could not renew in time")]
    private partial void LogLost(string identity, string @namespace, string lease);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Information, Message = "{Identity} released lease {Namespace}/{Lease}")]
    private partial void LogReleased(string identity, string @namespace, string lease);

    [LoggerMessage(EventId = 6304, Level = LogLevel.Warning, Message = "Releasing lease {Namespace}/{Lease} failed")]
    private partial void LogReleaseFailed(Exception exception, string @namespace, string lease);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Debug, Message = "Acquiring or renewing lease {Namespace}/{Lease} failed")]
    private partial void LogAttemptFailed(Exception exception, string @namespace, string lease);

    [LoggerMessage(EventId = 6306, Level = LogLevel.Information, Message = "Lease {Namespace}/{Lease} is held by {Leader}")]
    private partial void LogNewLeader(string leader, string @namespace, string lease);

    [LoggerMessage(EventId = 6307, Level = LogLevel.Debug, Message = "Renewing the held lease failed with {StatusCode}; re-reading it")]
    private partial void LogRenewFastPathFailed(int statusCode);

    [LoggerMessage(EventId = 6308, Level = LogLevel.Error, Message = "A leader-election subscriber threw")]
    private partial void LogSubscriberFailed(Exception exception);
}
