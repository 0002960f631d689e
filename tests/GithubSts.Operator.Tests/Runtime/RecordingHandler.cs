using System.Collections.Concurrent;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.Tests.Runtime;

/// <summary>Records informer notifications as "add a", "update a", "delete a".</summary>
public sealed class RecordingHandler<T> : IInformerHandler<T>
    where T : KubernetesObject
{
    public ConcurrentQueue<string> Events { get; } = new();

    public IReadOnlyList<string> Snapshot => [.. Events];

    public void OnAdd(T obj) => Events.Enqueue("add " + obj.Metadata.Name);

    public void OnUpdate(T oldObj, T newObj) => Events.Enqueue((ReferenceEquals(oldObj, newObj) ? "resync " : "update ") + newObj.Metadata.Name);

    public void OnDelete(T obj) => Events.Enqueue("delete " + obj.Metadata.Name);
}
