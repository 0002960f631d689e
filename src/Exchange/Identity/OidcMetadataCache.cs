using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// Discovery documents and JWKS per issuer. Every listed issuer has a slot of its own, created up front and never
/// evicted, so no flood of other issuers (listed or not) can push a real issuer's keys out and turn a later JWKS outage
/// into an outage for its callers. Issuers that are not listed (only with <see cref="OidcValidationOptions.AllowAnyIssuer"/>)
/// share a bounded cache (least-recently-used eviction). Single-flight per issuer,
/// stale-while-revalidate after <see cref="OidcValidationOptions.KeyRefreshInterval"/>, last-known-good for up to
/// <see cref="OidcValidationOptions.MaxStaleness"/> through an outage. Thread-safe; register as a singleton.
/// </summary>
public sealed partial class OidcMetadataCache : IDisposable
{
    private readonly OidcValidationOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<OidcMetadataCache> logger;
    private readonly IssuerMetadataFetcher fetcher;
    private readonly FrozenDictionary<string, IssuerCacheEntry> pinned;
    private readonly FrozenDictionary<string, PinnedKeySource> configuredKeys;
    private readonly ConcurrentDictionary<string, IssuerCacheEntry> entries = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource shutdown = new();
    private readonly CancellationToken shutdownToken;
    private long useSequence;

    public OidcMetadataCache(OidcValidationOptions options, HttpClient http, TimeProvider time, ILogger<OidcMetadataCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        this.options = options;
        this.time = time;
        this.logger = logger;
        pinned = new IssuerAllowList(options).Listed.ToFrozenDictionary(i => i, i => new IssuerCacheEntry(i, explicitlyListed: true), StringComparer.Ordinal);
        configuredKeys = LoadConfiguredKeys(options, time, logger);
        fetcher = new IssuerMetadataFetcher(new BoundedHttpReader(http, options, time), options, time);
        shutdownToken = shutdown.Token;
    }

    /// <summary>
    /// The client the cache must be given: no redirects, no proxy (so the address check sees the real target), no
    /// decompression (no gzip bombs), bounded connect and request time, connections recycled every 5 minutes so DNS
    /// changes are seen, and a connect-time filter refusing non-public addresses (see <see cref="NetworkAddressPolicy"/>).
    /// </summary>
    public static HttpClient CreateHttpClient(OidcValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var allowPrivate = options.AllowPrivateNetworkAddresses;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.HttpTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxResponseHeadersLength = 16, // KiB
            ConnectCallback = (context, cancellationToken) => NetworkAddressPolicy.ConnectAsync(context, allowPrivate, cancellationToken),
        };
        var client = new HttpClient(handler, disposeHandler: true)
        {
            // A wall-clock backstop; the TimeProvider-based budget in BoundedHttpReader normally fires first.
            Timeout = options.HttpTimeout,
            MaxResponseContentBufferSize = options.MaxResponseBytes,
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("GithubSts-OIDC/1.0");
        return client;
    }

    /// <summary>Issuers holding a cache entry: listed ones that fetched at least once, plus the bounded unlisted ones.</summary>
    internal int CachedIssuerCount => entries.Count + pinned.Values.Count(e => e.Current is not null);

    public void Dispose()
    {
        foreach (var source in configuredKeys.Values)
        {
            source.Dispose();
        }

        shutdown.Cancel();
        shutdown.Dispose();
    }

    /// <summary>
    /// The issuer's metadata. Warm and fresh: returns synchronously without I/O. Older than the refresh interval but within
    /// the staleness bound: returns the cached copy and refreshes in the background. Otherwise fetches (single-flight).
    /// </summary>
    /// <exception cref="IdentityProviderUnavailableException">No usable copy and the issuer could not be fetched.</exception>
    /// <exception cref="TokenRejectedException">The issuer's discovery document breaks a rule (<see cref="TokenRejectionReason.DiscoveryInvalid"/>).</exception>
    internal ValueTask<IssuerMetadata> GetAsync(string issuer, CancellationToken cancellationToken)
    {
        if (configuredKeys.TryGetValue(issuer, out var configured))
        {
            return ValueTask.FromResult(configured.Current); // Pinned: never fetched, never refreshed for an unknown kid.
        }

        var now = time.GetUtcNow();
        if (TryGetEntry(issuer, out var entry) && entry.Current is { } current)
        {
            entry.Touch(Interlocked.Increment(ref useSequence));
            var age = now - current.FetchedAt;
            if (age < options.KeyRefreshInterval)
            {
                return ValueTask.FromResult(current);
            }

            if (age <= options.MaxStaleness)
            {
                RefreshInBackground(entry, now);
                return ValueTask.FromResult(current);
            }
        }

        return new ValueTask<IssuerMetadata>(GetSlowAsync(issuer, cancellationToken));
    }

