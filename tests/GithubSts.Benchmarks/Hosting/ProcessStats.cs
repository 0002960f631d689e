using System.Globalization;

namespace GithubSts.Benchmarks.Hosting;

/// <summary>Memory and CPU of a process, read from <c>/proc</c> (Linux).</summary>
public static class ProcessStats
{
    /// <summary>Kernel clock ticks per second for <c>utime</c>/<c>stime</c> (<c>getconf CLK_TCK</c>; 100 on Linux).</summary>
    public const double ClockTicksPerSecond = 100;

    /// <summary>Resident set size now, in MB.</summary>
    public static double RssMegabytes(int pid) => StatusKilobytes(pid, "VmRSS:") / 1024.0;

    /// <summary>Peak resident set size so far, in MB.</summary>
    public static double PeakRssMegabytes(int pid) => StatusKilobytes(pid, "VmHWM:") / 1024.0;

    /// <summary>User + system CPU time consumed so far.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) may contain spaces: fields are counted after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    private static long StatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{field} not found in /proc/{pid}/status");
    }
}
