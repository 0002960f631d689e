using System.Globalization;
using GithubSts.Benchmarks.Hosting;
using GithubSts.Benchmarks.Load;
using GithubSts.Benchmarks.Reporting;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;

namespace GithubSts.Benchmarks.Macro;

/// <summary>
/// How long a fresh process takes to reach its steady cost under load, and what an exchange costs at a moderate rate:
/// the macro suite's setup, a new service per variant, 32 connections in a closed loop from the first <c>/readyz</c>
/// 200 in 1 s windows, then an open loop at 1,000/s.
/// </summary>
/// <remarks>
/// BENCH_SERVICE_DIR chooses the build (e.g. <c>out/</c> from <c>make publish</c>, ReadyToRun); BENCH_WARMUP_VARIANTS
/// lists the services to start, each <c>;</c>-separated item one service with <c>NAME=VALUE,NAME=VALUE</c> added to
/// its environment (<c>defaults</c>: nothing added, the only one when the variable is unset).
/// </remarks>
public sealed class WarmupSuite : IBenchmarkSuite
{
    private const string Suite = "warmup";

    /// <summary>A window is steady when its CPU per exchange is within this factor of the settled cost.</summary>
    private const double SteadyFactor = 1.25;

    public string Name => Suite;

    public async Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        await using var github = await GitHubSimulator.StartAsync(ct: ct);
        using var appKey = TestAppKey.Create();
        MacroSuite.Seed(github, appKey);
        await using var issuer = await TestOidcIssuer.StartAsync();
        var directory = Directory.CreateTempSubdirectory("github-sts-bench-warmup");
        try
        {
            var tokens = MacroSuite.MintTokens(issuer, 1_000, 500, ct);
            var configPath = Path.Combine(directory.FullName, "github-sts.yaml");
            await File.WriteAllTextAsync(configPath, MacroSuite.Config([issuer], appKey, github, auditToStdout: true), ct);
            Log($"service from {ServiceProcess.ServiceDirectory}");
            foreach (var (name, environment) in Variants())
            {
                await MeasureAsync(report, options, github, tokens, configPath, directory.FullName, name, environment, ct);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task MeasureAsync(
        BenchReport report, BenchOptions options, GitHubSimulator github, string[] tokens, string configPath, string home,
        string variant, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        Log($"variant: {variant}");
        await using var service = ServiceProcess.Start(configPath, home, environment);
        var ready = await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
        var cpuAtReady = service.CpuTime();
        var load = MacroSuite.ExchangeLoad(service, tokens);
        var windows = new List<(double Start, double Rate, double Cpu)>();
        var count = options.Quick ? 10 : 30;
        long errors = 0;
        for (var i = 0; i < count; i++)
        {
            var start = System.Diagnostics.Stopwatch.GetElapsedTime(service.StartedTimestamp).TotalSeconds;
            var before = CpuSnapshot.Take(service);
            var run = await load.ClosedLoopAsync(32, TimeSpan.FromSeconds(1), ct);
            var cpu = CpuUsage.Between(before, CpuSnapshot.Take(service));
            github.Reset();
            errors += run.Errors.Total;
            windows.Add((start, run.Throughput, cpu.Service.TotalMicroseconds / Math.Max(1, run.Completed)));
        }

        // Settled cost: the median of the last third; steady from the first window after which no window costs more
        // than 1.25x it, each window taken as the median of itself and its neighbours (one preempted second on a
        // shared machine is not a warm-up).
        var settled = Median(windows.Skip(count * 2 / 3).Select(w => w.Cpu));
        var smoothed = windows.Select((_, i) => Median(windows.Skip(Math.Max(0, i - 1)).Take(i == 0 ? 2 : 3).Select(w => w.Cpu))).ToArray();
        var firstSteady = windows.Count;
        while (firstSteady > 0 && smoothed[firstSteady - 1] <= SteadyFactor * settled)
        {
            firstSteady--;
        }

        var steadyAt = firstSteady < windows.Count ? windows[firstSteady].Start : double.NaN;
        var curve = string.Join(", ", windows.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Start:F1}s:{w.Rate:F0}/s@{w.Cpu:F0}µs")));
        report.Add(new Measurement(Suite, $"{variant}: start to ready", ready.TotalSeconds, "s",
            Note: string.Create(CultureInfo.InvariantCulture, $"CPU used by then {cpuAtReady.TotalMilliseconds:F0} ms")));
        report.Add(Measurement.AtMost(Suite, $"{variant}: start to steady cost under load", steadyAt, "s", 5,
            string.Create(CultureInfo.InvariantCulture, $"settled {settled:F0} µs/exchange (32 conn); windows (from process start): {curve}")));

        // Kernel events per exchange when saturated (BENCH_PERF_STAT=1): deterministic where CPU time is not.
        var saturatedEvents = await PerfStat.CountAsync(service.Id, "saturated", TimeSpan.FromSeconds(5), () => load.ClosedLoopAsync(32, TimeSpan.FromSeconds(5), ct), ct);
        github.Reset();

        // A moderate rate after the warm-up: does an exchange cost more when the service is not saturated?
        var cpuBefore = CpuSnapshot.Take(service);
        var openDuration = options.Duration(TimeSpan.FromSeconds(10));
        var (open, openEvents) = await PerfStat.CountAsync(service.Id, "open", openDuration, () => load.OpenLoopAsync(1_000, 32, openDuration, ct), ct);
        var openCpu = CpuUsage.Between(cpuBefore, CpuSnapshot.Take(service));
        github.Reset();
        errors += open.Errors.Total;
        var atRate = openCpu.Service.TotalMicroseconds / Math.Max(1, open.Completed);
        if (saturatedEvents.Events is { } saturatedCounts && openEvents is { } openCounts)
        {
            report.Add(new Measurement(Suite, $"{variant}: system calls per exchange, saturated", saturatedCounts.GetValueOrDefault("raw_syscalls:sys_enter") / Math.Max(1, saturatedEvents.Result.Completed), string.Empty,
                Note: $"saturated: {PerfStat.PerExchange(saturatedCounts, saturatedEvents.Result.Completed)}; at 1,000/s: {PerfStat.PerExchange(openCounts, open.Completed)}"));
        }

        report.Add(Measurement.AtMost(Suite, $"{variant}: CPU per exchange at 1,000/s / saturated", atRate / settled, "x", 1.5,
            string.Create(CultureInfo.InvariantCulture, $"{atRate:F0} µs at {open.Throughput:F0}/s vs {settled:F0} µs; p99 {open.Latency.P99:F2} ms; errors {errors}; RSS {service.MemoryMegabytes("VmHWM"):F0} MB peak")));
    }

    private static IEnumerable<(string Name, IReadOnlyDictionary<string, string> Environment)> Variants()
    {
        foreach (var item in (Environment.GetEnvironmentVariable("BENCH_WARMUP_VARIANTS") ?? "defaults").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var environment = item.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(pair => pair != "defaults")
                .Select(pair => pair.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty, StringComparer.Ordinal);
            yield return (item, environment);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        // The lower middle of an even count: at the edges of the curve the cheaper of two windows.
        return sorted.Length == 0 ? double.NaN : sorted[(sorted.Length - 1) / 2];
    }

    private static void Log(string message) => Console.WriteLine($"  warmup [{DateTime.Now:HH:mm:ss}]: {message}");
}
