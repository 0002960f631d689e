using GithubSts.Benchmarks.Reporting;

namespace GithubSts.Benchmarks.Macro;

public sealed class MacroSuite : IBenchmarkSuite
{
    public string Name => "macro";

    public Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct) => throw new NotImplementedException();
}
