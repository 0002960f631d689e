using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// BenchmarkDotNet settings for a small shared machine: in process (no generated child project to build), memory
/// diagnoser, few iterations, artifacts under <c>artifacts/bench/bdn</c>.
/// </summary>
internal static class MicroConfig
{
    public static readonly string ArtifactsPath = Path.Combine("artifacts", "bench", "bdn");

    public static IConfig Create(bool quick)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3) // Fewer leaves Tier-0 code in the quick figures (exact policy evaluation: ~750 ns instead of ~40 ns).
            .WithIterationCount(quick ? 3 : 12)
            .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 100 : 250))
            .WithId(quick ? "quick" : "micro");

        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(Path.GetFullPath(ArtifactsPath))
            .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared))
            .WithOptions(ConfigOptions.JoinSummary);
    }

    /// <summary>A minimal silent run of <see cref="SettleBenchmark"/>: BenchmarkDotNet's start-up, off the record.</summary>
    public static IConfig CreateSettle() => ManualConfig.CreateEmpty()
        .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(1).WithIterationCount(1))
        .AddLogger(NullLogger.Instance)
        .WithArtifactsPath(Path.GetFullPath(ArtifactsPath));
}
