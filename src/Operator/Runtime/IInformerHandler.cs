using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Runtime;

/// <summary>
/// Receives an informer's changes, in order, on the informer's loop (keep handlers fast: enqueue keys, do not call the
/// API). <see cref="OnDelete"/> may carry the last known state when the deletion was only noticed on a relist.
/// </summary>
public interface IInformerHandler<in T>
    where T : KubernetesObject
{
    void OnAdd(T obj);

    /// <summary>A change, or (with the same object twice) a periodic resync.</summary>
    void OnUpdate(T oldObj, T newObj);

    void OnDelete(T obj);
}

/// <summary>An <see cref="IInformerHandler{T}"/> from delegates (any may be null).</summary>
public sealed class InformerHandler<T>(Action<T>? onAdd = null, Action<T, T>? onUpdate = null, Action<T>? onDelete = null)
    : IInformerHandler<T>
    where T : KubernetesObject
{
    public void OnAdd(T obj) => onAdd?.Invoke(obj);

    public void OnUpdate(T oldObj, T newObj) => onUpdate?.Invoke(oldObj, newObj);

    public void OnDelete(T obj) => onDelete?.Invoke(obj);
}

public static class InformerHandler
{
    /// <summary>One callback for every kind of change, given the newest object (handy for "enqueue its key").</summary>
    public static InformerHandler<T> ForAll<T>(Action<T> onChange)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(onChange);
        return new InformerHandler<T>(onChange, (_, obj) => onChange(obj), onChange);
    }
}
