using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing.Kubernetes;
using k8s;
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

        var lease = await _client.Library.CoordinationV1.ReadNamespacedLeaseAsync("github-sts", ns);
        Assert.Equal("second", lease.Spec!.HolderIdentity);
        Assert.Equal(4, lease.Spec!.LeaseDurationSeconds);
        Assert.Equal(1, lease.Spec!.LeaseTransitions);
        Assert.NotNull(lease.Spec!.RenewTime);

        await stopSecond.CancelAsync();
        await runSecond.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(bothLed);
        Assert.Equal(["first+", "first-", "second+", "second-"], transitions);
        var released = await _client.Library.CoordinationV1.ReadNamespacedLeaseAsync("github-sts", ns);
        Assert.Null(released.Spec!.HolderIdentity);
        Assert.Equal(1, released.Spec!.LeaseDurationSeconds);
    }

    [KubernetesFact]
    public async Task A_lease_written_at_a_whole_second_is_still_a_valid_MicroTime()
    {
        // The library writes a whole-second DateTime without fraction, which the API server refuses for a MicroTime.
        var ns = Names.Unique("le-second");
        await fixture.Server.EnsureNamespaceAsync(ns);
        var elector = new LeaderElector(
            _client,
            new LeaderElectionOptions
            {
                Namespace = ns,
                LeaseName = "github-sts",
                Identity = "whole-second",
                LeaseDuration = TimeSpan.FromSeconds(4),
                RenewDeadline = TimeSpan.FromSeconds(3),
                RetryPeriod = TimeSpan.FromMilliseconds(500),
            },
            new TestLogger<LeaderElector>(output),
            new WholeSecondClock());
        using var stop = new CancellationTokenSource();
        var run = elector.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => elector.IsLeader, "the lease is created");
        var created = await _client.Library.CoordinationV1.ReadNamespacedLeaseAsync("github-sts", ns);
        await Eventually.TrueAsync(
            async () => (await _client.Library.CoordinationV1.ReadNamespacedLeaseAsync("github-sts", ns)).Spec!.RenewTime > created.Spec!.RenewTime,
            "the lease is renewed");
        Assert.True(elector.IsLeader);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        var released = await _client.Library.CoordinationV1.ReadNamespacedLeaseAsync("github-sts", ns);
        Assert.Null(released.Spec!.HolderIdentity);
        Assert.Equal(TimeSpan.TicksPerMicrosecond, released.Spec.RenewTime!.Value.Ticks % TimeSpan.TicksPerSecond);
    }

    /// <summary>Real timers and timestamps; the wall clock moves in whole seconds.</summary>
    private sealed class WholeSecondClock : TimeProvider
    {
        private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        private readonly long _started = System.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => Start.AddSeconds(Math.Floor(System.GetElapsedTime(_started).TotalSeconds));
    }
}
