using GithubSts.Exchange.Telemetry;
using GithubSts.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace GithubSts.IntegrationTests;

[CollectionDefinition(nameof(WarmupTracingTests), DisableParallelization = true)]
public sealed class WarmupTracingGroup;

/// <summary>
/// The warm-up's spans stay out of OTLP. Alone (no parallel test): the exchange step spans of every in-process host
/// share one ActivitySource, so only then does a count of them say whose they are.
/// </summary>
[Collection(nameof(WarmupTracingTests))]
public sealed class WarmupTracingTests
{
    [Fact]
    public async Task The_start_up_warm_up_exports_no_span()
    {
        await using var collector = await OtlpExportTests.Collector.StartAsync();
        var export = new OtlpMetricsExport
        {
            Enabled = true,
            Endpoint = collector.BaseAddress,
            Protocol = OtlpExportProtocol.HttpProtobuf,
            ExportInterval = TimeSpan.FromMilliseconds(200),
        };
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_STARTUP_WARMUP_SECONDS"] = "10", s => s.AddSingleton(export));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var ready = await host.ManagementClient.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (ready.IsSuccessStatusCode)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "never ready");
            await Task.Delay(50);
        }

        Assert.True(host.Services.GetRequiredService<GithubSts.Exchange.Warmup.HotPathWarmup>().Exchanges > 0);

        // One real exchange: its spans are exported, and they are the only exchange spans (the warm-up ran hundreds).
        host.SetPolicy("ci", StsTestHost.Policy());
        using (var granted = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await granted.AssertSuccessAsync();
        }

        string traces;
        do
        {
            await Task.Delay(200);
            traces = collector.Text("/v1/traces");
        }
        while (DateTime.UtcNow < deadline && !traces.Contains("MintToken", StringComparison.Ordinal));

        await Task.Delay(600); // two more export intervals: anything still queued is sent too
        traces = collector.Text("/v1/traces");
        // One exchange's share (its step span may name the step more than once); the warm-up's 40 or more exchanges
        // would add as many again each. Counting is sound only alone: in-process hosts share the ActivitySource.
        Assert.InRange(CountOf(traces, "MintToken"), 1, 3);
        Assert.Contains("/app/installations/" + host.InstallationId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/", traces, StringComparison.Ordinal);
        Assert.DoesNotContain("/app/installations/1/", traces, StringComparison.Ordinal);
        Assert.DoesNotContain("warmup", traces, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
