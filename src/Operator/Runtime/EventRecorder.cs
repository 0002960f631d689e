using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Runtime;

/// <summary>Settings of an <see cref="EventRecorder"/>.</summary>
public sealed record EventRecorderOptions
{
    public string ReportingController { get; init; } = "githubsts.io/operator";

    /// <summary>This process (the pod name by default).</summary>
    public string ReportingInstance { get; init; } = Environment.MachineName;

    /// <summary>The <c>action</c> of events recorded without one.</summary>
    public string DefaultAction { get; init; } = "Reconcile";

    /// <summary>Where events about cluster-scoped objects go.</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>A repeat within this window updates the existing event's <c>series</c> instead of creating one (client-go: 6 min).</summary>
    public TimeSpan SeriesWindow { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>Series count updates for one event are written at most this often.</summary>
    public TimeSpan SeriesUpdateInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Distinct events remembered for deduplication.</summary>
    public int MaxTrackedEvents { get; init; } = 1024;
}

/// <summary>
/// Writes <c>events.k8s.io/v1</c> Events, only while <c>shouldWrite</c> (the leader check) says so. Identical events
/// (same object, type, reason, action and note) within <see cref="EventRecorderOptions.SeriesWindow"/> become one
/// Event with a <c>series</c> count. Recording never throws: failures are logged (an Event is not worth a failed reconcile).
/// </summary>
/// <remarks>
/// Ours because KubernetesClient has no event recorder (client-go's EventBroadcaster has no .NET counterpart); only the
/// model (<see cref="Eventsv1Event"/>) and the create/patch calls are the library's.
/// </remarks>
public sealed partial class EventRecorder
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
    private const int MaxNoteBytes = 1024;
    private const int MaxReasonLength = 128;

    private readonly KubernetesApiClient _client;
    private readonly Func<bool> _shouldWrite;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventRecorderOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SeriesState> _series = new(StringComparer.Ordinal);

    public EventRecorder(KubernetesApiClient client, Func<bool> shouldWrite, ILogger logger, TimeProvider time, EventRecorderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(shouldWrite);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _client = client;
        _shouldWrite = shouldWrite;
        _logger = logger;
        _time = time;
        _options = options ?? new EventRecorderOptions();
    }

    /// <summary>Records an event with the default action.</summary>
    public Task RecordAsync(V1ObjectReference regarding, string type, string reason, string note, CancellationToken ct) =>
        RecordAsync(regarding, type, reason, note, _options.DefaultAction, ct);

