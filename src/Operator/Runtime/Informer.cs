using System.Diagnostics.CodeAnalysis;
using GithubSts.Exchange.Telemetry;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Runtime;

/// <summary>
/// A local cache of one resource type (optionally one namespace and selector), kept current by list + watch, with
/// change notifications (client-go reflector + shared informer semantics):
/// <list type="bullet">
/// <item>lists in pages, then watches from the list's resourceVersion with bookmarks and a random 5–10 min timeout;</item>
/// <item>a watch that ends is resumed from the last seen resourceVersion (no relist) — after server restarts too;</item>
/// <item>410 Expired/Gone (as the HTTP status or an in-stream ERROR) triggers a consistent relist; objects missing from
/// the new list are reported deleted;</item>
/// <item>failures back off 0.8 s → 30 s with jitter (reset after 2 quiet minutes); the store is never cleared.</item>
/// </list>
/// </summary>
public sealed partial class Informer<T>
    where T : KubernetesObject
{
    private static readonly TimeSpan VeryShortWatch = TimeSpan.FromSeconds(1);

    private readonly KubernetesApiClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly InformerOptions _options;
    private readonly Lock _storeGate = new();
    private readonly Lock _dispatchGate = new();
    private readonly List<IInformerHandler<T>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<ObjectKey, T> _store = [];
    private volatile string? _resourceVersion;
    private int _running;

    public Informer(KubernetesApiClient client, ResourceType type, string? ns, ILogger logger, TimeProvider time, InformerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _client = client;
        Type = type;
        Namespace = ns;
        _logger = logger;
        _time = time;
        _options = options ?? new InformerOptions();
        RuntimeMetrics.InformerSyncChanged(type.Plural, synced: false);
    }

    public ResourceType Type { get; }

    /// <summary>The watched namespace; null: all namespaces (or a cluster-scoped type).</summary>
    public string? Namespace { get; }

    /// <summary>True once the first list has been applied to the store.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The resourceVersion the store reflects (from the last list, watch event or bookmark).</summary>
    public string? LastSyncResourceVersion => _resourceVersion;

    /// <summary>Completes when <see cref="HasSynced"/> becomes true.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    /// <summary>A snapshot of every cached object. Do not modify the objects: they are shared.</summary>
    public IReadOnlyList<T> List()
    {
        lock (_storeGate)
        {
            return [.. _store.Values];
        }
    }

    public bool TryGet(string? ns, string name, [MaybeNullWhen(false)] out T obj)
    {
        lock (_storeGate)
        {
            return _store.TryGetValue(new ObjectKey(string.IsNullOrEmpty(ns) ? null : ns, name), out obj);
        }
    }

    public int Count
    {
        get
        {
            lock (_storeGate)
            {
                return _store.Count;
            }
        }
    }

    /// <summary>Registers a handler; it first receives <see cref="IInformerHandler{T}.OnAdd"/> for every cached object.</summary>
    public void AddHandler(IInformerHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatchGate)
        {
            _handlers.Add(handler);
            foreach (var obj in List())
            {
                Invoke(handler, h => h.OnAdd(obj));
            }
        }
    }

    /// <summary>Runs until <paramref name="ct"/> is cancelled (then completes without throwing). Call once.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The informer is already running.");
        }

        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff, _options.BackoffResetAfter, jitter: 1.0, _time);
        using var resync = _options.ResyncPeriod is { } period && period > TimeSpan.Zero
            ? _time.CreateTimer(_ => Resync(), null, period, period)
            : null;
        var needsList = true;
        var consistentList = false;
        var goneInARow = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (needsList)
                {
                    await ListAndReplaceAsync(consistentList, ct);
                    needsList = false;
                }

                await WatchAsync(ct);
                goneInARow = 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (KubernetesApiException ex) when (KubernetesApiException.IsExpired(ex.StatusCode, ex.Status))
            {
                // The resourceVersion fell out of the compaction window: relist from etcd. Relist at once the first
                // time; back off if it keeps happening.
                LogExpired(Type.Plural, _resourceVersion);
                needsList = true;
                consistentList = true;
                if (++goneInARow > 1)
                {
                    await DelayAsync(backoff.NextDelay(), ct);
                }
            }
