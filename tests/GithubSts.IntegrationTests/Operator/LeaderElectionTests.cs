using System.Globalization;
using GithubSts.Exchange.Health;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Testing.Kubernetes;
using k8s;
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
        var lease = await env.Admin.Library.CoordinationV1.ReadNamespacedLeaseAsync("github-sts-leader", Ns);
        var leader = electors.Single(e => e.IsLeader);
        Assert.Equal(leader.Identity, lease.Spec?.HolderIdentity);

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
    [KubernetesFact]
    public async Task A_new_replica_is_ready_only_once_the_existing_policies_are_in_its_index()
    {
        await env.ApplyAppAsync();
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "default", ConditionTypes.Ready, ConditionStatus.True);
        const int Count = 300;
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await env.Admin.CreateAsync(GithubStsResourceTypes.TrustPolicies, Ns, new TrustPolicy
            {
                ApiVersion = "githubsts.io/v1alpha1",
                Kind = "TrustPolicy",
                Metadata = new ObjectMeta { Name = $"warm-{i}", Namespace = Ns },
                Spec = new TrustPolicySpec { App = "default", Scope = "octo-org/octo-repo", ServiceAccount = $"sa-{i}", Permissions = new() { ["contents"] = "read" } },
            }, ct));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, $"warm-{Count - 1}", ConditionTypes.Ready, ConditionStatus.True);

        var client = await env.StartServiceAsync();
        var service = env.Services[^1];
        try
        {
            await AssertReadyOnlyWithEveryPolicyAsync(service.Services, client, Count);
        }
        finally
        {
            // The other test here counts replicas.
            await env.StopServiceAsync(service);
        }
    }

    private async Task AssertReadyOnlyWithEveryPolicyAsync(IServiceProvider replica, HttpClient client, int count)
    {
        var readiness = replica.GetRequiredService<ServiceReadiness>();
        var index = replica.GetRequiredService<PolicyIndex>();
        // Spin (not poll): the window between "ready" and "index complete" would be a few milliseconds.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        await Task.Run(() =>
        {
            while (!readiness.IsReady(out _) && DateTime.UtcNow < deadline)
            {
                Thread.Yield();
            }
        });

        // Read at the first moment of readiness: every policy that was Ready in the cluster is already served.
        var missing = Enumerable.Range(0, count).Count(i => index.Winner(new PolicyIndexKey("default", "octo-org/octo-repo", $"warm-{i}")) is null);
        output.WriteLine($"new replica ready with {index.Count} policies indexed, {missing} of ours missing");
        Assert.Equal(0, missing);
        using var management = ManagementClients.For(replica);
        using var ready = await management.GetAsync("/readyz");
        Assert.Equal(200, (int)ready.StatusCode);

        // The index size is exported for dashboards and for the scale benchmark.
        var metrics = await management.GetStringAsync("/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("githubsts_policy_index_policies ", StringComparison.Ordinal)

            // OpenTelemetry's exporter writes an empty label set as {}.
            || l.StartsWith("githubsts_policy_index_policies{} ", StringComparison.Ordinal));
        Assert.True(long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture) >= count, line);
    }
}
