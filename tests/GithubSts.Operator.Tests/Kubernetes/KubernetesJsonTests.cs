using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using k8s.Models;

namespace GithubSts.Operator.Tests.Kubernetes;

public sealed class KubernetesJsonTests
{
    [Fact]
    public void Library_lease_times_are_written_as_MicroTime_inside_the_object()
    {
        // The leader elector writes V1Lease through the library; the API server accepts exactly six fractional digits.
        var lease = new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "l", NamespaceProperty = "ns" },
            Spec = new V1LeaseSpec
            {
                HolderIdentity = "me",
                LeaseDurationSeconds = 15,
                RenewTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567),
                AcquireTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            },
        };

        var json = JsonNode.Parse(k8s.KubernetesJson.Serialize(lease))!;

        Assert.Equal("2026-01-02T03:04:05.123456Z", (string?)json["spec"]!["renewTime"]);
        Assert.Null(json["spec"]!["leaseTransitions"]);
        Assert.Null(json["metadata"]!["uid"]);
        Assert.Equal("me", (string?)json["spec"]!["holderIdentity"]);

        // Not a MicroTime: a whole second is written without fraction (the API server answers 400, LeaderElector never
        // writes one), and a top-level DateTime keeps seven digits.
        Assert.Equal("2026-01-02T03:04:05Z", (string?)json["spec"]!["acquireTime"]);
        Assert.Equal("\"2026-01-02T03:04:05.1234567Z\"", k8s.KubernetesJson.Serialize(lease.Spec.RenewTime!.Value));
    }

    [Theory]
    [InlineData(1234567)]
    [InlineData(0)]
    [InlineData(10)]
    public void Library_event_times_are_written_as_MicroTime(long ticks)
    {
        // EventRecorder writes Eventsv1Event through the library; events.k8s.io/v1 wants exactly six fractional
        // digits (RFC 3339, UTC), including at a whole second, where the library alone would write no fraction.
        var now = new DateTimeOffset(2026, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)).AddTicks(ticks);
        var microTime = GithubSts.Operator.Runtime.EventRecorder.MicroTime(now);
        var ev = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "e", NamespaceProperty = "ns" },
            EventTime = microTime,
            Series = new Eventsv1EventSeries { Count = 2, LastObservedTime = microTime },
        };

        var json = JsonNode.Parse(k8s.KubernetesJson.Serialize(ev))!;
        var microTimeFormat = new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$");
        var eventTime = (string?)json["eventTime"];
        Assert.Matches(microTimeFormat, eventTime);
        Assert.Matches(microTimeFormat, (string?)json["series"]!["lastObservedTime"]);
        Assert.Equal(ticks == 1234567 ? "2026-01-02T03:04:05.123456Z" : "2026-01-02T03:04:05.000001Z", eventTime);

        // The series patch keeps the text we format ourselves (a merge patch, not re-serialized as a DateTime).
        var patch = new JsonObject { ["series"] = new JsonObject { ["count"] = 2, ["lastObservedTime"] = MicroTimeConverter.Format(now) } };
        var patchJson = JsonNode.Parse(k8s.KubernetesJson.Serialize(new V1Patch(patch, V1Patch.PatchType.MergePatch)))!;
        Assert.Matches(microTimeFormat, (string?)patchJson["series"]!["lastObservedTime"]);
    }

    [Fact]
    public void MicroTime_is_written_with_six_fractional_digits_in_UTC()
    {
        var value = new MicroTimeValue { At = new DateTimeOffset(2026, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567) };

        var json = JsonNode.Parse(JsonSerializer.Serialize(value, KubernetesApiClient.JsonOptions))!;

        Assert.Equal("2026-01-02T03:04:05.123456Z", (string?)json["at"]);
        Assert.Equal("2026-01-02T03:04:05.000000Z", MicroTimeConverter.Format(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        Assert.Null(JsonNode.Parse(JsonSerializer.Serialize(new MicroTimeValue(), KubernetesApiClient.JsonOptions))!["at"]);
    }

    [Fact]
    public void Time_is_written_with_whole_seconds_in_UTC()
    {
        var condition = new Condition
        {
            Type = "Ready",
            Status = "True",
            LastTransitionTime = new DateTimeOffset(2026, 5, 6, 9, 8, 7, TimeSpan.FromHours(-3)).AddMilliseconds(890),
        };

        var json = JsonNode.Parse(JsonSerializer.Serialize(condition, KubernetesApiClient.JsonOptions))!;

        Assert.Equal("2026-05-06T12:08:07Z", (string?)json["lastTransitionTime"]);
    }

    [Theory]
    [InlineData("2026-01-02T03:04:05Z", 0)]
    [InlineData("2026-01-02T03:04:05.123456Z", 1234560)]
    [InlineData("2026-01-02T03:04:05.123456789Z", 1234567)]
    [InlineData("2026-01-02T05:04:05.5+02:00", 5000000)]
    public void Times_with_0_to_9_fractional_digits_are_read(string text, long fractionTicks)
    {
        var value = JsonSerializer.Deserialize<MicroTimeValue>($$$"""{"at":"{{{text}}}","metadata":{"creationTimestamp":"{{{text}}}"}}""", KubernetesApiClient.JsonOptions)!;

        var expected = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(fractionTicks);
        Assert.Equal(expected, value.At);
        Assert.Equal(expected, value.Metadata.CreationTimestamp);
    }

    [Fact]
    public void Null_times_and_unknown_fields_are_accepted()
    {
        var value = JsonSerializer.Deserialize<MicroTimeValue>(
            """{"at":null,"holderIdentity":"x","metadata":{"managedFields":[{"manager":"m"}]},"extra":1}""",
            KubernetesApiClient.JsonOptions)!;

        Assert.Null(value.At);
        Assert.Equal("x", value.HolderIdentity);
    }

    [Fact]
    public void Secret_data_is_base64_on_the_wire()
    {
        var secret = JsonSerializer.Deserialize<Secret>("""{"data":{"key":"aGVsbG8="}}""", KubernetesApiClient.JsonOptions)!;
        Assert.Equal("hello"u8.ToArray(), secret.Data!["key"]);

        var json = JsonSerializer.Serialize(new Secret { Data = new Dictionary<string, byte[]> { ["Key-With.Case"] = [1, 2] } }, KubernetesApiClient.JsonOptions);
        Assert.Contains("\"Key-With.Case\":\"AQI=\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Unstructured_objects_round_trip_unknown_fields()
    {
        var obj = JsonSerializer.Deserialize<UnstructuredObject>(
            """{"apiVersion":"x/v1","kind":"Thing","metadata":{"name":"n"},"spec":{"a":[1,2]},"status":{"ok":true}}""", KubernetesApiClient.JsonOptions)!;

        var json = JsonNode.Parse(JsonSerializer.Serialize(obj, KubernetesApiClient.JsonOptions))!;

        Assert.Equal("n", (string?)json["metadata"]!["name"]);
        Assert.Equal(2, (int)json["spec"]!["a"]![1]!);
        Assert.True((bool)json["status"]!["ok"]!);
    }

    [Fact]
    public void Resource_paths_follow_the_REST_conventions()
    {
        Assert.Equal("/api/v1/namespaces/ns/secrets", ResourceTypes.Secrets.CollectionPath("ns"));
        Assert.Equal("/api/v1/secrets", ResourceTypes.Secrets.CollectionPath(null));
        Assert.Equal("/api/v1/namespaces/ns/secrets/a%20b", ResourceTypes.Secrets.ItemPath("ns", "a b"));
        Assert.Equal("/apis/githubsts.io/v1alpha1/namespaces/ns/trustpolicies/l/status", GithubStsResourceTypes.TrustPolicies.ItemPath("ns", "l", "status"));
        Assert.Equal("/api/v1/namespaces/x", ResourceTypes.Namespaces.ItemPath(null, "x"));
        Assert.Equal("v1", ResourceTypes.Secrets.ApiVersion);
        Assert.Throws<ArgumentException>(() => ResourceTypes.Namespaces.CollectionPath("ns"));
        Assert.Throws<ArgumentException>(() => ResourceTypes.Secrets.ItemPath(null, "x"));
    }

    [Theory]
    [InlineData(404, typeof(KubernetesNotFoundException))]
    [InlineData(409, typeof(KubernetesConflictException))]
    [InlineData(410, typeof(KubernetesGoneException))]
    [InlineData(403, typeof(KubernetesForbiddenException))]
    [InlineData(401, typeof(KubernetesUnauthorizedException))]
    [InlineData(500, typeof(KubernetesApiException))]
    public void Status_codes_map_to_typed_exceptions(int code, Type expected)
    {
        var ex = KubernetesApiException.Create(code, new ApiStatus { Reason = "R", Message = "m", Code = code });
        Assert.IsType(expected, ex);
        Assert.Equal(code, ex.StatusCode);
        Assert.Equal("Kubernetes API answered " + code + " (R): m", ex.Message);
    }

    private sealed class MicroTimeValue : KubernetesObject
    {
        [JsonConverter(typeof(MicroTimeConverter))]
        public DateTimeOffset? At { get; set; }

        public string? HolderIdentity { get; set; }
    }
}
