using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GithubSts.Benchmarks.Reporting;
using Measurement = GithubSts.Benchmarks.Reporting.Measurement;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// The BenchmarkDotNet micro benchmarks (token validation, policy evaluation, index lookup and rebuild, whole pipeline),
/// reported as mean time and allocated bytes per operation.
/// </summary>
public sealed class MicroSuite : IBenchmarkSuite
{
    private const string Suite = "micro";
    private const double RebuildTargetMs = 1000;

    private static readonly Type[] Benchmarks =
    [
        typeof(TokenValidationBenchmarks),
        typeof(PolicyEvaluationBenchmarks),
        typeof(PolicyIndexLookupBenchmarks),
        typeof(PolicyIndexRebuildBenchmarks),
        typeof(GitHubClientBenchmarks),
        typeof(ExchangePipelineBenchmarks),
    ];

    public string Name => Suite;

    public Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        ct.ThrowIfCancellationRequested();

        BenchmarkRunner.Run<SettleBenchmark>(MicroConfig.CreateSettle());
        Prewarm.Run(Benchmarks, TimeSpan.FromMilliseconds(options.Quick ? 300 : 1000), ct);
        var summaries = BenchmarkRunner.Run(Benchmarks, MicroConfig.Create(options.Quick));
        var failed = new List<string>();
        foreach (var summary in summaries)
        {
            foreach (var result in summary.Reports)
            {
                var name = CaseName(result);
                if (result is not { Success: true, ResultStatistics: { } statistics })
                {
                    failed.Add(name);
                    continue;
                }

                Report(report, result, name, statistics);
            }

            failed.AddRange(summary.ValidationErrors.Where(e => e.IsCritical).Select(e => e.Message));
        }

        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"Micro benchmarks failed (see the BenchmarkDotNet log above): {string.Join("; ", failed)}");
        }

        return Task.CompletedTask;
    }

    private static void Report(BenchReport report, BenchmarkReport result, string name, BenchmarkDotNet.Mathematics.Statistics statistics)
    {
        var meanNs = statistics.Mean;
        var note = $"median {Text(statistics.Median)}, sd {Text(statistics.StandardDeviation)}, n={statistics.N}";
        if (name == MicroNames.IndexRebuild)
        {
            report.Add(Measurement.AtMost(Suite, name, meanNs / 1e6, "ms", RebuildTargetMs, note));
        }
        else
        {
            var (value, unit) = Readable(meanNs);
            report.Add(new Measurement(Suite, name, value, unit, Note: note));
        }

        if (result.GcStats.GetBytesAllocatedPerOperation(result.BenchmarkCase) is { } bytes)
        {
            report.Add(new Measurement(Suite, name + " allocated", bytes, "B", Note: "per operation"));
        }

        if (name == MicroNames.RawRs256Verify && meanNs > 0)
        {
            report.Add(new Measurement(Suite, MicroNames.Rs256PerCore, 1e9 / meanNs, "/s", Note: "1 / raw RSA-2048 verify mean, one thread"));
        }
    }

    /// <summary>The benchmark's description, plus its policy count when it has one.</summary>
    private static string CaseName(BenchmarkReport result)
    {
        var benchmark = result.BenchmarkCase;
        // BenchmarkDotNet quotes descriptions that contain spaces.
        var name = benchmark.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
        var policies = benchmark.Parameters.Items.FirstOrDefault(p => p.Name == nameof(PolicyIndexLookupBenchmarks.Policies));
        return policies?.Value is int count
            ? $"{name}, {count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} policies"
            : name;
    }

    private static string Text(double nanoseconds)
    {
        var (value, unit) = Readable(nanoseconds);
        return $"{BenchReport.Format(value)} {unit}";
    }

    private static (double Value, string Unit) Readable(double nanoseconds) => nanoseconds switch
    {
        < 1_000 => (nanoseconds, "ns"),
        < 10_000_000 => (nanoseconds / 1e3, "µs"),
        _ => (nanoseconds / 1e6, "ms"),
    };
}