#pragma warning disable CA1031 // Whatever failed, an informer backs off and tries again; it never dies.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var delay = backoff.NextDelay();
                LogFailed(ex, Type.Plural, needsList ? "list" : "watch", delay.TotalSeconds);
                await DelayAsync(delay, ct);
            }
        }

        LogStopped(Type.Plural);
    }

    private async Task ListAndReplaceAsync(bool consistent, CancellationToken ct)
    {
        // "0": any recent state, served from the watch cache (client-go's first list); "": a consistent etcd read.
        var resourceVersion = consistent ? null : "0";
        List<T> items = [];
        string? listVersion = null;
        string? continueToken = null;
        while (true)
        {
            var options = new ListOptions
            {
                LabelSelector = _options.LabelSelector,
                FieldSelector = _options.FieldSelector,
                Limit = _options.PageSize,
                ResourceVersion = continueToken is null ? resourceVersion : null,
                Continue = continueToken,
            };
            KubernetesList<T> page;
            try
            {
                page = await _client.ListAsync<T>(Type, Namespace, options, ct);
            }
            catch (KubernetesGoneException) when (continueToken is not null)
            {
                // The continue token expired between pages: start over with a consistent read.
                LogListRestarted(Type.Plural);
                items.Clear();
                listVersion = null;
                continueToken = null;
                resourceVersion = null;
                continue;
            }

            listVersion ??= page.Metadata.ResourceVersion;
            items.AddRange(page.Items);
            if (string.IsNullOrEmpty(page.Metadata.Continue))
            {
                break;
            }

            continueToken = page.Metadata.Continue;
        }

        Replace(items, listVersion);
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        var minimum = _options.MinWatchTimeout.TotalSeconds;
        var timeoutSeconds = (int)Math.Max(1, minimum + (Random.Shared.NextDouble() * minimum));
        var options = new WatchOptions
        {
            ResourceVersion = _resourceVersion,
            AllowWatchBookmarks = true,
            TimeoutSeconds = timeoutSeconds,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
        };
        var started = _time.GetTimestamp();
        var events = 0;
        await foreach (var watchEvent in _client.WatchAsync<T>(Type, Namespace, options, ct))
        {
            events++;
            switch (watchEvent.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified when watchEvent.Object is { } obj:
                    Upsert(obj);
                    break;
                case WatchEventType.Deleted when watchEvent.Object is { } obj:
                    Delete(obj);
                    break;
                case WatchEventType.Bookmark when watchEvent.Object?.Metadata.ResourceVersion is { Length: > 0 } version:
                    _resourceVersion = version;
                    break;
                case WatchEventType.Error:
                    var status = watchEvent.Status;
                    throw KubernetesApiException.IsExpired(0, status)
                        ? new KubernetesGoneException(status, $"Watch of {Type.Plural} expired: {status?.Message}")
                        : KubernetesApiException.Create(status?.Code ?? 500, status);
            }
        }

        // client-go: a watch closed within a second without a single event signals a broken server; do not spin.
        if (events == 0 && _time.GetElapsedTime(started) < VeryShortWatch)
        {
            throw new KubernetesUnavailableException($"The watch of {Type.Plural} closed immediately without events.");
        }

        LogWatchEnded(Type.Plural, events, _resourceVersion);
    }

    private void Replace(List<T> items, string? listVersion)
    {
        var fresh = new Dictionary<ObjectKey, T>(items.Count);
        foreach (var item in items)
        {
            if (!string.IsNullOrEmpty(item.Metadata.Name))
            {
                fresh[ObjectKey.For(item)] = item;
            }
        }

        lock (_dispatchGate)
        {
            Dictionary<ObjectKey, T> previous;
            lock (_storeGate)
            {
                previous = _store;
                _store = fresh;
            }

            _resourceVersion = listVersion;
            foreach (var (key, obj) in fresh)
            {
                if (!previous.TryGetValue(key, out var old))
                {
                    Dispatch(h => h.OnAdd(obj));
                }
                else if (!string.Equals(old.Metadata.ResourceVersion, obj.Metadata.ResourceVersion, StringComparison.Ordinal))
                {
                    Dispatch(h => h.OnUpdate(old, obj));
                }
            }

            var deleted = 0;
            foreach (var (key, old) in previous)
            {
                if (!fresh.ContainsKey(key))
                {
                    deleted++;
                    Dispatch(h => h.OnDelete(old));
                }
            }

            LogListed(Type.Plural, fresh.Count, deleted, listVersion);
            if (_synced.TrySetResult())
            {
                RuntimeMetrics.InformerSyncChanged(Type.Plural, synced: true);
            }
        }
    }

    private void Upsert(T obj)
    {
        if (string.IsNullOrEmpty(obj.Metadata.Name))
        {
            return;
        }

        var key = ObjectKey.For(obj);
        lock (_dispatchGate)
        {
            T? old;
            lock (_storeGate)
            {
                _store.TryGetValue(key, out old);
                _store[key] = obj;
            }

            _resourceVersion = obj.Metadata.ResourceVersion ?? _resourceVersion;
            if (old is null)
            {
                Dispatch(h => h.OnAdd(obj));
            }
            else
            {
                Dispatch(h => h.OnUpdate(old, obj));
            }
        }
    }

    private void Delete(T obj)
    {
        if (string.IsNullOrEmpty(obj.Metadata.Name))
        {
            return;
        }

        var key = ObjectKey.For(obj);
        lock (_dispatchGate)
        {
            lock (_storeGate)
            {
                _store.Remove(key);
            }

            _resourceVersion = obj.Metadata.ResourceVersion ?? _resourceVersion;
            Dispatch(h => h.OnDelete(obj));
        }
    }

    private void Resync()
    {
        if (!HasSynced)
        {
            return;
        }

        lock (_dispatchGate)
        {
            foreach (var obj in List())
            {
                Dispatch(h => h.OnUpdate(obj, obj));
            }
        }
    }

    private void Dispatch(Action<IInformerHandler<T>> action)
    {
        foreach (var handler in _handlers)
        {
            Invoke(handler, action);
        }
    }

    private void Invoke(IInformerHandler<T> handler, Action<IInformerHandler<T>> action)
    {
        try
        {
            action(handler);
        }
#pragma warning disable CA1031 // A failing handler must not stop the informer or starve the other handlers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(ex, Type.Plural, handler.GetType().Name);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The loop condition ends the run.
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Informer {Resource}: listed {Count} objects ({Deleted} gone since the previous list) at resourceVersion {ResourceVersion}")]
    private partial void LogListed(string resource, int count, int deleted, string? resourceVersion);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Informer {Resource}: resourceVersion {ResourceVersion} expired; relisting")]
    private partial void LogExpired(string resource, string? resourceVersion);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Informer {Resource}: {Phase} failed; retrying in {DelaySeconds:0.0} s")]
    private partial void LogFailed(Exception exception, string resource, string phase, double delaySeconds);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Debug, Message = "Informer {Resource}: watch ended after {Events} events at resourceVersion {ResourceVersion}; resuming")]
    private partial void LogWatchEnded(string resource, int events, string? resourceVersion);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Error, Message = "Informer {Resource}: handler {Handler} threw")]
    private partial void LogHandlerFailed(Exception exception, string resource, string handler);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Information, Message = "Informer {Resource}: the list continue token expired; listing again from the start")]
    private partial void LogListRestarted(string resource);

    [LoggerMessage(EventId = 6107, Level = LogLevel.Debug, Message = "Informer {Resource} stopped")]
    private partial void LogStopped(string resource);
}
