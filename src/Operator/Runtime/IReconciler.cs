namespace GithubSts.Operator.Runtime;

/// <summary>
/// Brings the world in line with the object named by <paramref name="key"/> (read it from an informer; it may be
/// gone). Throwing requeues the key with per-item exponential backoff; returning a <see cref="ReconcileResult"/> with
/// <see cref="ReconcileResult.RequeueAfter"/> requeues it after that delay; otherwise the key is done until the next change.
/// </summary>
public interface IReconciler<TKey>
{
    Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken ct);
}

/// <summary>The outcome of a successful reconcile. <see cref="RequeueAfter"/>: look again after this delay (e.g. app health).</summary>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter = null)
{
    public static ReconcileResult Done => default;

    public static ReconcileResult After(TimeSpan delay) => new(delay);
}
