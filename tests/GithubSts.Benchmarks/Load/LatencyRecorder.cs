using System.Diagnostics;

namespace GithubSts.Benchmarks.Load;

/// <summary>Latencies in Stopwatch ticks in a preallocated array (no allocation while recording); thread-safe.</summary>
internal sealed class LatencyRecorder
{
    private readonly long[] samples;
    private long count;

    public LatencyRecorder(int capacity)
    {
        samples = new long[Math.Max(capacity, 1)];
    }

    /// <summary>Samples recorded, including any beyond the capacity (those are counted but not kept).</summary>
    public long Count => Interlocked.Read(ref count);

    public void Record(long ticks)
    {
        var index = Interlocked.Increment(ref count) - 1;
        if (index < samples.Length)
        {
            samples[index] = ticks;
        }
    }

    /// <summary>p50/p90/p99/p99.9/max/mean in milliseconds (nearest rank), from the kept samples.</summary>
    public LatencySummary Summarize()
    {
        var kept = (int)Math.Min(Count, samples.Length);
        if (kept == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = samples.AsSpan(0, kept).ToArray();
        Array.Sort(sorted);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double At(double quantile) => Ms(sorted[Math.Clamp((int)Math.Ceiling(quantile * kept) - 1, 0, kept - 1)]);
        var mean = 0.0;
        foreach (var sample in sorted)
        {
            mean += sample;
        }

        return new LatencySummary(kept, At(0.50), At(0.90), At(0.99), At(0.999), Ms(sorted[^1]), Ms((long)(mean / kept)));
    }
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(int Samples, double P50, double P90, double P99, double P999, double Max, double Mean);
