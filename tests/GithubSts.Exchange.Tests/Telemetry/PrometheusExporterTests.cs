using System.Diagnostics.Metrics;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Telemetry;
using Xunit;

namespace GithubSts.Exchange.Tests.Telemetry;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly Meter _meter = new("GithubSts.Tests");
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests()
    {
        _exporter = new PrometheusExporter(m => ReferenceEquals(m, _meter));
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Counter_GetsTotalSuffix_HelpAndType_AndSumsPerLabelSet()
    {
        var counter = _meter.CreateCounter<long>("githubsts_things", "{thing}", "Things seen.");
        counter.Add(2, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "b"));

        var text = _exporter.Collect();

        Assert.Contains("# HELP githubsts_things_total Things seen.\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE githubsts_things_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_things_total{kind=\"a\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_things_total{kind=\"b\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Counter_AlreadyEndingInTotal_IsNotSuffixedTwice_AndLabelsAreSorted()
    {
        var counter = _meter.CreateCounter<long>("workqueue_adds_total");
        counter.Add(1, new KeyValuePair<string, object?>("z", "1"), new("a", "2"));

        var text = _exporter.Collect();

        Assert.Contains("# TYPE workqueue_adds_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("workqueue_adds_total{a=\"2\",z=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_total_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("# HELP workqueue_adds_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelValues_EscapeBackslashQuoteAndNewline()
    {
        var counter = _meter.CreateCounter<long>("escaped");
        counter.Add(1, new KeyValuePair<string, object?>("v", "a\\b\"c\nd"));

        var text = _exporter.Collect();

        Assert.Contains("escaped_total{v=\"a\\\\b\\\"c\\nd\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_EscapesBackslashAndNewline()
    {
        var counter = _meter.CreateCounter<long>("helpful", null, "line one\\\nline two");
        counter.Add(1);

        Assert.Contains("# HELP helpful_total line one\\\\\\nline two\n", _exporter.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_HasCumulativeBuckets_Inf_Sum_Count_AndSecondsSuffix()
    {
        var histogram = _meter.CreateHistogram(
            "githubsts_work_duration", "s", "Work time.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        histogram.Record(0.05, new KeyValuePair<string, object?>("op", "x"));
        histogram.Record(0.1, new KeyValuePair<string, object?>("op", "x"));
        histogram.Record(0.5, new KeyValuePair<string, object?>("op", "x"));
        histogram.Record(20, new KeyValuePair<string, object?>("op", "x"));

        var text = _exporter.Collect();

        Assert.Contains("# TYPE githubsts_work_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains(
            "githubsts_work_duration_seconds_bucket{op=\"x\",le=\"0.1\"} 2\n"
            + "githubsts_work_duration_seconds_bucket{op=\"x\",le=\"1\"} 3\n"
            + "githubsts_work_duration_seconds_bucket{op=\"x\",le=\"10\"} 3\n"
            + "githubsts_work_duration_seconds_bucket{op=\"x\",le=\"+Inf\"} 4\n"
            + "githubsts_work_duration_seconds_sum{op=\"x\"} 20.65\n"
            + "githubsts_work_duration_seconds_count{op=\"x\"} 4\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_WithoutLabels_PutsLeAlone()
    {
        var histogram = _meter.CreateHistogram(
            "plain", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });
        histogram.Record(2);

        var text = _exporter.Collect();

        Assert.Contains("plain_seconds_bucket{le=\"1\"} 0\nplain_seconds_bucket{le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("plain_seconds_sum 2\nplain_seconds_count 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void UpDownCounter_IsGauge_WithRunningSum()
    {
        var gauge = _meter.CreateUpDownCounter<long>("in_flight");
        gauge.Add(3);
        gauge.Add(-1);

        var text = _exporter.Collect();

        Assert.Contains("# TYPE in_flight gauge\nin_flight 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ObservableGauge_IsReadAtEachScrape_AndDroppedSeriesDisappear()
    {
        var values = new List<Measurement<long>> { new(7, new KeyValuePair<string, object?>("app", "one")), new(1, new KeyValuePair<string, object?>("app", "two")) };
        _meter.CreateObservableGauge("remaining", () => values.ToArray());

        var first = _exporter.Collect();
        values.RemoveAt(1);
        values[0] = new Measurement<long>(6, new KeyValuePair<string, object?>("app", "one"));
        var second = _exporter.Collect();

        Assert.Contains("# TYPE remaining gauge\n", first, StringComparison.Ordinal);
        Assert.Contains("remaining{app=\"one\"} 7\n", first, StringComparison.Ordinal);
        Assert.Contains("remaining{app=\"two\"} 1\n", first, StringComparison.Ordinal);
        Assert.Contains("remaining{app=\"one\"} 6\n", second, StringComparison.Ordinal);
        Assert.DoesNotContain("app=\"two\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public void SynchronousGauge_KeepsLastValue()
    {
        var gauge = _meter.CreateGauge<long>("leader_status");
        gauge.Record(1);
        gauge.Record(0);

        Assert.Contains("leader_status 0\n", _exporter.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void OtherMeters_AreIgnored()
    {
        using var other = new Meter("GithubSts.Tests");
        other.CreateCounter<long>("foreign").Add(1);

        Assert.DoesNotContain("foreign", _exporter.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceMetrics_CountExchangesBySnakeCaseResultAndReason()
    {
        using var metrics = new GithubStsMetrics();
        using var exporter = new PrometheusExporter(m => ReferenceEquals(m, metrics.Meter));
        var context = new ExchangeContext(new ExchangeRequest { Scope = null, Identity = null, SubjectToken = null, RequestId = "r" });
        metrics.ExchangeCompleted(new ExchangeOutcome(context, null, ExchangeException.InvalidToken("token_expired", "expired"), TimeSpan.FromMilliseconds(3)));
        metrics.ExchangeCompleted(new ExchangeOutcome(context, null, ExchangeException.AccessDenied(ReasonCodes.PolicyNotFound, "none"), TimeSpan.FromMilliseconds(3)));
        metrics.HttpRequestStarted();
        metrics.HttpRequestFinished("/sts/exchange", "GET", 403, TimeSpan.FromMilliseconds(5));
        metrics.GitHubCall("mint", GithubStsMetrics.StatusClass(201));

        var text = exporter.Collect();

        Assert.Contains("githubsts_token_exchanges_total{reason=\"token_expired\",result=\"invalid_token\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_token_exchanges_total{reason=\"policy_not_found\",result=\"access_denied\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_oidc_validation_errors_total{reason=\"token_expired\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_token_exchange_duration_seconds_count{result=\"access_denied\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_http_requests_total{code=\"403\",endpoint=\"/sts/exchange\",method=\"GET\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_http_requests_in_flight 0\n", text, StringComparison.Ordinal);
        Assert.Contains("githubsts_github_api_calls_total{endpoint=\"mint\",result=\"2xx\"} 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExchangeErrorKind.IdentityProviderUnavailable, "identity_provider_unavailable")]
    [InlineData(ExchangeErrorKind.GitHubError, "github_error")]
    [InlineData(ExchangeErrorKind.InvalidScope, "invalid_scope")]
    public void ResultName_IsSnakeCase(ExchangeErrorKind kind, string expected) =>
        Assert.Equal(expected, GithubStsMetrics.ResultName(kind));
}
