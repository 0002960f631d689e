using System.Globalization;
using GithubSts.Benchmarks.Hosting;

namespace GithubSts.Benchmarks.Macro;

/// <summary>
/// The service's own view of exchange latency, from its <c>githubsts_token_exchange_duration_seconds</c> histogram:
/// which share of successful exchanges finished within a bucket bound. Unlike the load generator's figures it excludes
/// the harness's own scheduling delays (the harness shares the 2 cores with the service and the GitHub simulator).
/// </summary>
internal static class ServerLatency
{
    private const string Bucket = "githubsts_token_exchange_duration_seconds_bucket{result=\"success\",le=\"";

    /// <summary>Cumulative counts per bucket bound (seconds, as printed) of successful exchanges so far.</summary>
    public static async Task<Dictionary<string, long>> SnapshotAsync(ServiceProcess service, CancellationToken ct)
    {
        var text = await service.GetMetricsAsync(ct);
        var buckets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(Bucket, StringComparison.Ordinal))
            {
                var end = line.IndexOf('"', Bucket.Length);
                buckets[line[Bucket.Length..end]] = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return buckets;
    }

    /// <summary>The share (0–1) of the exchanges between two snapshots that took at most <paramref name="bound"/> ("0.01").</summary>
    public static double ShareWithin(Dictionary<string, long> before, Dictionary<string, long> after, string bound)
    {
        var total = after.GetValueOrDefault("+Inf") - before.GetValueOrDefault("+Inf");
        var within = after.GetValueOrDefault(bound) - before.GetValueOrDefault(bound);
        return total == 0 ? 0 : (double)within / total;
    }
}
