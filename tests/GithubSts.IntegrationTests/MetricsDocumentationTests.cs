using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Telemetry;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>
/// What <c>GET /metrics</c> exposes on the real service, over HTTP, against the README's Metrics table: the same
/// names, types and label names, and every counter series known in advance present at 0 from start-up.
/// </summary>
public sealed class MetricsDocumentationTests
{
    // The operator's instruments are process-wide and report only with a cluster; these tests record them directly.
    private static readonly Func<long> QueueDepth = () => 0;

    // Registered by the operator's policy index, which exists only with a cluster (LeaderElectionTests reads it).
    // Exists only for Apps with a KMS signer; KmsSignerTests checks its labels and series on such a service.
    // The GitHubToken instruments exist only with a cluster and githubTokens enabled (GitHubTokenMetricsTests reads them).
    private static readonly string[] ClusterOnly =
    [
        "githubsts_signer_calls_total", "githubsts_policy_index_policies", "githubsts_github_tokens", "githubsts_github_token_mints_total",
        "githubsts_github_token_failures_total", "githubsts_github_token_revocations_total",
    ];

    [Fact]
    public async Task Readme_metrics_table_names_types_and_labels_match_the_scrape()
    {
        await using var host = await StsTestHost.StartAsync(WithReplayProtection);
        host.SetPolicy("ci", StsTestHost.Policy());
        var token = host.Issuer.CreateToken();
        using (var allowed = await host.ExchangeAsync(token))
        {
            await allowed.AssertSuccessAsync();
        }

        using (var replayed = await host.ExchangeAsync(token))
        {
            await replayed.AssertErrorAsync(409, "token_replayed");
        }

        RecordOperatorInstruments();
        var exposed = PrometheusText.Parse(await ScrapeAsync(host));
        var documented = ReadmeMetricsTable.Read();

        Assert.Empty(exposed.Keys.Except(documented.Keys, StringComparer.Ordinal));
        Assert.Equal(ClusterOnly, documented.Keys.Except(exposed.Keys, StringComparer.Ordinal));
        Assert.All(documented.Where(row => !ClusterOnly.Contains(row.Key)), row =>
        {
            var family = exposed[row.Key];
            Assert.True(ReadmeMetricsTable.ExpectedType(row.Key) == family.Type, $"{row.Key}: README implies {ReadmeMetricsTable.ExpectedType(row.Key)}, exposed as {family.Type}");
            Assert.True(row.Value.SetEquals(family.Labels), $"{row.Key}: README labels [{string.Join(",", row.Value)}], exposed [{string.Join(",", family.Labels)}]");
        });
    }

