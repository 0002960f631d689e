using System.Text.Json.Nodes;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing.Kubernetes;
using Xunit.Abstractions;

namespace GithubSts.Operator.Tests.Runtime;

[Collection(KubeApiServerGroup.Name)]
public sealed class InformerTests(OperatorKubeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly KubernetesApiClient _client = fixture.Server.CreateClient(logger: new TestLogger<KubernetesApiClient>(output));

    public void Dispose() => _client.Dispose();

    [KubernetesFact]
    public async Task An_informer_syncs_and_tracks_adds_updates_and_deletes()
    {
        var ns = Names.Unique("inf");
        await fixture.Server.EnsureNamespaceAsync(ns);
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = $"pre-{i}" } }, default);
        }

        var informer = new Informer<Secret>(_client, ResourceTypes.Secrets, ns, new TestLogger<InformerTests>(output), TimeProvider.System, new InformerOptions { PageSize = 2 });
        var handler = new RecordingHandler<Secret>();
        informer.AddHandler(handler);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(["pre-0", "pre-1", "pre-2"], informer.List().Select(s => s.Metadata.Name).Order());

        await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "new" } }, default);
        await _client.PatchMergeAsync<Secret>(ResourceTypes.Secrets, ns, "pre-0", new JsonObject { ["stringData"] = new JsonObject { ["k"] = "v" } }, false, default);
        await _client.DeleteAsync(ResourceTypes.Secrets, ns, "pre-1", default);

        await Eventually.TrueAsync(() => handler.Events.Count >= 6, "three more notifications");
        Assert.Equal(["add new", "update pre-0", "delete pre-1"], handler.Snapshot.Skip(3));
        Assert.True(informer.TryGet(ns, "pre-0", out var updated));
        Assert.Equal("v"u8.ToArray(), updated.Data!["k"]);
        Assert.False(informer.TryGet(ns, "pre-1", out _));
        Assert.Equal(3, informer.Count);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [KubernetesFact]
    public async Task A_label_selected_informer_sees_only_matching_objects()
    {
        var ns = Names.Unique("sel");
        await fixture.Server.EnsureNamespaceAsync(ns);
        var informer = new Informer<Secret>(
            _client, ResourceTypes.Secrets, ns, new TestLogger<InformerTests>(output), TimeProvider.System, new InformerOptions { LabelSelector = "pick=yes" });
        var handler = new RecordingHandler<Secret>();
        informer.AddHandler(handler);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(20));

        await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "no" } }, default);
        await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret
        {
            Metadata = new ObjectMeta { Name = "yes", Labels = new Dictionary<string, string> { ["pick"] = "yes" } },
        }, default);

        await Eventually.TrueAsync(() => informer.Count == 1, "the labelled secret");
        Assert.Equal(["add yes"], handler.Snapshot);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
