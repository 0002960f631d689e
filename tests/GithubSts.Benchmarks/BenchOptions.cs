namespace GithubSts.Benchmarks;

/// <summary>Command-line settings shared by the suites.</summary>
/// <param name="Quick">Short durations and small counts: checks the harness works, figures are rough.</param>
/// <param name="OutputPath">Where the JSON report goes.</param>
public sealed record BenchOptions(bool Quick, string OutputPath)
{
    /// <summary>Scales a duration down in quick mode.</summary>
    public TimeSpan Duration(TimeSpan full) => Quick ? TimeSpan.FromTicks(Math.Max(full.Ticks / 10, TimeSpan.FromSeconds(1).Ticks)) : full;
}
