using System.Diagnostics;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Testing.Kubernetes;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 12: 1,000 GitHubTokens of one App are issued and renewed in real time (the simulator's tokens live two
/// minutes), never more mints in any minute than the App's budget, and renewals spread rather than in the same second.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class GitHubTokenScaleTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private const int Count = 1_000;
    private const int Budget = 1_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    [KubernetesFact]
    public async Task A_thousand_github_tokens_renew_within_the_mint_budget_and_spread_out()
    {
        // One replica, with the budget under test.
        await env.StopServiceAsync(env.Services[0]);
        await env.StartServiceAsync(e => e["GITHUBSTS_KUBERNETES_GITHUB_TOKENS_MINTS_PER_MINUTE"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (ns, app) = await env.SetUpAsync("scale");
        env.GitHub.TokenLifetime = Lifetime;

        var started = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await env.Admin.CreateAsync(GithubStsResourceTypes.GitHubTokens, ns, new GitHubTokenBuilder(ns, $"t-{i}").App(app).RefreshBefore("45s").Build(), ct));
        output.WriteLine($"created {Count} in {started.Elapsed.TotalSeconds:F1} s");

        var first = await WaitForAllAsync(ns, t => t.Status?.TokenFingerprint is not null, TimeSpan.FromSeconds(120));
        output.WriteLine($"all issued at {started.Elapsed.TotalSeconds:F1} s");
        var renewed = await WaitForAllAsync(ns, t => t.Status?.TokenFingerprint is { } f && f != first[t.Metadata.Name!].Status!.TokenFingerprint, TimeSpan.FromSeconds(180));
        output.WriteLine($"all renewed at {started.Elapsed.TotalSeconds:F1} s");

        // Every renewal came before the token it replaced expired (consumers never saw a gap).
        Assert.All(renewed.Values, t => Assert.True(t.Status!.RefreshedAt < first[t.Metadata.Name!].Status!.ExpiresAt, $"{t.Metadata.Name} renewed after its token expired"));

        // The budget: never more than it allows in any 60 seconds (mint times from the simulator's expiry, to the second).
        var minted = env.GitHub.Mints.Select(m => (m.ExpiresAt - Lifetime).ToUnixTimeSeconds()).Order().ToArray();
        var busiest = minted.Select((at, i) => minted.Skip(i).TakeWhile(other => other < at + 60).Count()).Max();
        output.WriteLine($"{minted.Length} mints; busiest 60 s: {busiest}");
        Assert.True(busiest <= Budget, $"{busiest} mints in one minute; the budget is {Budget}");

        // The spread: renewals land over many seconds, not together. Judged on each token's own issue-to-renewal time,
        // so how bunched the first issuance was (the load of the machine) does not count: without jitter every token
        // would renew the same time after its issue (one bucket of ~1,000); with it they spread over the jitter window
        // (a quarter of refreshBefore, ~11 s here: ~90 per second on average).
        var perSecond = renewed.Values.GroupBy(t => t.Status!.RefreshedAt!.Value.ToUnixTimeSeconds()).Select(g => g.Count()).ToList();
        var offsets = renewed.Values
            .GroupBy(t => (long)Math.Floor((t.Status!.RefreshedAt!.Value - first[t.Metadata.Name!].Status!.RefreshedAt!.Value).TotalSeconds))
            .Select(g => g.Count()).ToList();
        output.WriteLine($"renewals over {perSecond.Count} distinct seconds, at most {perSecond.Max()} in one; " +
            $"issue-to-renewal times over {offsets.Count} distinct seconds, at most {offsets.Max()} in one");
        Assert.True(offsets.Count >= 8, $"issue-to-renewal times over only {offsets.Count} distinct seconds");
        Assert.True(offsets.Max() <= Count / 5, $"{offsets.Max()} tokens renewed the same second after their issue");
        env.GitHub.TokenLifetime = TimeSpan.FromHours(1);
    }

    private async Task<Dictionary<string, GitHubToken>> WaitForAllAsync(string ns, Func<GitHubToken, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var list = await env.Admin.ListAsync<GitHubToken>(GithubStsResourceTypes.GitHubTokens, ns, null, CancellationToken.None);
            var count = list.Items.Count(done);
            if (count == Count)
            {
                return list.Items.ToDictionary(t => t.Metadata.Name!, StringComparer.Ordinal);
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {count} of {Count} in time");
            await Task.Delay(2000);
        }
    }
}
