using System.Text.Json;
using System.Text.Json.Serialization;

namespace GithubSts.Operator.Kubernetes.Models;

/// <summary>Any object: the envelope plus every other top-level field kept as JSON (round-trips unknown fields).</summary>
public sealed class UnstructuredObject : KubernetesObject
{
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Fields { get; set; }
}
