using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace GithubSts.Benchmarks.Load;

/// <summary>
/// A small HTTP/1.1 load generator for loopback benchmarks: keep-alive raw-socket connections, pre-serialized requests
/// (cycled through), closed loop (as fast as responses come back) or open loop at a fixed offered rate with latency
/// measured from each request's scheduled time, so a stalled server is not hidden by the generator waiting for it.
/// </summary>
internal sealed class LoadGenerator
{
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMilliseconds(200);
    private readonly EndPoint endpoint;
    private readonly byte[][] requests;
    private readonly byte[] marker;
    private long nextRequest = -1;

    /// <param name="endpoint">The server.</param>
    /// <param name="requests">Complete request bytes; each send takes the next one, round robin.</param>
    /// <param name="marker">Bytes a valid 200 response body contains, e.g. <c>"token"</c>.</param>
    public LoadGenerator(EndPoint endpoint, IEnumerable<byte[]> requests, string marker)
    {
        this.endpoint = endpoint;
        this.requests = [.. requests];
        this.marker = Encoding.ASCII.GetBytes(marker);
        if (this.requests.Length == 0)
        {
            throw new ArgumentException("At least one request is needed.", nameof(requests));
        }
    }

    /// <summary>A request or response taking longer than this is an error (the connection is dropped and reopened).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>GET {pathAndQuery}</c> with optional bearer token, as bytes.</summary>
    public static byte[] Get(string host, string pathAndQuery, string? bearer = null) => Encoding.ASCII.GetBytes(
        $"GET {pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: github-sts-bench\r\n"
        + (bearer is null ? string.Empty : $"Authorization: Bearer {bearer}\r\n")
        + "\r\n");

    /// <summary><paramref name="connections"/> connections each sending its next request as soon as the previous response is in.</summary>
    public async Task<LoadResult> ClosedLoopAsync(int connections, TimeSpan duration, CancellationToken ct)
    {
        var pool = await ConnectAsync(connections, ct);
        var latencies = new LatencyRecorder(Capacity(duration, 100_000));
        var errors = new ErrorCounts();
        using var watchdog = StartWatchdog(pool);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = pool.Select(connection => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < end)
            {
                var sent = Stopwatch.GetTimestamp();
                var outcome = await connection.SendAsync(NextRequest(), marker);
                Account(outcome, connection, Stopwatch.GetTimestamp() - sent, latencies, errors);
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Dispose(pool);
        return new LoadResult(connections, null, latencies.Count, errors, elapsed, latencies.Summarize(), null);
    }

    /// <summary>
    /// Offers <paramref name="rate"/> requests per second for <paramref name="duration"/>: request i is due at start + i/rate and
    /// goes out on the next free connection; its latency runs from when it was due, so waiting for a connection counts.
    /// </summary>
    public async Task<LoadResult> OpenLoopAsync(double rate, int connections, TimeSpan duration, CancellationToken ct)
    {
        var pool = await ConnectAsync(connections, ct);
        var total = (long)(rate * duration.TotalSeconds);
        var latencies = new LatencyRecorder((int)Math.Min(total, int.MaxValue));
        var lag = new LatencyRecorder((int)Math.Min(total, int.MaxValue));
        var errors = new ErrorCounts();
        using var watchdog = StartWatchdog(pool);
        var ticksPerRequest = Stopwatch.Frequency / rate;
        long scheduled = -1;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100); // 10 ms to let the workers get going
        var workers = pool.Select(connection => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref scheduled);
                if (index >= total)
                {
                    return;
                }

                var due = start + (long)(index * ticksPerRequest);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
                }

                lag.Record(Math.Max(0, Stopwatch.GetTimestamp() - due));
                var outcome = await connection.SendAsync(NextRequest(), marker);
                Account(outcome, connection, Stopwatch.GetTimestamp() - due, latencies, errors);
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Dispose(pool);
        return new LoadResult(connections, rate, latencies.Count, errors, elapsed, latencies.Summarize(), lag.Summarize());
    }

    private static int Capacity(TimeSpan duration, double maxRate) => (int)Math.Min(duration.TotalSeconds * maxRate, 50_000_000);

    private static void Account(RequestOutcome outcome, LoadConnection connection, long ticks, LatencyRecorder latencies, ErrorCounts errors)
    {
        if (outcome == RequestOutcome.Ok)
        {
            latencies.Record(ticks);
        }
        else
        {
            errors.Add(outcome, connection.LastBadStatus, connection.LastBadResponse);
        }
    }

    private static void Dispose(LoadConnection[] pool)
    {
        foreach (var connection in pool)
        {
            connection.Dispose();
        }
    }

    private ReadOnlyMemory<byte> NextRequest() => requests[(int)((ulong)Interlocked.Increment(ref nextRequest) % (ulong)requests.Length)];

    private async Task<LoadConnection[]> ConnectAsync(int connections, CancellationToken ct)
    {
        var pool = Enumerable.Range(0, connections).Select(_ => new LoadConnection(endpoint)).ToArray();
        try
        {
            foreach (var connection in pool)
            {
                await connection.ConnectAsync(ct);
            }
        }
        catch
        {
            Dispose(pool);
            throw;
        }

        return pool;
    }

    private Timer StartWatchdog(LoadConnection[] pool)
    {
        var limit = (long)(Timeout.TotalSeconds * Stopwatch.Frequency);
        return new Timer(
            _ =>
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var connection in pool)
                {
                    var since = connection.InFlightSince;
                    if (since != 0 && now - since > limit)
                    {
                        connection.Abort();
                    }
                }
            },
            null,
            WatchdogPeriod,
            WatchdogPeriod);
    }
}

/// <summary>Failed requests by kind, with one sample response for diagnostics.</summary>
internal sealed class ErrorCounts
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> counts = new(StringComparer.Ordinal);
    private long total;

    public long Total => Interlocked.Read(ref total);

    public string? Sample { get; private set; }

    public void Add(RequestOutcome outcome, int status, string? response)
    {
        Interlocked.Increment(ref total);
        var key = outcome == RequestOutcome.BadStatus ? "HTTP " + status.ToString(CultureInfo.InvariantCulture) : outcome.ToString();
        lock (gate)
        {
            counts[key] = counts.GetValueOrDefault(key) + 1;
            if (outcome is RequestOutcome.BadStatus or RequestOutcome.BadBody)
            {
                Sample ??= response;
            }
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            return counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value.ToString(CultureInfo.InvariantCulture)}"));
        }
    }
}

/// <summary>One load run: successful requests, errors, wall time and latencies (ms).</summary>
/// <param name="Connections">Connections used.</param>
/// <param name="OfferedRate">Requests per second offered (open loop), or null (closed loop).</param>
/// <param name="Completed">Successful (200, valid body) responses.</param>
/// <param name="Errors">Failures by kind.</param>
/// <param name="Elapsed">From the first scheduled request to the last response.</param>
/// <param name="Latency">Of the successful requests; open loop: from each request's scheduled time.</param>
/// <param name="SendLag">Open loop: how late requests went out after they were due (timer granularity, busy connections).</param>
internal sealed record LoadResult(int Connections, double? OfferedRate, long Completed, ErrorCounts Errors, TimeSpan Elapsed, LatencySummary Latency, LatencySummary? SendLag)
{
    public double Throughput => Completed / Elapsed.TotalSeconds;
}