    /// <summary>
    /// Called when a token names a kid that <paramref name="seen"/> lacks: refetches at most once per
    /// <see cref="OidcValidationOptions.MinimumKeyRefreshInterval"/> per issuer (counted from the last fetch), sharing one
    /// fetch among concurrent callers. Returns the newest metadata, which may still lack the kid.
    /// </summary>
    /// <exception cref="IdentityProviderUnavailableException">The refetch failed, so a rotated key may be invisible.</exception>
    internal async ValueTask<IssuerMetadata> RefreshForUnknownKeyAsync(IssuerMetadata seen, CancellationToken cancellationToken)
    {
        if (!TryGetEntry(seen.Issuer, out var entry))
        {
            return seen;
        }

        var now = time.GetUtcNow();
        Task<MetadataFetchOutcome> fetch;
        lock (entry.Gate)
        {
            if (entry.Current is { } current && !ReferenceEquals(current, seen))
            {
                return current; // Someone refreshed since this caller looked.
            }

            if (entry.Fetch is { IsCompleted: false } running)
            {
                fetch = running;
            }
            else
            {
                var lastFetch = entry.LastKeyMissFetch > seen.FetchedAt ? entry.LastKeyMissFetch : seen.FetchedAt;
                if (now - lastFetch < options.MinimumKeyRefreshInterval)
                {
                    // Rate-limited. If the last fetch failed, the kid may be a rotation we cannot see: retryable, not a reject.
                    return entry.LastFailure is null ? seen : throw Unavailable(seen.Issuer);
                }

                entry.LastKeyMissFetch = now;
                fetch = StartFetch(entry);
            }
        }

        var outcome = await fetch.WaitAsync(cancellationToken);
        return outcome.Metadata ?? throw Unavailable(seen.Issuer);
    }

