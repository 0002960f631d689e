using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Testing.Kubernetes;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>Two replicas: both serve exchanges, exactly one leads and writes status, and the other takes over.</summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class LeaderElectionTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private const string Ns = OperatorEnvironment.OperatorNamespace;

    [KubernetesFact]
    public async Task Only_one_replica_leads_and_the_other_takes_over_when_it_stops()
    {
        var second = await env.StartServiceAsync();
        await env.ApplyAppAsync();
        await env.Cluster.EnsureServiceAccountAsync(Ns, "deployer");
        await env.ApplyAsync(OperatorEndToEndTests.Policy("leader-1", Ns, "serviceAccount: deployer"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "leader-1", ConditionTypes.Ready, ConditionStatus.True);

        var electors = env.Services.Select(s => s.Services.GetRequiredService<LeaderElector>()).ToList();
        await WaitUntilAsync(() => electors.Count(e => e.IsLeader) == 1, TimeSpan.FromSeconds(30));
        var lease = await env.Admin.GetAsync<Lease>(ResourceTypes.Leases, Ns, "github-sts-leader", CancellationToken.None);
        var leader = electors.Single(e => e.IsLeader);
        Assert.Equal(leader.Identity, lease.Spec.HolderIdentity);

        // Both replicas serve exchanges (each keeps its own index from its own informers).
        var token = await env.Cluster.CreateTokenAsync(Ns, "deployer", OperatorEnvironment.Audience);
        using (var viaFirst = await env.ExchangeAsync(token, "octo-org/octo-repo", "leader-1"))
        using (var viaSecond = await env.ExchangeAsync(token, "octo-org/octo-repo", "leader-1", second))
        {
            Assert.Equal(200, (int)viaFirst.StatusCode);
            Assert.Equal(200, (int)viaSecond.StatusCode);
        }

        var leaderService = env.Services[electors.IndexOf(leader)];
        var follower = electors.Single(e => !e.IsLeader);
        var stopped = DateTime.UtcNow;
        await env.StopServiceAsync(leaderService);
        await WaitUntilAsync(() => follower.IsLeader, TimeSpan.FromSeconds(30));
        output.WriteLine($"takeover after {(DateTime.UtcNow - stopped).TotalMilliseconds:F0} ms");

        // The new leader writes status for resources created after the handover.
        await env.ApplyAsync(OperatorEndToEndTests.Policy("leader-2", Ns, "serviceAccount: deployer"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "leader-2", ConditionTypes.Ready, ConditionStatus.True);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(100);
        }
    }
}
