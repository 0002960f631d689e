using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing.Kubernetes;
using Xunit.Abstractions;

namespace GithubSts.Operator.Tests.Runtime;

/// <summary>Informers and leader election against a real API server that restarts, compacts and loses connections.</summary>
[Collection(KubeApiServerFaultsGroup.Name)]
public sealed class ApiServerFaultTests(OperatorKubeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private static readonly InformerOptions Quick = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(1),
    };

    private readonly KubernetesApiClient _admin = fixture.Server.CreateClient(logger: new TestLogger<KubernetesApiClient>(output));

    public void Dispose() => _admin.Dispose();

    [KubernetesFact]
    public async Task An_informer_survives_an_API_server_restart_with_its_store_intact()
    {
        var ns = Names.Unique("restart");
        await fixture.Server.EnsureNamespaceAsync(ns);
        await _admin.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "a" } }, default);
        await _admin.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "b" } }, default);
        using var client = fixture.Server.CreateClient(logger: new TestLogger<KubernetesApiClient>(output));
        var informer = new Informer<Secret>(client, ResourceTypes.Secrets, ns, new TestLogger<Informer<Secret>>(output), TimeProvider.System, Quick);
        var handler = new RecordingHandler<Secret>();
        informer.AddHandler(handler);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(20));

        await fixture.Server.StopApiServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(["a", "b"], informer.List().Select(s => s.Metadata.Name).Order());
        Assert.True(informer.HasSynced);
        await fixture.Server.StartApiServerAsync();

        await _admin.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "c" } }, default);
        await _admin.DeleteAsync(ResourceTypes.Secrets, ns, "a", default);

        await Eventually.TrueAsync(
            () => informer.List().Select(s => s.Metadata.Name).Order().SequenceEqual(["b", "c"]), "the store catches up after the restart", TimeSpan.FromSeconds(30));
        Assert.Contains("add c", handler.Events);
        Assert.Contains("delete a", handler.Events);
        Assert.DoesNotContain("delete b", handler.Events);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [KubernetesFact]
    public async Task A_compacted_resource_version_after_an_outage_relists_and_reports_missed_deletes()
    {
        var ns = Names.Unique("gone");
        await fixture.Server.EnsureNamespaceAsync(ns);
        await _admin.CreateAsync(ResourceTypes.ConfigMaps, ns, new ConfigMap { Metadata = new ObjectMeta { Name = "a" } }, default);
        await _admin.CreateAsync(ResourceTypes.ConfigMaps, ns, new ConfigMap { Metadata = new ObjectMeta { Name = "b" } }, default);
        await using var proxy = LoopbackTcpProxy.Start(fixture.Server.Server);
        using var client = new KubernetesApiClient(
            fixture.Server.ConfigurationFor(proxy.Rewrite(fixture.Server.Server)), new TestLogger<KubernetesApiClient>(output));
        var informer = new Informer<ConfigMap>(client, ResourceTypes.ConfigMaps, ns, new TestLogger<Informer<ConfigMap>>(output), TimeProvider.System, Quick);
        var handler = new RecordingHandler<ConfigMap>();
        informer.AddHandler(handler);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(20));
        var before = informer.LastSyncResourceVersion;

        // While the informer is cut off: a delete and two creates, then compaction past its resourceVersion.
        proxy.Pause();
        await _admin.DeleteAsync(ResourceTypes.ConfigMaps, ns, "b", default);
        await _admin.CreateAsync(ResourceTypes.ConfigMaps, ns, new ConfigMap { Metadata = new ObjectMeta { Name = "c" } }, default);
        await _admin.CreateAsync(ResourceTypes.ConfigMaps, ns, new ConfigMap { Metadata = new ObjectMeta { Name = "d" } }, default);
        await fixture.Server.CompactEtcdAsync();
        Assert.Equal(["a", "b"], informer.List().Select(s => s.Metadata.Name).Order());
        proxy.Resume();

        await Eventually.TrueAsync(
            () => informer.List().Select(s => s.Metadata.Name).Order().SequenceEqual(["a", "c", "d"]), "the relist after 410", TimeSpan.FromSeconds(30));
        Assert.Contains("delete b", handler.Events);
        Assert.NotEqual(before, informer.LastSyncResourceVersion);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [KubernetesFact]
    public async Task A_dropped_watch_stream_resumes_without_missing_changes()
    {
        var ns = Names.Unique("drop");
        await fixture.Server.EnsureNamespaceAsync(ns);
        await using var proxy = LoopbackTcpProxy.Start(fixture.Server.Server);
        using var client = new KubernetesApiClient(
            fixture.Server.ConfigurationFor(proxy.Rewrite(fixture.Server.Server)), new TestLogger<KubernetesApiClient>(output));
        var informer = new Informer<Secret>(client, ResourceTypes.Secrets, ns, new TestLogger<Informer<Secret>>(output), TimeProvider.System, Quick);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(20));

        await _admin.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "before" } }, default);
        await Eventually.TrueAsync(() => informer.Count == 1, "the first secret");
        proxy.DropConnections();
        await _admin.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "during" } }, default);
        await Eventually.TrueAsync(() => informer.Count == 2, "the secret created while the stream was down");
        Assert.True(proxy.AcceptedCount >= 2);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [KubernetesFact]
    public async Task A_leader_cut_off_from_the_API_server_steps_down_and_the_other_candidate_takes_over()
    {
        var ns = Names.Unique("le-cut");
        await fixture.Server.EnsureNamespaceAsync(ns);
        await using var proxy = LoopbackTcpProxy.Start(fixture.Server.Server);
        using var cutClient = new KubernetesApiClient(
            fixture.Server.ConfigurationFor(proxy.Rewrite(fixture.Server.Server), requestTimeout: TimeSpan.FromSeconds(2)),
            new TestLogger<KubernetesApiClient>(output));
        var options = new LeaderElectionOptions
        {
            Namespace = ns,
            LeaseName = "github-sts",
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewDeadline = TimeSpan.FromSeconds(3),
            RetryPeriod = TimeSpan.FromMilliseconds(500),
        };
        var cut = new LeaderElector(cutClient, options with { Identity = "cut" }, new TestLogger<LeaderElector>(output), TimeProvider.System);
        var healthy = new LeaderElector(_admin, options with { Identity = "healthy" }, new TestLogger<LeaderElector>(output), TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var runCut = cut.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => cut.IsLeader, "the cut-off candidate leads first");
        var runHealthy = healthy.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => healthy.CurrentLeader == "cut", "the other candidate sees the leader");

        proxy.Pause();
        var paused = DateTime.UtcNow;
        await Eventually.TrueAsync(() => !cut.IsLeader, "the cut-off leader steps down", TimeSpan.FromSeconds(10));
        var steppedDown = DateTime.UtcNow - paused;
        await Eventually.TrueAsync(() => healthy.IsLeader, "the healthy candidate takes over", TimeSpan.FromSeconds(20));
        var takeover = DateTime.UtcNow - paused;
        output.WriteLine($"stepped down after {steppedDown.TotalSeconds:0.0} s, taken over after {takeover.TotalSeconds:0.0} s");

        // Stepping down (renew deadline) happens before the lease can be taken (lease duration): never two leaders.
        Assert.True(steppedDown < TimeSpan.FromSeconds(4.5), $"stepped down after {steppedDown}");
        Assert.True(takeover >= TimeSpan.FromSeconds(3.5), $"taken over after {takeover}");
        Assert.False(cut.IsLeader);

        proxy.Resume();
        await stop.CancelAsync();
        await Task.WhenAll(runCut, runHealthy).WaitAsync(TimeSpan.FromSeconds(15));
    }
}
