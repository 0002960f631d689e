using System.Globalization;
using System.Text;
using GithubSts.Benchmarks.Load;
using GithubSts.Benchmarks.Reporting;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;

namespace GithubSts.Benchmarks.Macro;

/// <summary>
/// The service in Release mode, the GitHub simulator and a load generator on loopback: maximum sustained exchanges per
/// second, latency at fixed offered rates, CPU per exchange against the RS256 floor, peak RSS and RSS with 100 issuers cached.
/// </summary>
public sealed class MacroSuite : IBenchmarkSuite
{
    private const string Suite = "macro";
    private const string Identifier = "https://sts.bench.local";
    private const long AppId = 4242;
    private const string Org = "bench-org";
    private const string Repo = "api";
    private const string Identity = "bench";
    private const string Marker = "\"token\"";
    private const int ExtraIssuers = 100;

    public string Name => Suite;

    public async Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var tokenCount = options.Quick ? 400 : 2_000;
        var subjects = tokenCount / 2;

        // The floor first, on a quiet machine: one RS256 verification on one thread.
        var verifications = RsaFloor.VerificationsPerSecond(options.Duration(TimeSpan.FromSeconds(3)));
        var verificationMicroseconds = 1e6 / verifications;
        report.Add(new Measurement(Suite, "RS256 verifications/s/core", verifications, "/s", Note: "RSA-2048 VerifyData, one thread"));
        report.Add(new Measurement(Suite, "RS256 verification", verificationMicroseconds, "µs"));

