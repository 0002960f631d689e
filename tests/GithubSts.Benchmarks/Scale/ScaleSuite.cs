using System.Globalization;
using GithubSts.Benchmarks.Hosting;
using GithubSts.Benchmarks.Reporting;
using GithubSts.Testing.Kubernetes;

namespace GithubSts.Benchmarks.Scale;

/// <summary>
/// Start-up-to-ready time and memory of a new replica with 1,000 / 10,000 / 50,000 TrustPolicies in a real
/// kube-apiserver: the process is started, lists and watches, compiles and indexes every policy, and is measured
/// when <c>/readyz</c> answers 200 (readiness waits for the index to hold every policy present at start-up).
/// </summary>
public sealed class ScaleSuite : IBenchmarkSuite
{
    private const string Suite = "scale";
    private static readonly int[] FullCounts = [1_000, 10_000, 50_000];
    private static readonly int[] QuickCounts = [100, 1_000];

    public string Name => Suite;

    public async Task RunAsync(BenchReport report, BenchOptions options, CancellationToken ct)
    {
        if (KubeApiServer.MissingComponentsReason is { } missing)
        {
            Console.WriteLine($"  scale: skipped ({missing}); `make bench` installs etcd and kube-apiserver");
            return;
        }

        await using var cluster = await ScaleCluster.StartAsync(ct);
        var work = Directory.CreateTempSubdirectory("github-sts-scale");
        try
        {
            var kubeconfig = cluster.WriteKubeconfig(work.FullName);
            var config = Path.Combine(work.FullName, "github-sts.yaml");
            await File.WriteAllTextAsync(config, "sts:\n  identifier: https://sts.bench.local\n", ct);
            foreach (var count in options.Quick ? QuickCounts : FullCounts)
            {
                var creation = await cluster.GrowToAsync(count, ct);
                Console.WriteLine($"  scale: {count} TrustPolicies in the API server (added in {creation.TotalSeconds:F1} s)");
                await MeasureStartAsync(report, count, work.FullName, config, kubeconfig, ct);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task MeasureStartAsync(BenchReport report, int count, string work, string config, string kubeconfig, CancellationToken ct)
    {
        await using var service = ServiceProcess.Start(config, work, new Dictionary<string, string>
        {
            ["GITHUBSTS_KUBERNETES_NAMESPACE"] = ScaleCluster.Namespace,
            ["GITHUBSTS_AUDIT_STDOUT"] = "false",
        }, ["--kubeconfig", kubeconfig]);
        var ready = await service.WaitUntilReadyAsync(TimeSpan.FromMinutes(5), ct);
        var indexed = await IndexedPoliciesAsync(service, ct);
        var rssAtReady = service.MemoryMegabytes("VmRSS");

        // Settled: the start-up garbage collected, the informer caches and the index are what stays.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var rss = service.MemoryMegabytes("VmRSS");
        var peak = service.MemoryMegabytes("VmHWM");
        var label = count.ToString("N0", CultureInfo.InvariantCulture);
        var note = $"{indexed} indexed at ready; RSS at ready {rssAtReady:F0} MB";
        report.Add(new Measurement(Suite, $"start-up to ready, {label} policies", ready.TotalSeconds, "s", Note: note));
        report.Add(count == 10_000
            ? Measurement.AtMost(Suite, $"RSS, {label} policies", rss, "MB", 200)
            : new Measurement(Suite, $"RSS, {label} policies", rss, "MB"));
        report.Add(new Measurement(Suite, $"peak RSS, {label} policies", peak, "MB"));
        if (indexed != count)
        {
            throw new InvalidOperationException($"ready with {indexed} of {count} policies indexed");
        }
    }

    private static async Task<long> IndexedPoliciesAsync(ServiceProcess service, CancellationToken ct)
    {
        var metrics = await service.GetMetricsAsync(ct);
        var line = metrics.Split('\n').Single(l => l.StartsWith("githubsts_policy_index_policies ", StringComparison.Ordinal)

            // OpenTelemetry's exporter writes an empty label set as {}.
            || l.StartsWith("githubsts_policy_index_policies{} ", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
