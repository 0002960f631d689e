using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GithubSts.Exchange.Telemetry;

/// <summary>
/// Process-wide instruments for the operator runtime, named as controller-runtime names them
/// (<c>controller_runtime_reconcile_total</c>, <c>workqueue_depth</c>, <c>leader_election_master_status</c>…).
/// Every label is a controller, queue, lease or resource name chosen in code.
/// </summary>
public static class RuntimeMetrics
{
    public static readonly Meter Meter = new(GithubStsMetrics.MeterName);

    private static readonly Counter<long> ReconcileTotal =
        Meter.CreateCounter<long>("controller_runtime_reconcile", null, "Total number of reconciliations per controller and result.");

    private static readonly Counter<long> ReconcileErrors =
        Meter.CreateCounter<long>("controller_runtime_reconcile_errors", null, "Total number of reconciliation errors per controller.");

    private static readonly Histogram<double> ReconcileTime = Meter.CreateHistogram(
        "controller_runtime_reconcile_time", "s", "Length of time per reconciliation per controller.", null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = GithubStsMetrics.DurationBuckets });

    private static readonly ConcurrentDictionary<string, WeakReference<Func<long>>> QueueDepths = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<long> QueueDepth = Meter.CreateObservableGauge(
        "workqueue_depth", ObserveQueueDepths, null, "Current depth of the work queue.");

    private static readonly Counter<long> QueueAdds = Meter.CreateCounter<long>("workqueue_adds", null, "Total number of adds handled by the work queue.");

    private static readonly Counter<long> QueueRetries = Meter.CreateCounter<long>("workqueue_retries", null, "Total number of retries handled by the work queue.");

    private static readonly Gauge<long> LeaderStatus =
        Meter.CreateGauge<long>("leader_election_master_status", null, "1 while this replica holds the lease, 0 otherwise.");

    private static readonly Gauge<long> InformerSynced =
        Meter.CreateGauge<long>("githubsts_informer_synced", null, "1 once the informer's initial list completed, 0 otherwise.");

    /// <param name="result">success, error, requeue or requeue_after.</param>
    public static void Reconciled(string controller, string result, TimeSpan duration)
    {
        ReconcileTotal.Add(1, new KeyValuePair<string, object?>("controller", controller), new("result", result));
        ReconcileTime.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("controller", controller));
        if (result == "error")
        {
            ReconcileErrors.Add(1, new KeyValuePair<string, object?>("controller", controller));
        }
    }

    public static void QueueAdded(string name) => QueueAdds.Add(1, new KeyValuePair<string, object?>("name", name));

    /// <summary>Reports <paramref name="depth"/> as the depth of queue <paramref name="name"/> (the latest registration wins).</summary>
    /// <remarks>The caller must keep <paramref name="depth"/> alive as long as the queue: only a weak reference is kept here.</remarks>
    public static void RegisterQueue(string name, Func<long> depth) => QueueDepths[name] = new WeakReference<Func<long>>(depth);

    private static IEnumerable<Measurement<long>> ObserveQueueDepths()
    {
        _ = QueueDepth;
        foreach (var (name, reference) in QueueDepths)
        {
            if (reference.TryGetTarget(out var depth))
            {
                yield return new Measurement<long>(depth(), new KeyValuePair<string, object?>("name", name));
            }
        }
    }

    public static void QueueRetried(string name) => QueueRetries.Add(1, new KeyValuePair<string, object?>("name", name));

    public static void LeaderStatusChanged(string name, bool leading) => LeaderStatus.Record(leading ? 1 : 0, new KeyValuePair<string, object?>("name", name));

    public static void InformerSyncChanged(string resource, bool synced) =>
        InformerSynced.Record(synced ? 1 : 0, new KeyValuePair<string, object?>("resource", resource));
}
