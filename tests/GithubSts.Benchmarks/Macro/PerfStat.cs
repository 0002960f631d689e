using System.Diagnostics;
using System.Globalization;

namespace GithubSts.Benchmarks.Macro;

/// <summary>
/// Counts of kernel events (system calls by kind, context switches) of a process over a load run, from
/// <c>perf stat -p</c> when BENCH_PERF_STAT=1. Unlike CPU time on a shared machine, these counts do not depend on
/// what else runs: they say how many wake-ups and writes an exchange costs.
/// </summary>
internal static class PerfStat
{
    private static readonly string[] Events =
    [
        "context-switches", "raw_syscalls:sys_enter", "syscalls:sys_enter_futex", "syscalls:sys_enter_write",
        "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_sendto", "syscalls:sys_enter_recvfrom", "syscalls:sys_enter_sched_yield",
    ];

    public static async Task<(T Result, Dictionary<string, double>? Events)> CountAsync<T>(
        int pid, string phase, TimeSpan duration, Func<Task<T>> load, CancellationToken ct)
    {
        var record = Environment.GetEnvironmentVariable("BENCH_PERF_RECORD");
        if (Environment.GetEnvironmentVariable("BENCH_PERF_STAT") != "1" && string.IsNullOrEmpty(record))
        {
            return (await load(), null);
        }

        // BENCH_PERF_RECORD=FILE: a call-graph profile instead of counts (run the service with DOTNET_PerfMapEnabled=1
        // for managed names), one file per phase: FILE.saturated, FILE.open.
        var sleep = new[] { "--", "sleep", duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) };
        var arguments = string.IsNullOrEmpty(record)
            ? new[] { "stat", "-x", ",", "-e", string.Join(',', Events), "-p", pid.ToString(CultureInfo.InvariantCulture) }
            : ["record", "-F", "1999", "-g", "-o", $"{record}.{phase}", "-p", pid.ToString(CultureInfo.InvariantCulture)];
        var start = new ProcessStartInfo("perf") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Concat(sleep))
        {
            start.ArgumentList.Add(argument);
        }

        using var perf = Process.Start(start) ?? throw new InvalidOperationException("could not start perf");
        var output = perf.StandardError.ReadToEndAsync(ct);
        var result = await load();
        await perf.WaitForExitAsync(ct);
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await output).Split('\n'))
        {
            var fields = line.Split(',');
            if (fields.Length > 2 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                counts[fields[2]] = value;
            }
        }

        return (result, counts);
    }

    public static string PerExchange(Dictionary<string, double> counts, long exchanges) => string.Join(" ", counts
        .Where(c => c.Key != "raw_syscalls:sys_enter")
        .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key.Replace("syscalls:sys_enter_", string.Empty, StringComparison.Ordinal)} {c.Value / Math.Max(1, exchanges):F2}"))
        .Prepend(string.Create(CultureInfo.InvariantCulture, $"syscalls {counts.GetValueOrDefault("raw_syscalls:sys_enter") / Math.Max(1, exchanges):F2}")));
}
