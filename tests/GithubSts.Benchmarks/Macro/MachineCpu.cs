using System.Globalization;
using GithubSts.Benchmarks.Hosting;

namespace GithubSts.Benchmarks.Macro;

/// <summary>CPU time of the harness itself and of the whole machine (<c>/proc/stat</c>), to tell who used the cores during a run.</summary>
internal readonly record struct CpuSnapshot(TimeSpan Service, TimeSpan Harness, TimeSpan MachineBusy, long Timestamp)
{
    public static CpuSnapshot Take(ServiceProcess service)
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new CpuSnapshot(service.CpuTime(), self.TotalProcessorTime, ReadMachineBusy(), System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>All cores' non-idle time (user, nice, system, irq, softirq, steal) from the first line of <c>/proc/stat</c>.</summary>
    private static TimeSpan ReadMachineBusy()
    {
        var line = File.ReadLines("/proc/stat").First();
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        return TimeSpan.FromSeconds(busy / 100.0);
    }
}

/// <summary>CPU used between two snapshots.</summary>
internal readonly record struct CpuUsage(TimeSpan Service, TimeSpan Harness, TimeSpan MachineBusy, TimeSpan Wall)
{
    /// <summary>What processes other than the service and this harness used (other developers, the build server...).</summary>
    public TimeSpan Others => MachineBusy - Service - Harness;

    public static CpuUsage Between(CpuSnapshot before, CpuSnapshot after) => new(
        after.Service - before.Service,
        after.Harness - before.Harness,
        after.MachineBusy - before.MachineBusy,
        System.Diagnostics.Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp));

    /// <summary>Cores busy on average, e.g. 1.6.</summary>
    public static double Cores(TimeSpan cpu, TimeSpan wall) => cpu.TotalSeconds / wall.TotalSeconds;
}
