using System.Diagnostics;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Requests;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Testing.Kubernetes;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>Issue target: 5,000 TrustPolicies applied → all in the index and Ready within 60 s. Prints the figures.</summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class ScaleTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private const int PolicyCount = 5_000;
    private const string Ns = OperatorEnvironment.OperatorNamespace;

    [KubernetesFact]
    public async Task Five_thousand_trust_policies_are_indexed_and_ready_within_a_minute()
    {
        await env.ApplyAppAsync();
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "default", ConditionTypes.Ready, ConditionStatus.True);
        var index = env.Services[0].Services.GetRequiredService<PolicyIndex>();

        var started = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, PolicyCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await env.Admin.CreateAsync(GithubStsResourceTypes.TrustPolicies, Ns, new TrustPolicy
            {
                ApiVersion = "githubsts.io/v1alpha1",
                Kind = "TrustPolicy",
                Metadata = new ObjectMeta { Name = $"scale-{i}", Namespace = Ns },
                Spec = new TrustPolicySpec
                {
                    App = "default",
                    Scope = "octo-org/octo-repo",
                    ServiceAccount = $"sa-{i % 50}",
                    Permissions = new() { ["contents"] = "read" },
                },
            }, ct));
        var created = started.Elapsed;

        while (index.Count < PolicyCount && started.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(100);
        }

        var indexed = started.Elapsed;
        int ready;
        do
        {
            var list = await env.Admin.ListAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, null, CancellationToken.None);
            ready = list.Items.Count(p => p.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True) == true);
            if (ready < PolicyCount)
            {
                await Task.Delay(2000);
            }
        }
        while (ready < PolicyCount && started.Elapsed < TimeSpan.FromSeconds(90));

        var allReady = started.Elapsed;
        output.WriteLine($"{PolicyCount} TrustPolicies: created in {created.TotalSeconds:F1} s, all indexed at {indexed.TotalSeconds:F1} s, all Ready at {allReady.TotalSeconds:F1} s");
        Assert.Equal(PolicyCount, index.Count);
        Assert.Equal(PolicyCount, ready);
        Assert.True(allReady < TimeSpan.FromSeconds(60), $"all Ready took {allReady.TotalSeconds:F1} s");

        // Lookups read an immutable snapshot: compare against a small index (figures, not a timing assertion).
        var app = env.Services[0].Services.GetRequiredService<IGitHubAppRegistry>().Select("default").App!;
        Assert.True(ExchangeTarget.TryParse("octo-org/octo-repo", out var target));
        var small = new PolicyIndex();
        foreach (var policy in Enumerable.Range(0, 10).Select(i => index.Winner(new PolicyIndexKey("default", "octo-org/octo-repo", $"scale-{i}"))!))
        {
            small.Upsert(policy);
        }

        output.WriteLine($"lookup: {MeasureLookup(index, app, target):F0} ns with {index.Count} policies, {MeasureLookup(small, app, target):F0} ns with {small.Count}");
    }

    private static PolicyIndexKey Key(PolicyLookup lookup) => new(lookup.App.Name, lookup.Target.ToString(), lookup.Identity);

    private static double MeasureLookup(PolicyIndex index, GitHubAppRuntime app, ExchangeTarget target)
    {
        var lookups = Enumerable.Range(0, 10).Select(i => new PolicyLookup(app, target, $"scale-{i}")).ToArray();
        const int Rounds = 200_000;
        for (var i = 0; i < 10_000; i++)
        {
            _ = index.Winner(Key(lookups[i % 10]));
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++)
        {
            _ = index.Winner(Key(lookups[i % 10]));
        }

        return stopwatch.Elapsed.TotalNanoseconds / Rounds;
    }
}
