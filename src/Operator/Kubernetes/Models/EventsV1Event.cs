using System.Text.Json.Serialization;

namespace GithubSts.Operator.Kubernetes.Models;

/// <summary><c>events.k8s.io/v1 Event</c>.</summary>
public sealed class EventsV1Event : KubernetesObject
{
    /// <summary>Required; MicroTime.</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? EventTime { get; set; }

    public EventSeries? Series { get; set; }

    /// <summary>e.g. <c>githubsts.io/operator</c>.</summary>
    public string? ReportingController { get; set; }

    /// <summary>e.g. the pod name.</summary>
    public string? ReportingInstance { get; set; }

    /// <summary>What was done (or failed), e.g. <c>Reconcile</c>.</summary>
    public string? Action { get; set; }

    /// <summary>Why, CamelCase, at most 128 characters.</summary>
    public string? Reason { get; set; }

    public ObjectReference? Regarding { get; set; }

    public ObjectReference? Related { get; set; }

    /// <summary>Human-readable, at most 1 KiB.</summary>
    public string? Note { get; set; }

    /// <summary><c>Normal</c> or <c>Warning</c>.</summary>
    public string? Type { get; set; }
}

/// <summary><c>events.k8s.io/v1 EventSeries</c>.</summary>
public sealed class EventSeries
{
    public int Count { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? LastObservedTime { get; set; }
}