        Log("starting the GitHub simulator and OIDC issuers");
        await using var github = await GitHubSimulator.StartAsync(ct: ct);
        using var appKey = TestAppKey.Create();
        github.AddApp(AppId, "github-sts-bench", appKey.Key);
        github.AddInstallation(AppId, Org, "Organization", [Repo, "web", ".github"],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "write", ["issues"] = "write" });
        github.SetFile(Org, Repo, $".github/sts/default/{Identity}.sts.yaml", """
            issuer_pattern: http://127\.0\.0\.1:[0-9]+
            subject_pattern: repo:bench-org/api:ref:refs/heads/feature-[0-9]+
            permissions:
              contents: read
            """);

        await using var issuer = await TestOidcIssuer.StartAsync();
        var extraIssuers = await StartIssuersAsync(ExtraIssuers);
        var directory = Directory.CreateTempSubdirectory("github-sts-bench-macro");
        try
        {
            Log($"minting {tokenCount} tokens over {subjects} subjects");
            var expires = DateTimeOffset.UtcNow.AddHours(6);
            var tokens = new string[tokenCount];
            Parallel.For(0, tokenCount, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, i => tokens[i] = issuer.CreateToken(t =>
            {
                t.Audience = Identifier;
                t.Subject = $"repo:{Org}/{Repo}:ref:refs/heads/feature-{(i % subjects).ToString(CultureInfo.InvariantCulture)}";
                t.ExpiresAt = expires;
            }));
            var extraTokens = extraIssuers.Select(i => i.CreateToken(t =>
            {
                t.Audience = Identifier;
                t.Subject = $"repo:{Org}/{Repo}:ref:refs/heads/feature-1";
                t.ExpiresAt = expires;
            })).ToList();

            var configPath = Path.Combine(directory.FullName, "github-sts.yaml");
            var allowed = string.Join(", ", new[] { issuer }.Concat(extraIssuers).Select(i => $"\"{i.Iss}\""));
            await File.WriteAllTextAsync(configPath, $"""
                sts:
                  identifier: {Identifier}
                  allowedIssuers: [{allowed}]
                apps:
                  - name: default
                    appId: {AppId.ToString(CultureInfo.InvariantCulture)}
                    privateKey: |
                {Indent(appKey.Pkcs8Pem, 6)}
                    apiUrl: {github.ApiUrl}
                """, ct);

            Log("starting github-sts (Release)");
            await using var service = ServiceProcess.Start(configPath, directory.FullName);
            await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
            var host = $"127.0.0.1:{service.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}";
            var exchangePath = $"/sts/exchange?scope={Org}/{Repo}&identity={Identity}";
            var exchanges = new LoadGenerator(service.EndPoint, tokens.Select(t => LoadGenerator.Get(host, exchangePath, t)), Marker);
            var health = new LoadGenerator(service.EndPoint, [LoadGenerator.Get(host, "/healthz")], "\"ok\"");
            var totalErrors = 0L;

            Log("warming up");
            var warmup = await exchanges.ClosedLoopAsync(16, options.Duration(TimeSpan.FromSeconds(8)), ct);
            await health.ClosedLoopAsync(8, TimeSpan.FromSeconds(1), ct);
            report.Add(new Measurement(Suite, "warm-up exchanges", warmup.Throughput, "/s", Note: $"16 connections, errors: {warmup.Errors}{Sample(warmup)}"));
            github.Reset();

            // Floor 2: the load generator against a trivial endpoint of the same server.
            var floorBefore = CpuSnapshot.Take(service);
            var healthRun = await health.ClosedLoopAsync(32, options.Duration(TimeSpan.FromSeconds(5)), ct);
            var floorCpu = CpuUsage.Between(floorBefore, CpuSnapshot.Take(service));
            totalErrors += healthRun.Errors.Total;
            report.Add(new Measurement(Suite, "GET /healthz (load generator floor)", healthRun.Throughput, "/s",
                Note: $"32 connections, p50 {Ms(healthRun.Latency.P50)} ms, errors {healthRun.Errors}, {CpuNote(floorCpu, healthRun.Completed)}"));
            var harnessPerHealth = floorCpu.Harness.TotalMicroseconds / Math.Max(1, healthRun.Completed);

            // Maximum sustained exchanges: closed loop at a few connection counts.
            LoadResult? best = null;
            CpuUsage bestCpu = default;
            foreach (var connections in new[] { 8, 32, 64 })
            {
                var before = CpuSnapshot.Take(service);
                var run = await exchanges.ClosedLoopAsync(connections, options.Duration(TimeSpan.FromSeconds(10)), ct);
                var cpu = CpuUsage.Between(before, CpuSnapshot.Take(service));
                github.Reset();
                totalErrors += run.Errors.Total;
                report.Add(new Measurement(Suite, $"exchanges/s, closed loop, {connections} conn", run.Throughput, "/s",
                    Note: $"p50 {Ms(run.Latency.P50)} p99 {Ms(run.Latency.P99)} ms, errors {run.Errors}{Sample(run)}, {CpuNote(cpu, run.Completed)}"));
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
                report.Add(Measurement.AtMost(Suite, "service CPU per exchange / RS256 verification", serviceMicroseconds / verificationMicroseconds, "x", 5));
                report.Add(new Measurement(Suite, "harness CPU per exchange", harnessMicroseconds, "µs",
                    Note: $"load generator + GitHub simulator in the harness; load generator alone ≈ {harnessPerHealth:F0} µs/request on /healthz"));
            }

            // Latency at fixed offered rates (open loop, from each request's scheduled time).
            foreach (var rate in new[] { 500, 1_000, 2_000 })
            {
                var before = CpuSnapshot.Take(service);
                var run = await exchanges.OpenLoopAsync(rate, 32, options.Duration(TimeSpan.FromSeconds(10)), ct);
                var cpu = CpuUsage.Between(before, CpuSnapshot.Take(service));
                github.Reset();
                totalErrors += run.Errors.Total;
                var at = $"{rate.ToString(CultureInfo.InvariantCulture)}/s";
                var lag = run.SendLag!;
                var note = $"achieved {run.Throughput:F0}/s, max {Ms(run.Latency.Max)} ms, send lag p50 {Ms(lag.P50)} p99 {Ms(lag.P99)} ms, {CpuNote(cpu, run.Completed)}";
                report.Add(new Measurement(Suite, $"p50 at {at}", run.Latency.P50, "ms", Note: note));
                report.Add(new Measurement(Suite, $"p90 at {at}", run.Latency.P90, "ms"));
                report.Add(rate == 1_000
                    ? Measurement.AtMost(Suite, $"p99 at {at}", run.Latency.P99, "ms", 10)
                    : new Measurement(Suite, $"p99 at {at}", run.Latency.P99, "ms"));
                report.Add(new Measurement(Suite, $"p99.9 at {at}", run.Latency.P999, "ms"));
                report.Add(Measurement.AtMost(Suite, $"errors at {at}", run.Errors.Total, string.Empty, 0, run.Errors.Total == 0 ? null : run.Errors + Sample(run)));
            }

            report.Add(new Measurement(Suite, "service peak RSS (VmHWM)", service.MemoryMegabytes("VmHWM"), "MB", Note: "after all load runs"));

            // 100 more issuers: one exchange each (discovery + JWKS fetched and cached), then the service's RSS.
            var rssBefore = service.MemoryMegabytes("VmRSS");
            var issuersOk = await ExchangeEachAsync(service, extraTokens.Select(t => LoadGenerator.Get(host, exchangePath, t)).ToList(), ct);
            totalErrors += extraTokens.Count - issuersOk;
            var fetched = extraIssuers.Count(i => i.JwksRequests > 0);
            report.Add(Measurement.AtLeast(Suite, $"exchanges from {ExtraIssuers} more issuers", issuersOk, string.Empty, ExtraIssuers,
                $"{fetched.ToString(CultureInfo.InvariantCulture)} issuers' JWKS fetched"));
            var rssAfter = service.MemoryMegabytes("VmRSS");
            report.Add(new Measurement(Suite, $"service RSS with {ExtraIssuers + 1} issuers cached", rssAfter, "MB",
                Note: $"VmRSS; {rssAfter - rssBefore:+0.0;-0.0} MB over the 100 first exchanges"));
            report.Add(new Measurement(Suite, "service peak RSS (VmHWM), end", service.MemoryMegabytes("VmHWM"), "MB"));
            report.Add(Measurement.AtMost(Suite, "errors, all runs", totalErrors, string.Empty, 0, $"audit/log output: {service.OutputBytes / 1_048_576.0:F0} MB on stdout"));
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

    private static async Task<int> ExchangeEachAsync(ServiceProcess service, List<byte[]> requests, CancellationToken ct)
    {
        using var connection = new LoadConnection(service.EndPoint);
        var marker = Encoding.ASCII.GetBytes(Marker);
        var ok = 0;
        foreach (var request in requests)
        {
            ct.ThrowIfCancellationRequested();
            if (await connection.SendAsync(request, marker) == RequestOutcome.Ok)
            {
                ok++;
            }
            else
            {
                Log($"issuer exchange failed: {connection.LastBadResponse}");
            }
        }

        return ok;
    }

    private static async Task<List<TestOidcIssuer>> StartIssuersAsync(int count)
    {
        // Each issuer generates an RSA-2048 key: two at a time (two cores).
        var issuers = new TestOidcIssuer[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 2 },
            async (i, _) => issuers[i] = await TestOidcIssuer.StartAsync());
        return [.. issuers];
    }

    private static string CpuNote(CpuUsage cpu, long requests) => string.Create(CultureInfo.InvariantCulture,
        $"cores: service {CpuUsage.Cores(cpu.Service, cpu.Wall):F2}, harness {CpuUsage.Cores(cpu.Harness, cpu.Wall):F2}, others {CpuUsage.Cores(cpu.Others, cpu.Wall):F2}; service {cpu.Service.TotalMicroseconds / Math.Max(1, requests):F0} µs/req");

    private static string Sample(LoadResult run) => run.Errors.Sample is { } sample ? $" — first bad response: {sample.ReplaceLineEndings(" ")}" : string.Empty;

    private static string Ms(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static void Log(string message) => Console.WriteLine("  macro: " + message);

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line.TrimEnd('\r')));
}
