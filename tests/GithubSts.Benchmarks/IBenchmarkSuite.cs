using GithubSts.Benchmarks.Reporting;

namespace GithubSts.Benchmarks;

/// <summary>A group of measurements run by <c>github-sts-bench &lt;name&gt;</c>.</summary>
public interface IBenchmarkSuite
{
    /// <summary>micro, macro, scale or patterns.</summary>
    string Name { get; }

    Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct);
}
