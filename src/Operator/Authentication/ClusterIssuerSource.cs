using GithubSts.Exchange.Identity;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Authentication;

/// <summary>
/// The local cluster's issuer and keys, fetched through the API server: single-flight, refreshed in the background after
/// <see cref="KubernetesTokenOptions.IssuerRefreshInterval"/>, last-known-good kept through an outage, and failed
/// fetches retried at most once per <see cref="KubernetesTokenOptions.MinimumKeyRefreshInterval"/>. Thread-safe.
/// </summary>
internal sealed class ClusterIssuerSource(IClusterIdentityApi api, KubernetesTokenOptions options, TimeProvider time, ILogger logger)
{
    private readonly Lock gate = new();
    private ClusterIssuerMetadata? current;
    private string? conflict;
    private Task<ClusterIssuerMetadata?>? fetch;
    private DateTimeOffset? lastFailure;
    private DateTimeOffset lastKeyMissFetch = DateTimeOffset.MinValue;

    public ClusterIssuerMetadata? Current => Volatile.Read(ref current);

    /// <summary>Set when the discovered issuer is also pinned: the error naming both sources (the host then stops).</summary>
    public string? Conflict => Volatile.Read(ref conflict);

    /// <summary>
    /// The current snapshot, without waiting. Starts a background fetch when there is none or it is older than the refresh
    /// interval (unless a fetch is running or the last one failed less than the minimum interval ago).
    /// </summary>
    public ClusterIssuerMetadata? Peek()
    {
        var snapshot = Current;
        var now = time.GetUtcNow();
        if (snapshot is null || now - snapshot.FetchedAt >= options.IssuerRefreshInterval)
        {
            lock (gate)
            {
                if (fetch is not { IsCompleted: false } && !IsBackingOff(now))
                {
                    _ = StartFetch();
                }
            }
        }

        return snapshot;
    }

    /// <summary>The current snapshot, or the outcome of a fetch when there is none; null when the API server is unavailable.</summary>
    public async ValueTask<ClusterIssuerMetadata?> GetAsync(CancellationToken cancellationToken)
    {
        if (Peek() is { } snapshot)
        {
            return snapshot;
        }

        Task<ClusterIssuerMetadata?> running;
        lock (gate)
        {
            if (Current is { } filled)
            {
                return filled;
            }

            if (fetch is not { IsCompleted: false } pending)
            {
                return null; // Backing off after a failure.
            }

            running = pending;
        }

        return await running.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Called when a token names a kid that <paramref name="seen"/> lacks: refetches at most once per minimum interval
    /// (counted from the last fetch), sharing one fetch among concurrent callers. Returns the newest snapshot (which may
    /// still lack the kid), or null when the refetch failed, so a rotated key may be invisible (retryable).
    /// </summary>
    public async ValueTask<ClusterIssuerMetadata?> RefreshForUnknownKeyAsync(ClusterIssuerMetadata seen, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Task<ClusterIssuerMetadata?> running;
        lock (gate)
        {
            if (Current is { } newer && !ReferenceEquals(newer, seen))
            {
                return newer;
            }

            if (fetch is { IsCompleted: false } pending)
            {
                running = pending;
            }
            else
            {
                var lastFetch = lastKeyMissFetch > seen.FetchedAt ? lastKeyMissFetch : seen.FetchedAt;
                if (now - lastFetch < options.MinimumKeyRefreshInterval)
                {
                    return lastFailure is null ? seen : null;
                }

                lastKeyMissFetch = now;
                running = StartFetch();
            }
        }

        return await running.WaitAsync(cancellationToken);
    }

    /// <summary>Fetches now (joining a running fetch), ignoring the failure backoff. Null when the fetch failed.</summary>
    public Task<ClusterIssuerMetadata?> RefreshNowAsync(CancellationToken cancellationToken)
    {
        Task<ClusterIssuerMetadata?> running;
        lock (gate)
        {
            running = fetch is { IsCompleted: false } pending ? pending : StartFetch();
        }

        return running.WaitAsync(cancellationToken);
    }

    /// <summary>Test hook: completes when the running fetch, if any, has finished.</summary>
    public Task WaitForPendingFetchAsync()
    {
        lock (gate)
        {
            return (Task?)fetch ?? Task.CompletedTask;
        }
    }

    private bool IsBackingOff(DateTimeOffset now) => lastFailure is { } failedAt && now - failedAt < options.MinimumKeyRefreshInterval;

    /// <summary>Starts the shared fetch. Call with <see cref="gate"/> held.</summary>
    private Task<ClusterIssuerMetadata?> StartFetch()
    {
        // Task.Run: no I/O under the lock, and the fetch is not cancelled by whichever caller happened to start it.
        var started = Task.Run(FetchAndStoreAsync);
        fetch = started;
        return started;
    }

    /// <summary>Never throws: callers that never await the shared task leave nothing unobserved.</summary>
    private async Task<ClusterIssuerMetadata?> FetchAndStoreAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.ApiTimeout, time);
            using var discovery = await api.GetOpenIdConfigurationAsync(timeout.Token);
            using var jwks = await api.GetJsonWebKeySetAsync(timeout.Token);
            var metadata = ClusterIssuerMetadata.Read(discovery, jwks, time.GetUtcNow());
            if (options.PinnedIssuers.TryGetValue(metadata.Issuer, out var pinnedBy))
            {
                // Never stored: this cluster's keys must not quietly take over (or lose to) the pinned ones.
                var message = $"Issuer '{metadata.Issuer}' has two sources: the local cluster's service-account issuer "
                    + $"(discovered through the API server) and {pinnedBy}; remove the pinned entry";
                Volatile.Write(ref conflict, message);
                KubernetesAuthenticationLog.ClusterIssuerConflict(logger, message);
                return null;
            }

            string? previousIssuer;
            lock (gate)
            {
                previousIssuer = current?.Issuer;
                Volatile.Write(ref current, metadata);
                lastFailure = null;
            }

            if (!string.Equals(previousIssuer, metadata.Issuer, StringComparison.Ordinal))
            {
                KubernetesAuthenticationLog.ClusterIssuerDiscovered(logger, metadata.Issuer, previousIssuer, metadata.KeyCount);
            }
            else
            {
                KubernetesAuthenticationLog.ClusterKeysRefreshed(logger, metadata.Issuer, metadata.KeyCount);
            }

            return metadata;
        }
#pragma warning disable CA1031 // Any failure, even a bug, must become "cluster unavailable" and keep the last-known-good copy.
        catch (Exception e)
#pragma warning restore CA1031
        {
            bool hasLastKnownGood;
            lock (gate)
            {
                lastFailure = time.GetUtcNow();
                hasLastKnownGood = current is not null;
            }

            // Rule violations carry our fixed text; transport failures are logged with their exception (no token is involved).
            if (e is MetadataFetchException rule)
            {
                KubernetesAuthenticationLog.ClusterMetadataInvalid(logger, rule.Message, hasLastKnownGood);
            }
            else
            {
                KubernetesAuthenticationLog.ClusterMetadataUnavailable(logger, e, hasLastKnownGood);
            }

            return null;
        }
    }
}
