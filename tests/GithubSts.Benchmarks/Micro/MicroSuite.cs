using GithubSts.Benchmarks.Reporting;

namespace GithubSts.Benchmarks.Micro;

public sealed class MicroSuite : IBenchmarkSuite
{
    public string Name => "micro";

    public Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct) => throw new NotImplementedException();
}
