using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Tests.Kubernetes;

public sealed class KubernetesJsonTests
{
    [Fact]
    public void Lease_times_are_written_as_MicroTime_and_nulls_are_omitted()
    {
        var lease = new Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new ObjectMeta { Name = "l", Namespace = "ns" },
            Spec = new LeaseSpec
            {
                HolderIdentity = "me",
                LeaseDurationSeconds = 15,
                RenewTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567),
                AcquireTime = new DateTimeOffset(2026, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)),
            },
        };

        var json = JsonNode.Parse(JsonSerializer.Serialize(lease, KubernetesApiClient.JsonOptions))!;

        Assert.Equal("2026-01-02T03:04:05.123456Z", (string?)json["spec"]!["renewTime"]);
        Assert.Equal("2026-01-02T03:04:05.000000Z", (string?)json["spec"]!["acquireTime"]);
        Assert.Null(json["spec"]!["leaseTransitions"]);
        Assert.Null(json["metadata"]!["uid"]);
        Assert.Equal("me", (string?)json["spec"]!["holderIdentity"]);
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
        var lease = JsonSerializer.Deserialize<Lease>($$$"""{"spec":{"renewTime":"{{{text}}}"},"metadata":{"creationTimestamp":"{{{text}}}"}}""", KubernetesApiClient.JsonOptions)!;

        var expected = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(fractionTicks);
        Assert.Equal(expected, lease.Spec.RenewTime);
        Assert.Equal(expected, lease.Metadata.CreationTimestamp);
    }

    [Fact]
    public void Null_times_and_unknown_fields_are_accepted()
    {
        var lease = JsonSerializer.Deserialize<Lease>(
            """{"spec":{"renewTime":null,"holderIdentity":"x","strategy":"Foo"},"metadata":{"managedFields":[{"manager":"m"}]},"extra":1}""",
            KubernetesApiClient.JsonOptions)!;

        Assert.Null(lease.Spec.RenewTime);
        Assert.Equal("x", lease.Spec.HolderIdentity);
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
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/ns/leases/l/status", ResourceTypes.Leases.ItemPath("ns", "l", "status"));
        Assert.Equal("/apis/authentication.k8s.io/v1/tokenreviews", ResourceTypes.TokenReviews.CollectionPath(null));
        Assert.Equal("/api/v1/namespaces/x", ResourceTypes.Namespaces.ItemPath(null, "x"));
        Assert.Equal("events.k8s.io/v1", ResourceTypes.Events.ApiVersion);
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
}
