using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing.Kubernetes;
using Xunit.Abstractions;

namespace GithubSts.Operator.Tests.Runtime;

[Collection(KubeApiServerGroup.Name)]
public sealed class LeaderElectorTests(OperatorKubeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly KubernetesApiClient _client = fixture.Server.CreateClient(logger: new TestLogger<KubernetesApiClient>(output));

    public void Dispose() => _client.Dispose();

    [Fact]
    public void Options_are_validated_like_client_go()
    {
        var valid = new LeaderElectionOptions { Namespace = "ns", LeaseName = "l" };
        valid.Validate();
        Assert.Matches("^.+_[0-9a-f]{32}$", valid.Identity);
        Assert.Throws<ArgumentException>(() => (valid with { RenewDeadline = TimeSpan.FromSeconds(15) }).Validate());
        Assert.Throws<ArgumentException>(() => (valid with { RetryPeriod = TimeSpan.FromSeconds(9) }).Validate());
    }

    [KubernetesFact]
    public async Task Exactly_one_of_two_candidates_leads_and_the_other_takes_over_after_a_graceful_stop()
    {
        var ns = Names.Unique("le");
        await fixture.Server.EnsureNamespaceAsync(ns);
        var options = new LeaderElectionOptions
        {
            Namespace = ns,
            LeaseName = "github-sts",
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewDeadline = TimeSpan.FromSeconds(3),
            RetryPeriod = TimeSpan.FromMilliseconds(500),
        };
        var first = new LeaderElector(_client, options with { Identity = "first" }, new TestLogger<LeaderElector>(output), TimeProvider.System);
        var second = new LeaderElector(_client, options with { Identity = "second" }, new TestLogger<LeaderElector>(output), TimeProvider.System);
        var bothLed = false;
        var transitions = new System.Collections.Concurrent.ConcurrentQueue<string>();
        first.StartedLeading += () => { transitions.Enqueue("first+"); bothLed |= second.IsLeader; };
        first.StoppedLeading += () => transitions.Enqueue("first-");
        second.StartedLeading += () => { transitions.Enqueue("second+"); bothLed |= first.IsLeader; };
        second.StoppedLeading += () => transitions.Enqueue("second-");
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var runFirst = first.RunAsync(stopFirst.Token);
        await Eventually.TrueAsync(() => first.IsLeader, "the first candidate leads");
        var runSecond = second.RunAsync(stopSecond.Token);

        // The second candidate keeps trying but must not take a lease that is being renewed.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.True(first.IsLeader);
        Assert.False(second.IsLeader);
        Assert.Equal("first", second.CurrentLeader);

        var stopped = DateTime.UtcNow;
        await stopFirst.CancelAsync();
        await runFirst.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(first.IsLeader);
        await Eventually.TrueAsync(() => second.IsLeader, "the second candidate takes over", TimeSpan.FromSeconds(20));
        var takeover = DateTime.UtcNow - stopped;
        output.WriteLine($"takeover after {takeover.TotalSeconds:0.0} s");
        Assert.True(takeover < TimeSpan.FromSeconds(3), $"graceful release should make the takeover fast, took {takeover}");

        var lease = await _client.GetAsync<Lease>(ResourceTypes.Leases, ns, "github-sts", default);
        Assert.Equal("second", lease.Spec.HolderIdentity);
        Assert.Equal(4, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
        Assert.NotNull(lease.Spec.RenewTime);

        await stopSecond.CancelAsync();
        await runSecond.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(bothLed);
        Assert.Equal(["first+", "first-", "second+", "second-"], transitions);
        var released = await _client.GetAsync<Lease>(ResourceTypes.Leases, ns, "github-sts", default);
        Assert.Null(released.Spec.HolderIdentity);
        Assert.Equal(1, released.Spec.LeaseDurationSeconds);
    }
}
