using System.Globalization;
using System.Text;
using GithubSts.Benchmarks.Hosting;
using GithubSts.Benchmarks.Load;
using GithubSts.Benchmarks.Reporting;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;

namespace GithubSts.Benchmarks.Macro;

/// <summary>
/// The service in Release mode, the GitHub simulator and a load generator on loopback: maximum sustained exchanges per
/// second, latency at fixed offered rates, CPU per exchange against the RS256 floor, peak RSS and RSS with 100 issuers cached.
/// </summary>
/// <remarks>
/// The GitHub simulator and the load generator run in this process and share the machine's cores with the service;
/// each run's note says how many cores the service, this harness and other processes used.
/// </remarks>
public sealed class MacroSuite : IBenchmarkSuite
{
    private const string Suite = "macro";
    private const string Identifier = "https://sts.bench.local";
    private const long AppId = 4242;
    private const string Org = "bench-org";
    private const string Repo = "api";
    private const string Identity = "bench";
    private const string ExchangePath = $"/sts/exchange?scope={Org}/{Repo}&identity={Identity}";
    internal const string Marker = "\"token\"";
    private const int ExtraIssuers = 100;

    public string Name => Suite;

    public async Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);

        // The floor first, before anything else runs: one RS256 verification on one thread.
        // Per second of the thread's CPU time, so that other processes on a shared machine do not inflate it; the service's
        // CPU per exchange is CPU time too, so their ratio holds however busy the machine is.
        var (perWallSecond, perCpuSecond) = RsaFloor.VerificationsPerSecond(options.Duration(TimeSpan.FromSeconds(3)));
        var verificationMicroseconds = 1e6 / perCpuSecond;
        report.Add(new Measurement(Suite, "RS256 verifications/s/core", perCpuSecond, "/s",
            Note: $"RSA-2048 VerifyData on one thread, per CPU second ({perWallSecond:F0} per wall-clock second)"));
        report.Add(new Measurement(Suite, "RS256 verification", verificationMicroseconds, "µs", Note: "CPU time"));

        Log("starting the GitHub simulator and OIDC issuers");
        await using var github = await GitHubSimulator.StartAsync(ct: ct);
        using var appKey = TestAppKey.Create();
        Seed(github, appKey);
        await using var issuer = await TestOidcIssuer.StartAsync();
        var extraIssuers = await StartIssuersAsync(ExtraIssuers, ecKeys: options.Quick);
        var directory = Directory.CreateTempSubdirectory("github-sts-bench-macro");
        try
        {
            var tokenCount = options.Quick ? 400 : 2_000;
            Log($"minting {tokenCount} tokens over {tokenCount / 2} subjects");
            var tokens = MintTokens(issuer, tokenCount, tokenCount / 2, ct);
            var extraTokens = extraIssuers.Select(i => MintToken(i, 1)).ToList();
            var configPath = Path.Combine(directory.FullName, "github-sts.yaml");
            await File.WriteAllTextAsync(configPath, Config([issuer, .. extraIssuers], appKey, github, auditToStdout: true), ct);
            var setup = new Setup(report, options, github, tokens, verificationMicroseconds);

            Log("starting github-sts (Release)");
            int? bestConnections;
            double stdoutMegabytes;
            await using (var service = ServiceProcess.Start(configPath, directory.FullName))
            {
                await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
                bestConnections = await MeasureAsync(setup, service, ct);
                await MeasureIssuersAsync(report, service, extraIssuers, extraTokens, ct);
                if (Environment.GetEnvironmentVariable("GITHUBSTS_BENCH_SHOW_OUTPUT") == "1")
                {
                    Console.WriteLine(service.Diagnostics());
                }

                stdoutMegabytes = service.OutputBytes / 1_048_576.0;
            }

            // Where the CPU goes: the same closed loop on services with one production default changed at a time.
            var quietConfig = Path.Combine(directory.FullName, "github-sts-quiet.yaml");
            await File.WriteAllTextAsync(quietConfig, Config([issuer], appKey, github, auditToStdout: false), ct);
            foreach (var variant in Variants(configPath, quietConfig))
            {
                Log($"variant: {variant.Name}");
                await using var other = ServiceProcess.Start(variant.ConfigPath, directory.FullName, variant.Environment);
                await other.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
                await MeasureVariantAsync(setup, other, variant, bestConnections ?? 32, ct);
            }

            report.Add(Measurement.AtMost(Suite, "errors, all runs", setup.Errors, string.Empty, 0,
                $"audit and log lines on stdout: {stdoutMegabytes:F1} MB"));
        }
        finally
        {
            foreach (var extra in extraIssuers)
            {
                await extra.DisposeAsync();
            }

            directory.Delete(recursive: true);
        }
    }

    /// <summary>Floors, maximum throughput, CPU per exchange and latency at fixed rates; returns the best connection count.</summary>
    private static async Task<int?> MeasureAsync(Setup setup, ServiceProcess service, CancellationToken ct)
    {
        var (report, options) = (setup.Report, setup.Options);
        var exchanges = ExchangeLoad(service, setup.Tokens);
        var health = new LoadGenerator(service.ManagementEndPoint, [LoadGenerator.Get($"127.0.0.1:{service.ManagementEndPoint.Port.ToString(CultureInfo.InvariantCulture)}", "/healthz")], "\"ok\"");

        Log("warming up");
        var warmup = await WarmUpAsync(setup, service, exchanges, ct);
        await health.ClosedLoopAsync(8, TimeSpan.FromSeconds(1), ct);
        setup.GitHub.Reset();
        report.Add(new Measurement(Suite, "warm-up", warmup.Seconds, "s", Note: warmup.Curve));

        // Floor: the load generator against a trivial endpoint of the same server.
        Log("load generator floor: GET /healthz");
        var floorBefore = CpuSnapshot.Take(service);
        var healthRun = await health.ClosedLoopAsync(32, options.Duration(TimeSpan.FromSeconds(5)), ct);
        var floorCpu = CpuUsage.Between(floorBefore, CpuSnapshot.Take(service));
        setup.Errors += healthRun.Errors.Total;
        report.Add(new Measurement(Suite, "GET /healthz (load generator floor)", healthRun.Throughput, "/s",
            Note: $"32 connections, p50 {Ms(healthRun.Latency.P50)} ms, errors {healthRun.Errors}, {CpuNote(floorCpu, healthRun.Completed)}"));
        var generatorMicroseconds = floorCpu.Harness.TotalMicroseconds / Math.Max(1, healthRun.Completed);

        // Maximum sustained exchanges: closed loop at a few connection counts.
        LoadResult? best = null;
        CpuUsage bestCpu = default;
        foreach (var connections in new[] { 8, 32, 64 })
        {
            Log($"closed loop, {connections} connections");
            var (run, cpu, calls) = await ClosedLoopAsync(setup, service, exchanges, connections, options.Duration(TimeSpan.FromSeconds(10)), ct);
            report.Add(new Measurement(Suite, $"exchanges/s, closed loop, {connections} conn", run.Throughput, "/s",
                Note: $"p50 {Ms(run.Latency.P50)} p99 {Ms(run.Latency.P99)} ms, errors {run.Errors}{Sample(run)}, {CpuNote(cpu, run.Completed)}; {calls}"));
            if (run.Errors.Total == 0 && (best is null || run.Throughput > best.Throughput))
            {
                (best, bestCpu) = (run, cpu);
            }
        }

        report.Add(Measurement.AtLeast(Suite, "max sustained exchanges", best?.Throughput ?? 0, "/s", 5000,
            best is null ? "every closed-loop run had errors" : $"{best.Connections} connections, zero errors"));
        if (best is not null)
        {
            var serviceMicroseconds = bestCpu.Service.TotalMicroseconds / best.Completed;
            var harnessMicroseconds = bestCpu.Harness.TotalMicroseconds / best.Completed;
            report.Add(new Measurement(Suite, "service CPU per exchange", serviceMicroseconds, "µs",
                Note: $"utime+stime of github-sts over the {best.Connections}-connection run"));
            report.Add(Measurement.AtMost(Suite, "service CPU per exchange / RS256 verification", serviceMicroseconds / setup.VerificationMicroseconds, "x", 5));
            report.Add(new Measurement(Suite, "exchanges/s with all cores for the service", Environment.ProcessorCount * 1e6 / serviceMicroseconds, "/s",
                Note: $"projection: {Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)} cores ÷ service CPU per exchange"));
            report.Add(new Measurement(Suite, "harness CPU per exchange", harnessMicroseconds, "µs",
                Note: $"GitHub simulator ≈ {harnessMicroseconds - generatorMicroseconds:F0} µs + load generator ≈ {generatorMicroseconds:F0} µs (its cost per /healthz request)"));
        }

        // Latency at fixed offered rates (open loop, from each request's scheduled time).
        foreach (var rate in new[] { 500, 1_000, 2_000 })
        {
            Log($"open loop, {rate}/s");
            var histogramBefore = await ServerLatency.SnapshotAsync(service, ct);
            var before = CpuSnapshot.Take(service);
            var run = await exchanges.OpenLoopAsync(rate, 32, options.Duration(TimeSpan.FromSeconds(10)), ct);
            var cpu = CpuUsage.Between(before, CpuSnapshot.Take(service));
            var histogramAfter = await ServerLatency.SnapshotAsync(service, ct);
            setup.GitHub.Reset();
            setup.Errors += run.Errors.Total;
            var at = $"{rate.ToString(CultureInfo.InvariantCulture)}/s";
            var lag = run.SendLag!;
            report.Add(new Measurement(Suite, $"p50 at {at}", run.Latency.P50, "ms",
                Note: $"achieved {run.Throughput:F0}/s, max {Ms(run.Latency.Max)} ms, send lag p50 {Ms(lag.P50)} p99 {Ms(lag.P99)} ms, {CpuNote(cpu, run.Completed)}"));
            report.Add(new Measurement(Suite, $"p90 at {at}", run.Latency.P90, "ms"));
            report.Add(rate == 1_000
                ? Measurement.AtMost(Suite, $"p99 at {at}", run.Latency.P99, "ms", 10)
                : new Measurement(Suite, $"p99 at {at}", run.Latency.P99, "ms"));
            report.Add(new Measurement(Suite, $"p99.9 at {at}", run.Latency.P999, "ms"));

            // The service's own histogram: at least 99% within 10 ms means its p99 is at most 10 ms, whatever the
            // harness's scheduling delays added to the figures above.
            var within10 = 100 * ServerLatency.ShareWithin(histogramBefore, histogramAfter, "0.01");
            report.Add(rate == 1_000
                ? Measurement.AtLeast(Suite, $"server-side exchanges within 10 ms at {at}", within10, "%", 99, "from githubsts_token_exchange_duration_seconds")
                : new Measurement(Suite, $"server-side exchanges within 10 ms at {at}", within10, "%", Note: $"within 5 ms: {100 * ServerLatency.ShareWithin(histogramBefore, histogramAfter, "0.005"):F1}%"));
            report.Add(Measurement.AtMost(Suite, $"errors at {at}", run.Errors.Total, string.Empty, 0, run.Errors.Total == 0 ? null : run.Errors + Sample(run)));
        }

        report.Add(new Measurement(Suite, "service peak RSS (VmHWM)", service.MemoryMegabytes("VmHWM"), "MB", Note: "after all load runs"));
        return best?.Connections;
    }

    /// <summary>100 more issuers: one exchange each (discovery and JWKS fetched and cached), then the service's RSS.</summary>
    private static async Task MeasureIssuersAsync(
        BenchReport report, ServiceProcess service, List<TestOidcIssuer> issuers, List<string> tokens, CancellationToken ct)
    {
        Log($"{ExtraIssuers} more issuers");
        var rssBefore = service.MemoryMegabytes("VmRSS");
        using var connection = new LoadConnection(service.EndPoint);
        var marker = Encoding.ASCII.GetBytes(Marker);
        var ok = 0;
        foreach (var token in tokens)
        {
            ct.ThrowIfCancellationRequested();
            if (await connection.SendAsync(LoadGenerator.Get(Host(service), ExchangePath, token), marker) == RequestOutcome.Ok)
            {
                ok++;
            }
            else
            {
                Log($"an exchange with a token of another issuer failed: {connection.LastBadResponse}");
            }
        }

        var fetched = issuers.Count(i => i.JwksRequests > 0);
        report.Add(Measurement.AtLeast(Suite, $"exchanges from {ExtraIssuers} more issuers", ok, string.Empty, ExtraIssuers,
            $"{fetched.ToString(CultureInfo.InvariantCulture)} JWKS fetched; {(issuers[0].DefaultKey.IsRsa ? "RS256" : "ES256 (quick mode)")} keys"));
        var rssAfter = service.MemoryMegabytes("VmRSS");
        report.Add(new Measurement(Suite, $"service RSS with {ExtraIssuers + 1} issuers cached", rssAfter, "MB",
            Note: $"VmRSS; {rssAfter - rssBefore:+0.0;-0.0} MB over these {ExtraIssuers} exchanges"));
        report.Add(new Measurement(Suite, "service peak RSS (VmHWM), end", service.MemoryMegabytes("VmHWM"), "MB"));
    }

    /// <summary>Services differing from production defaults in one respect, to see what that respect costs per exchange.</summary>
    private static Variant[] Variants(string configPath, string quietConfigPath) =>
    [
        new("fresh service, production defaults", configPath, "baseline for the variants below", new Dictionary<string, string>(StringComparer.Ordinal)),
        new("no stdout audit, no info logs", quietConfigPath, "audit.stdout false, Logging__LogLevel__Default=Warning",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["Logging__LogLevel__Default"] = "Warning" }),
        new("server GC", configPath, "DOTNET_gcServer=1 (default: workstation GC)",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["DOTNET_gcServer"] = "1" }),
        new("thread-pool spinning", configPath, "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70 (the runtime's default; ours: 0)",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "70" }),
        new("dynamic PGO", configPath, "DOTNET_TieredPGO=1 (default: off, for a shorter warm-up)",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["DOTNET_TieredPGO"] = "1" }),
    ];

    private static async Task MeasureVariantAsync(Setup setup, ServiceProcess service, Variant variant, int connections, CancellationToken ct)
    {
        var exchanges = ExchangeLoad(service, setup.Tokens);
        var warmup = await WarmUpAsync(setup, service, exchanges, ct);
        Log($"warm-up: {warmup.Curve}");
        var (run, cpu, _) = await ClosedLoopAsync(setup, service, exchanges, connections, setup.Options.Duration(TimeSpan.FromSeconds(10)), ct);
        var serviceMicroseconds = cpu.Service.TotalMicroseconds / Math.Max(1, run.Completed);
        setup.Report.Add(new Measurement(Suite, $"service CPU per exchange, {variant.Name}", serviceMicroseconds, "µs",
            Note: $"{serviceMicroseconds / setup.VerificationMicroseconds:F1}x RS256; {variant.Change}; {run.Throughput:F0}/s, {connections} connections, errors {run.Errors}{Sample(run)}, {CpuNote(cpu, run.Completed)}; warm-up {warmup.Seconds:F0} s: {FirstWindows(warmup.Curve)}"));
    }

    /// <summary>
    /// Closed loop in short windows until the service is in a steady state (tiered JIT and dynamic PGO done): at least 30 s
    /// (on a busy 2-core machine the CPU per exchange still fell by half after 15 s), then until two windows in a row are
    /// within 10% of each other in throughput and in service CPU per exchange, at most 60 s (a tenth in quick mode).
    /// </summary>
    private static async Task<(double Seconds, string Curve)> WarmUpAsync(Setup setup, ServiceProcess service, LoadGenerator load, CancellationToken ct)
    {
        var window = setup.Options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2);
        var minimum = setup.Options.Duration(TimeSpan.FromSeconds(30));
        var limit = setup.Options.Duration(TimeSpan.FromSeconds(60));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var curve = new List<string>();
        (double Rate, double Cpu)? previous = null;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < limit)
        {
            var (run, cpu, _) = await ClosedLoopAsync(setup, service, load, 32, window, ct);
            if (run.Errors.Total > 0)
            {
                // Counted in "errors, all runs" like any other: say what they were.
                Log($"warm-up window with errors: {run.Errors}{Sample(run)}");
            }

            var current = (Rate: run.Throughput, Cpu: cpu.Service.TotalMicroseconds / Math.Max(1, run.Completed));
            curve.Add(string.Create(CultureInfo.InvariantCulture, $"{current.Rate:F0}/s@{current.Cpu:F0}µs"));
            if (previous is { } p && System.Diagnostics.Stopwatch.GetElapsedTime(started) >= minimum && Math.Abs(current.Rate - p.Rate) <= 0.1 * p.Rate && Math.Abs(current.Cpu - p.Cpu) <= 0.1 * p.Cpu)
            {
                break;
            }

            previous = current;
        }

        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (seconds, $"32 connections, {window.TotalSeconds:F0} s windows (exchanges/s @ service CPU per exchange): {string.Join(", ", curve)}");
    }

    private static async Task<(LoadResult Run, CpuUsage Cpu, string GitHubCalls)> ClosedLoopAsync(
        Setup setup, ServiceProcess service, LoadGenerator load, int connections, TimeSpan duration, CancellationToken ct)
    {
        var before = CpuSnapshot.Take(service);
        var run = await load.ClosedLoopAsync(connections, duration, ct);
        var cpu = CpuUsage.Between(before, CpuSnapshot.Take(service));
        var calls = string.Join(" ", Enum.GetValues<GitHubEndpointKind>()
            .Select(kind => (kind, count: setup.GitHub.GetRequestCount(kind)))
            .Where(c => c.count > 0)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.kind} {(double)c.count / Math.Max(1, run.Completed):F2}")));

        // The simulator records every mint and request: clear its records between runs so its memory stays flat.
        setup.GitHub.Reset();
        setup.Errors += run.Errors.Total;
        return (run, cpu, "GitHub calls/exchange: " + (calls.Length == 0 ? "none" : calls));
    }

    /// <summary>The benchmark's App, its installation and the repository policy file every exchange is held against.</summary>
    internal static void Seed(GitHubSimulator github, TestAppKey appKey)
    {
        github.AddApp(AppId, "github-sts-bench", appKey.Key);
        github.AddInstallation(AppId, Org, "Organization", [Repo, "web", ".github"],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "write", ["issues"] = "write" });
        github.SetFile(Org, Repo, $".github/sts/default/{Identity}.sts.yaml", """
            issuer_pattern: http://127\.0\.0\.1:[0-9]+
            subject_pattern: repo:bench-org/api:ref:refs/heads/feature-[0-9]+
            permissions:
              contents: read
            """);
    }

    internal static LoadGenerator ExchangeLoad(ServiceProcess service, IEnumerable<string> tokens) =>
        new(service.EndPoint, tokens.Select(t => LoadGenerator.Get(Host(service), ExchangePath, t)), Marker);

    /// <summary>The first few warm-up windows: how expensive a fresh process is.</summary>
    private static string FirstWindows(string curve) => string.Join(", ", curve[(curve.IndexOf("): ", StringComparison.Ordinal) + 3)..].Split(", ").Take(4));

    internal static string Host(ServiceProcess service) => $"127.0.0.1:{service.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Tokens valid for hours (RSA signing is about a millisecond each), over <paramref name="subjects"/> distinct subjects.</summary>
    internal static string[] MintTokens(TestOidcIssuer issuer, int count, int subjects, CancellationToken ct)
    {
        var tokens = new string[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, i => tokens[i] = MintToken(issuer, i % subjects));
        return tokens;
    }

    private static string MintToken(TestOidcIssuer issuer, int branch) => issuer.CreateToken(t =>
    {
        t.Audience = Identifier;
        t.Subject = $"repo:{Org}/{Repo}:ref:refs/heads/feature-{branch.ToString(CultureInfo.InvariantCulture)}";
        t.ExpiresAt = DateTimeOffset.UtcNow.AddHours(6);
    });

    /// <summary>Production defaults except the issuers, the App and the audit sink.</summary>
    internal static string Config(IEnumerable<TestOidcIssuer> issuers, TestAppKey appKey, GitHubSimulator github, bool auditToStdout) => $"""
        sts:
          identifier: {Identifier}
          allowedIssuers: [{string.Join(", ", issuers.Select(i => $"\"{i.Iss}\""))}]
        apps:
          - name: default
            appId: {AppId.ToString(CultureInfo.InvariantCulture)}
            privateKey: |
        {Indent(appKey.Pkcs8Pem, 6)}
            apiUrl: {github.ApiUrl}
        audit:
          stdout: {(auditToStdout ? "true" : "false")}
        """;

    /// <summary>
    /// Issuers with RSA-2048 keys (like GitHub Actions), generated two at a time; that takes about a minute on a busy
    /// 2-core machine, so quick mode uses P-256 keys (ES256), which generate instantly.
    /// </summary>
    private static async Task<List<TestOidcIssuer>> StartIssuersAsync(int count, bool ecKeys)
    {
        var issuers = new TestOidcIssuer[count];
        var options = new TestOidcIssuerOptions { EcDefaultKey = ecKeys };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 2 },
            async (i, _) => issuers[i] = await TestOidcIssuer.StartAsync(options));
        return [.. issuers];
    }

    private static string CpuNote(CpuUsage cpu, long requests) => string.Create(CultureInfo.InvariantCulture,
        $"cores: service {CpuUsage.Cores(cpu.Service, cpu.Wall):F2}, harness {CpuUsage.Cores(cpu.Harness, cpu.Wall):F2}, others {CpuUsage.Cores(cpu.Others, cpu.Wall):F2}; service {cpu.Service.TotalMicroseconds / Math.Max(1, requests):F0} µs/req");

    private static string Sample(LoadResult run) => run.Errors.Sample is { } sample ? $" — first bad response: {sample.ReplaceLineEndings(" ")}" : string.Empty;

    private static string Ms(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static void Log(string message) => Console.WriteLine($"  macro [{DateTime.Now:HH:mm:ss}]: {message}");

    internal static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line.TrimEnd('\r')));

    private sealed record Variant(string Name, string ConfigPath, string Change, IReadOnlyDictionary<string, string> Environment);

    /// <summary>What the measurements share; <see cref="Errors"/> adds up every run's failures.</summary>
    private sealed class Setup(BenchReport report, BenchOptions options, GitHubSimulator github, string[] tokens, double verificationMicroseconds)
    {
        public BenchReport Report { get; } = report;

        public BenchOptions Options { get; } = options;

        public GitHubSimulator GitHub { get; } = github;

        public string[] Tokens { get; } = tokens;

        public double VerificationMicroseconds { get; } = verificationMicroseconds;

        public long Errors { get; set; }
    }
}
