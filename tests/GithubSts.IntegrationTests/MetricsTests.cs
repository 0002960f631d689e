using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary><c>GET /metrics</c> on the real service: exchange outcomes are counted, labels stay low-cardinality (J05).</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_show_successful_and_denied_exchanges_in_prometheus_format()
    {
        await using var host = await StsTestHost.StartAsync();
        host.SetPolicy("ci", StsTestHost.Policy());

        using (var allowed = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await allowed.AssertSuccessAsync();
        }

        using (var denied = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "nobody"))
        {
            await denied.AssertErrorAsync(403, "access_denied");
        }

        using var response = await host.ManagementClient.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("# TYPE githubsts_token_exchanges_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_token_exchanges_total{reason=\"none\",result=\"success\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_token_exchanges_total{reason=\"policy_not_found\",result=\"access_denied\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_tokens_issued_total{app=", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE githubsts_token_exchange_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_token_exchange_duration_seconds_bucket{result=\"success\",le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_http_requests_total{code=\"200\",endpoint=\"/sts/exchange\",method=\"GET\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_http_requests_total{code=\"403\",endpoint=\"/sts/exchange\",method=\"GET\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_github_api_calls_total{endpoint=\"mint\",result=\"2xx\"}", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_policy_loads_total{result=\"loaded\",source=\"repository\"}", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_apps_ready{app=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task J05_distinct_scopes_identities_and_subjects_never_become_labels()
    {
        await using var host = await StsTestHost.StartAsync();
        var markers = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var subject = $"repo:octo-org/subject-marker-{i}:ref:refs/heads/main";
            var scope = $"octo-org/scope-marker-{i}";
            var identity = $"identity-marker-{i}";
            markers.AddRange([subject, scope, identity]);
            using var denied = await host.ExchangeAsync(host.Issuer.CreateToken(t => t.Subject = subject), scope: scope, identity: identity);
            Assert.True((int)denied.StatusCode is >= 400 and < 500);
        }

        using var response = await host.ManagementClient.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("githubsts_token_exchanges_total{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("marker", text, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Issuer.Iss, text, StringComparison.Ordinal);
        Assert.DoesNotContain("octo-org", text, StringComparison.Ordinal);
        var series = text.Split('\n').Count(line => line.Length > 0 && !line.StartsWith('#'));
        Assert.True(series < 200, $"{series} series after 200 distinct requests");
    }
}