    [Fact]
    public async Task A_fresh_service_exposes_every_known_counter_series_at_zero()
    {
        await using var host = await StsTestHost.StartAsync();

        var text = await ScrapeAsync(host);

        var pairs = ExchangeResults.KnownInAdvance();
        Assert.Contains(("replayed", "token_replayed"), pairs);
        Assert.Contains(("replay_store_unavailable", "replay_store_unavailable"), pairs);
        Assert.All(pairs, p => AssertLine(text, $"githubsts_token_exchanges_total{{reason=\"{p.Reason}\",result=\"{p.Result}\"}} 0"));
        Assert.All(ExchangeResults.TokenValidationReasons(), r => AssertLine(text, $"githubsts_oidc_validation_errors_total{{reason=\"{r}\"}} 0"));
        Assert.All(GithubStsMetrics.PolicyLoadResults, r => AssertLine(text, $"githubsts_policy_loads_total{{result=\"{r}\",source=\"repository\"}} 0"));
        AssertLine(text, "githubsts_policy_cache_lookups_total{result=\"hit\"} 0");
        AssertLine(text, "githubsts_policy_cache_lookups_total{result=\"miss\"} 0");
        Assert.All(
            GithubStsMetrics.GitHubEndpoints.SelectMany(e => GithubStsMetrics.GitHubResults.Select(r => (e, r))),
            p => Assert.Matches($"\ngithubsts_github_api_calls_total\\{{endpoint=\"{p.e}\",result=\"{p.r}\"\\}} \\d+\n", text));
        AssertLine(text, "githubsts_tokens_issued_total{app=\"default\"} 0");
        Assert.Matches("\ngithubsts_audit_events_dropped_total(\\{\\})? \\d+\n", text); // OpenTelemetry writes {} for no labels
        Assert.DoesNotContain("result=\"other\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_token_is_counted_as_replayed_and_not_as_a_token_validation_error()
    {
        await using var host = await StsTestHost.StartAsync(WithReplayProtection);
        host.SetPolicy("ci", StsTestHost.Policy());
        var token = host.Issuer.CreateToken();
        using (var first = await host.ExchangeAsync(token))
        {
            await first.AssertSuccessAsync();
        }

        using (var second = await host.ExchangeAsync(token))
        {
            await second.AssertErrorAsync(409, "token_replayed");
        }

        var text = await ScrapeAsync(host);

        AssertLine(text, "githubsts_token_exchanges_total{reason=\"token_replayed\",result=\"replayed\"} 1");
        Assert.DoesNotContain("githubsts_oidc_validation_errors_total{reason=\"token_replayed\"}", text, StringComparison.Ordinal);
        AssertLine(text, "githubsts_token_exchange_duration_seconds_count{result=\"replayed\"} 1");
    }

    [Fact]
    public async Task OpenMetrics_as_prometheus_asks_for_it_has_the_same_samples_plus_created()
    {
        await using var host = await StsTestHost.StartAsync();
        var text = await ScrapeAsync(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        using var response = await host.ManagementClient.SendAsync(request);
        var openMetrics = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", openMetrics, StringComparison.Ordinal);
        var plain = SeriesNames(text);
        var open = SeriesNames(openMetrics).Where(s => !s.Contains("_created{", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(plain.Except(open));
        Assert.Empty(open.Except(plain));
    }

    /// <summary>
    /// Each sample's name and labels without its value. Series that may appear between the two scrapes are left out:
    /// HTTP request series (the first scrape is one), the rate limit (first reported by the start-up App check) and the
    /// process-wide operator instruments (other test classes record them concurrently).
    /// </summary>
    private static HashSet<string> SeriesNames(string exposition) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith("githubsts_", StringComparison.Ordinal) && !l.StartsWith("githubsts_informer_synced", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("githubsts_http_", StringComparison.Ordinal) && !l.StartsWith("githubsts_github_rate_limit_remaining", StringComparison.Ordinal))
            .Select(l => l[..l.LastIndexOf(' ')])
            .ToHashSet(StringComparer.Ordinal);

    private static void WithReplayProtection(Dictionary<string, string> environment) => environment["GITHUBSTS_REPLAY_BACKEND"] = "memory";

    private static void RecordOperatorInstruments()
    {
        RuntimeMetrics.Reconciled("metrics-doc-test", "success", TimeSpan.FromMilliseconds(1));
        RuntimeMetrics.Reconciled("metrics-doc-test", "error", TimeSpan.FromMilliseconds(1));
        RuntimeMetrics.QueueAdded("metrics-doc-test");
        RuntimeMetrics.QueueRetried("metrics-doc-test");
        RuntimeMetrics.RegisterQueue("metrics-doc-test", QueueDepth);
        RuntimeMetrics.LeaderStatusChanged("metrics-doc-test", leading: false);
        RuntimeMetrics.InformerSyncChanged("metrics-doc-test", synced: true);
    }

    private static async Task<string> ScrapeAsync(StsTestHost host)
    {
        using var response = await host.ManagementClient.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(200, (int)response.StatusCode);
        return "\n" + await response.Content.ReadAsStringAsync();
    }

    private static void AssertLine(string text, string line) => Assert.Contains("\n" + line + "\n", text, StringComparison.Ordinal);
}
