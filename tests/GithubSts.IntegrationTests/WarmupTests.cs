using System.Globalization;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Warmup;
using GithubSts.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.IntegrationTests;

/// <summary>
/// The start-up warm-up (<c>startup.warmupSeconds</c>): readiness waits for it, and its private exchanges reach nothing
/// of the service's own: no request to the configured GitHub, no audit line, no exchange counted in the metrics.
/// </summary>
public sealed class WarmupTests
{
    [Fact]
    public async Task Readiness_waits_for_the_warm_up_whose_exchanges_reach_neither_github_nor_the_audit_nor_the_metrics()
    {
        var audited = new List<AuditEvent>();
        await using var host = await StsTestHost.StartAsync(
            env =>
            {
                env["GITHUBSTS_STARTUP_WARMUP_SECONDS"] = "10";
                env["GITHUBSTS_AUDIT_STDOUT"] = "true";
            });
        host.Services.GetRequiredService<AuditTrail>().Written += e =>
        {
            lock (audited)
            {
                audited.Add(e);
            }
        };
        var warmup = host.Services.GetRequiredService<HotPathWarmup>();

        // Until the warm-up is done /readyz names it; the first 200 comes only after its exchanges ran.
        var sawWarmingUp = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var exchangesBefore = warmup.Exchanges;
            using var ready = await host.ManagementClient.GetAsync(new Uri("/readyz", UriKind.Relative));
            var body = await ready.Content.ReadAsStringAsync();
            if (ready.IsSuccessStatusCode)
            {
                Assert.True(exchangesBefore >= 40, $"ready after {exchangesBefore} warm-up exchanges");
                break;
            }

            sawWarmingUp |= body.Contains(HotPathWarmup.ReadinessCheck + " not ready", StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow < deadline, "never ready: " + body);
            await Task.Delay(20);
        }

        Assert.True(sawWarmingUp, "/readyz never reported the warm-up");
        Assert.True(warmup.Rounds >= 3, $"{warmup.Rounds} rounds");

        // Nothing of the warm-up reached the configured GitHub: the only calls are the start-up App check.
        Assert.Empty(host.GitHub.Mints);
        Assert.Empty(host.GitHub.ContentReads);
        Assert.DoesNotContain(host.GitHub.Requests, r => r.RawTarget.Contains("warmup", StringComparison.Ordinal) || r.Kind is not GithubSts.Testing.GitHub.GitHubEndpointKind.App);

        // Nor the metrics: no exchange counted, no series of the warm-up's App, owner or issuer.
        var metrics = await host.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.DoesNotContain("warmup", metrics, StringComparison.Ordinal);
        Assert.All(
            metrics.Split('\n').Where(l => l.StartsWith("githubsts_token_exchanges_total{", StringComparison.Ordinal)),
            line => Assert.Equal(0, double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)));

        // A real exchange then works, and is the only line the audit trail writes.
        host.SetPolicy("ci", StsTestHost.Policy());
        using (var response = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await response.AssertSuccessAsync();
        }

        var writtenBy = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < writtenBy && audited.Count == 0)
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        lock (audited)
        {
            var only = Assert.Single(audited);
            Assert.Equal(StsTestHost.Org + "/" + StsTestHost.Repo, only.Scope);
        }

        Assert.Single(host.IssuedMints()); // the policy read's own token is revoked after use

        // Without tracing no trace context leaves for GitHub (the HttpClient's diagnostics handler is left out).
        Assert.All(host.GitHub.Requests, r => Assert.DoesNotContain(r.HeaderNames, h => h is "traceparent" or "tracestate" or "request-id"));
    }

    [Fact]
    public async Task Zero_seconds_turns_the_warm_up_off()
    {
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_STARTUP_WARMUP_SECONDS"] = "0");
        Assert.Null(host.Services.GetService<HotPathWarmup>());
        using var ready = await host.ManagementClient.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.True(ready.IsSuccessStatusCode);
    }
}
