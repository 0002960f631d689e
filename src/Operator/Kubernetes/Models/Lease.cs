using System.Text.Json.Serialization;

namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>coordination.k8s.io/v1 Lease</c>.</summary>
public sealed class Lease : KubernetesObject
{
    public LeaseSpec Spec { get; set; } = new();
}

/// <summary><c>LeaseSpec</c>. The times are MicroTime (<c>2006-01-02T15:04:05.000000Z07:00</c>).</summary>
public sealed class LeaseSpec
{
    public string? HolderIdentity { get; set; }

    public int? LeaseDurationSeconds { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; set; }

    public int? LeaseTransitions { get; set; }
}