    /// <summary>The pinned issuers' key sources; the initial load failing is a start-up error naming the issuer.</summary>
    private static FrozenDictionary<string, PinnedKeySource> LoadConfiguredKeys(OidcValidationOptions options, TimeProvider time, ILogger logger)
    {
        var sources = new Dictionary<string, PinnedKeySource>(StringComparer.Ordinal);
        try
        {
            foreach (var issuer in options.PinnedIssuers)
            {
                try
                {
                    sources.Add(issuer.Issuer, new PinnedKeySource(issuer, options.PinnedKeyPollInterval, time, logger));
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidOperationException($"The pinned keys of issuer '{issuer.Issuer}' cannot be loaded: {e.Message}", e);
                }
            }
        }
        catch
        {
            foreach (var source in sources.Values)
            {
                source.Dispose();
            }

            throw;
        }

        return sources.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Test hook: the key source of a pinned issuer, to reload it without waiting for the watcher.</summary>
    internal PinnedKeySource? ConfiguredKeysOf(string issuer) => configuredKeys.GetValueOrDefault(issuer);

    /// <summary>Test hook: completes when the issuer's current fetch (if any) has finished.</summary>
    internal Task WaitForPendingFetchAsync(string issuer) =>
        TryGetEntry(issuer, out var entry) && entry.Fetch is { } fetch ? fetch : Task.CompletedTask;

    private bool TryGetEntry(string issuer, out IssuerCacheEntry entry) =>
        pinned.TryGetValue(issuer, out entry!) || entries.TryGetValue(issuer, out entry!);

    private async Task<IssuerMetadata> GetSlowAsync(string issuer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = GetOrAddEntry(issuer);
        Task<MetadataFetchOutcome> fetch;
        lock (entry.Gate)
        {
            if (entry.Current is { } filled && now - filled.FetchedAt <= options.MaxStaleness)
            {
                return filled;
            }

            if (entry.Fetch is { IsCompleted: false } running)
            {
                fetch = running;
            }
            else if (IsBackingOff(entry, now))
            {
                throw FailureOf(entry.Issuer, entry.LastFailureWasDiscoveryInvalid);
            }
            else
            {
                fetch = StartFetch(entry);
            }
        }

        var outcome = await fetch.WaitAsync(cancellationToken);
        if (outcome.Metadata is { } metadata)
        {
            return metadata;
        }

        throw FailureOf(issuer, outcome.Error!.DiscoveryInvalid);
    }

    private void RefreshInBackground(IssuerCacheEntry entry, DateTimeOffset now)
    {
        lock (entry.Gate)
        {
            if (entry.Fetch is not { IsCompleted: false } && !IsBackingOff(entry, now))
            {
                _ = StartFetch(entry);
            }
        }
    }

    /// <summary>Starts the single shared fetch for an entry. Call with <see cref="IssuerCacheEntry.Gate"/> held.</summary>
    private Task<MetadataFetchOutcome> StartFetch(IssuerCacheEntry entry)
    {
        // Task.Run: the fetch must not start I/O under the lock, and must not be cancelled by the caller that started it.
        var fetch = Task.Run(() => FetchAndStoreAsync(entry));
        entry.Fetch = fetch;
        return fetch;
    }

    /// <summary>Never throws: the shared task carries the failure so callers that never await it leave nothing unobserved.</summary>
    private async Task<MetadataFetchOutcome> FetchAndStoreAsync(IssuerCacheEntry entry)
    {
        try
        {
            var metadata = await fetcher.FetchAsync(entry.Issuer, entry.ExplicitlyListed, shutdownToken);
            lock (entry.Gate)
            {
                entry.Current = metadata;
                entry.LastFailure = null;
            }

            LogMetadataFetched(entry.Issuer, metadata.KeyCount);
            return new MetadataFetchOutcome(metadata, null);
        }
#pragma warning disable CA1031 // Any failure, even a bug, must become "issuer unavailable", never crash or cache garbage.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var error = e as MetadataFetchException ?? new MetadataFetchException(false, "Unexpected error while fetching metadata.", e);
            bool hasLastKnownGood;
            lock (entry.Gate)
            {
                entry.LastFailure = time.GetUtcNow();
                entry.LastFailureWasDiscoveryInvalid = error.DiscoveryInvalid;
                hasLastKnownGood = entry.Current is not null;
            }

            // The message is our own fixed text; upstream bodies and parser messages are never logged.
            LogMetadataFetchFailed(entry.Issuer, error.Message, hasLastKnownGood);
            return new MetadataFetchOutcome(null, error);
        }
    }

    private bool IsBackingOff(IssuerCacheEntry entry, DateTimeOffset now) =>
        entry.LastFailure is { } failedAt && now - failedAt < options.MinimumKeyRefreshInterval;

    private IssuerCacheEntry GetOrAddEntry(string issuer)
    {
        if (pinned.TryGetValue(issuer, out var entry))
        {
            return entry;
        }

        if (!entries.TryGetValue(issuer, out entry))
        {
            while (entries.Count >= options.MaxCachedIssuers && EvictOne())
            {
            }

            entry = entries.GetOrAdd(issuer, static key => new IssuerCacheEntry(key, explicitlyListed: false));
        }

        entry.Touch(Interlocked.Increment(ref useSequence));
        return entry;
    }

    /// <summary>Evicts the least recently used unlisted entry, preferring entries that never fetched successfully.</summary>
    private bool EvictOne()
    {
        IssuerCacheEntry? victim = null;
        foreach (var (_, candidate) in entries)
        {
            if (victim is null
                || (candidate.Current is null && victim.Current is not null)
                || ((candidate.Current is null) == (victim.Current is null) && candidate.LastUse < victim.LastUse))
            {
                victim = candidate;
            }
        }

        return victim is not null && entries.TryRemove(new KeyValuePair<string, IssuerCacheEntry>(victim.Issuer, victim));
    }

    private static Exception FailureOf(string issuer, bool discoveryInvalid) => discoveryInvalid
        ? new TokenRejectedException(TokenRejectionReason.DiscoveryInvalid, "The issuer's discovery document is not acceptable.")
        : Unavailable(issuer);

    private static IdentityProviderUnavailableException Unavailable(string issuer) =>
        new(issuer, "The issuer's discovery document or keys could not be fetched.");
}
