using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing;
using GithubSts.Testing.Kubernetes;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace GithubSts.Operator.Tests.Runtime;

[Collection(KubeApiServerGroup.Name)]
public sealed class EventRecorderTests(OperatorKubeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly KubernetesApiClient _client = fixture.Server.CreateClient(logger: new TestLogger<KubernetesApiClient>(output));

    public void Dispose() => _client.Dispose();

    [KubernetesFact]
    public async Task Events_are_written_once_and_repeats_become_a_series()
    {
        var ns = Names.Unique("ev");
        await fixture.Server.EnsureNamespaceAsync(ns);
        var secret = await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "app-key" } }, default);
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var recorder = new EventRecorder(_client, () => true, new TestLogger<EventRecorder>(output), time, new EventRecorderOptions
        {
            ReportingInstance = "pod-1",
            SeriesUpdateInterval = TimeSpan.Zero,
        });
        var regarding = EventRecorder.ReferenceTo(secret);

        await recorder.RecordAsync(regarding, EventRecorder.Warning, "KeyInvalid", "The private key is not a PEM RSA key.", default);
        time.Advance(TimeSpan.FromSeconds(5));
        await recorder.RecordAsync(regarding, EventRecorder.Warning, "KeyInvalid", "The private key is not a PEM RSA key.", default);
        time.Advance(TimeSpan.FromSeconds(5));
        await recorder.RecordAsync(regarding, EventRecorder.Warning, "KeyInvalid", "The private key is not a PEM RSA key.", default);
        await recorder.RecordAsync(regarding, EventRecorder.Normal, "KeyLoaded", "Loaded.", "Load", default);

        var events = (await _client.Library.EventsV1.ListNamespacedEventAsync(ns, cancellationToken: default)).Items;
        Assert.Equal(2, events.Count);
        var warning = Assert.Single(events, e => e.Reason == "KeyInvalid");
        Assert.Equal("Warning", warning.Type);
        Assert.Equal("Reconcile", warning.Action);
        Assert.Equal("githubsts.io/operator", warning.ReportingController);
        Assert.Equal("pod-1", warning.ReportingInstance);
        Assert.Equal("The private key is not a PEM RSA key.", warning.Note);
        Assert.Equal("app-key", warning.Regarding!.Name);
        Assert.Equal("Secret", warning.Regarding.Kind);
        Assert.Equal(secret.Metadata.Uid, warning.Regarding.Uid);
        Assert.StartsWith("app-key.", warning.Metadata.Name, StringComparison.Ordinal);
        Assert.NotNull(warning.EventTime);
        Assert.Equal(3, warning.Series!.Count);
        Assert.Equal("Load", Assert.Single(events, e => e.Reason == "KeyLoaded").Action);
    }

    [KubernetesFact]
    public async Task Nothing_is_written_while_not_leader_and_failures_do_not_throw()
    {
        var ns = Names.Unique("ev");
        await fixture.Server.EnsureNamespaceAsync(ns);
        var leader = false;
        var recorder = new EventRecorder(_client, () => leader, new TestLogger<EventRecorder>(output), TimeProvider.System);
        var regarding = new V1ObjectReference { ApiVersion = "v1", Kind = "Secret", NamespaceProperty = ns, Name = "x" };

        await recorder.RecordAsync(regarding, EventRecorder.Normal, "Tested", "not leader", default);
        Assert.Empty((await _client.Library.EventsV1.ListNamespacedEventAsync(ns, cancellationToken: default)).Items);

        leader = true;
        using var restricted = fixture.Server.CreateClient(OperatorKubeFixture.RestrictedToken);
        var forbidden = new EventRecorder(restricted, () => leader, new TestLogger<EventRecorder>(output), TimeProvider.System);
        await forbidden.RecordAsync(regarding, EventRecorder.Normal, "Tested", "forbidden", default);
        Assert.Empty((await _client.Library.EventsV1.ListNamespacedEventAsync(ns, cancellationToken: default)).Items);

        await recorder.RecordAsync(regarding, EventRecorder.Normal, "Tested", "leader", default);
        Assert.Single((await _client.Library.EventsV1.ListNamespacedEventAsync(ns, cancellationToken: default)).Items);
        await Assert.ThrowsAsync<ArgumentException>(() => recorder.RecordAsync(regarding, "Error", "Tested", "bad type", default));
    }
}
