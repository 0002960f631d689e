using GithubSts.Benchmarks.Reporting;

namespace GithubSts.Benchmarks.Scale;

public sealed class ScaleSuite : IBenchmarkSuite
{
    public string Name => "scale";

    public Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct) => throw new NotImplementedException();
}