    /// <param name="regarding">The object the event is about (<see cref="ReferenceTo"/>).</param>
    /// <param name="type"><see cref="Normal"/> or <see cref="Warning"/>.</param>
    /// <param name="reason">CamelCase, at most 128 characters.</param>
    /// <param name="note">Human-readable; truncated to 1 KiB.</param>
    /// <param name="action">What was being done, e.g. <c>Reconcile</c>.</param>
    /// <param name="ct">Cancels the write.</param>
    public async Task RecordAsync(V1ObjectReference regarding, string type, string reason, string note, string action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        ArgumentException.ThrowIfNullOrEmpty(regarding.Name, "regarding.Name");
        if (type is not (Normal or Warning))
        {
            throw new ArgumentException("The type must be Normal or Warning.", nameof(type));
        }

        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentException.ThrowIfNullOrEmpty(action);
        if (!_shouldWrite())
        {
            return;
        }

        reason = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;
        note = Truncate(note ?? string.Empty, MaxNoteBytes);
        var ns = string.IsNullOrEmpty(regarding.NamespaceProperty) ? _options.DefaultNamespace : regarding.NamespaceProperty;
        var key = string.Join('\u001f', ns, regarding.Kind, regarding.Name, regarding.Uid, type, reason, action, note);
        var now = _time.GetUtcNow();

        SeriesState state;
        bool create;
        var patchCount = 0;
        lock (_gate)
        {
            if (_series.TryGetValue(key, out var existing) && now - existing.LastObserved < _options.SeriesWindow)
            {
                state = existing;
                state.Count++;
                state.LastObserved = now;
                create = false;
                if (state.EventName is not null && now - state.LastWritten >= _options.SeriesUpdateInterval)
                {
                    state.LastWritten = now;
                    patchCount = state.Count;
                }
            }
            else
            {
                state = new SeriesState { Count = 1, LastObserved = now, LastWritten = now };
                _series[key] = state;
                create = true;
                EvictLocked(now);
            }
        }

        try
        {
            if (create)
            {
                // KubernetesClient's typed events.k8s.io/v1 model and create call, through CallAsync (deadline, 429, error typing).
                var body = new Eventsv1Event
                {
                    ApiVersion = "events.k8s.io/v1",
                    Kind = "Event",
                    Metadata = new V1ObjectMeta { Name = EventName(regarding.Name, now), NamespaceProperty = ns },
                    EventTime = MicroTime(now),
                    ReportingController = _options.ReportingController,
                    ReportingInstance = _options.ReportingInstance,
                    Action = action,
                    Reason = reason,
                    Regarding = regarding,
                    Note = note,
                    Type = type,
                };
                var created = await _client.CallAsync(
                    "create Event",
                    (k, c) => k.EventsV1.CreateNamespacedEventAsync(body, ns, cancellationToken: c),
                    ct);
                lock (_gate)
                {
                    state.EventName = created.Metadata.Name;
                }

                LogRecorded(type, reason, ns, regarding.Name);
            }
            else if (patchCount > 0)
            {
                var patch = new JsonObject
                {
                    ["series"] = new JsonObject { ["count"] = patchCount, ["lastObservedTime"] = MicroTimeConverter.Format(now) },
                };

                // The library's typed patch call, with the same JSON merge patch as before.
                await _client.CallAsync(
                    "patch Event",
                    (k, c) => k.EventsV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), state.EventName!, ns, cancellationToken: c),
                    ct);
            }
        }
        catch (KubernetesNotFoundException) when (!create)
        {
            // The event expired (the API server keeps events for an hour): start a new one next time.
            lock (_gate)
            {
                _series.Remove(key);
            }
        }
        catch (Exception ex) when (ex is KubernetesApiException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            if (create)
            {
                lock (_gate)
                {
                    _series.Remove(key);
                }
            }

            LogFailed(ex, type, reason, ns, regarding.Name);
        }
    }

    /// <summary>A <c>regarding</c> reference to <paramref name="obj"/> (which must carry apiVersion and kind, as objects from the client do).</summary>
    public static V1ObjectReference ReferenceTo(Kubernetes.Models.KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new V1ObjectReference
        {
            ApiVersion = obj.ApiVersion,
            Kind = obj.Kind,
            NamespaceProperty = obj.Metadata.Namespace,
            Name = obj.Metadata.Name,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
    }

    /// <summary>
    /// <paramref name="now"/> as a UTC <see cref="DateTime"/> the library writes as a valid MicroTime: truncated to
    /// microseconds (it writes six digits inside a model), and a whole second moved on by one microsecond (it would
    /// write no fraction, which the API server rejects).
    /// </summary>
    internal static DateTime MicroTime(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        utc = utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
        return utc.Ticks % TimeSpan.TicksPerSecond == 0 ? utc.AddTicks(TimeSpan.TicksPerMicrosecond) : utc;
    }

    private static string EventName(string objectName, DateTimeOffset now)
    {
        // client-go: "{name}.{unix nanoseconds in hex}"; names are at most 253 characters.
        var nanos = (now - DateTimeOffset.UnixEpoch).Ticks * 100;
        var suffix = "." + nanos.ToString("x", CultureInfo.InvariantCulture);
        var prefix = objectName.Length + suffix.Length > 253 ? objectName[..(253 - suffix.Length)] : objectName;
        return prefix + suffix;
    }

    private static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var length = Math.Min(text.Length, maxBytes);
        while (length > 0 && Encoding.UTF8.GetByteCount(text.AsSpan(0, length)) > maxBytes - 3)
        {
            length--;
        }

        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return string.Concat(text.AsSpan(0, length), "…");
    }

    private void EvictLocked(DateTimeOffset now)
    {
        if (_series.Count <= _options.MaxTrackedEvents)
        {
            return;
        }

        foreach (var stale in _series.Where(e => now - e.Value.LastObserved >= _options.SeriesWindow).Select(e => e.Key).ToList())
        {
            _series.Remove(stale);
        }

        // Still too many: drop the least recently seen half.
        if (_series.Count > _options.MaxTrackedEvents)
        {
            foreach (var old in _series.OrderBy(e => e.Value.LastObserved).Take(_series.Count / 2).Select(e => e.Key).ToList())
            {
                _series.Remove(old);
            }
        }
    }

    private sealed class SeriesState
    {
        public int Count { get; set; }

        public DateTimeOffset LastObserved { get; set; }

        public DateTimeOffset LastWritten { get; set; }

        public string? EventName { get; set; }
    }

    [LoggerMessage(EventId = 6401, Level = LogLevel.Debug, Message = "Recorded {Type} event {Reason} for {Namespace}/{Name}")]
    private partial void LogRecorded(string type, string reason, string @namespace, string name);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Warning, Message = "Recording {Type} event {Reason} for {Namespace}/{Name} failed")]
    private partial void LogFailed(Exception exception, string type, string reason, string @namespace, string name);
}
