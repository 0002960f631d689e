using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GithubSts.Benchmarks.Hosting;

/// <summary>
/// The real <c>github-sts</c> executable (Release build next to the benchmark) as a child process without a cluster,
/// its stdout (audit lines and logs) drained asynchronously, and its CPU time and memory read from <c>/proc</c>.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptOutputBytes = 16 * 1024;
    private readonly Process process;
    private readonly Task drainOut;
    private readonly Task drainErr;
    private readonly MemoryStream startOfOutput = new();
    private readonly MemoryStream startOfErrors = new();
    private long outputBytes;

    private ServiceProcess(Process process, Uri url, Uri managementUrl, long startedTimestamp)
    {
        this.process = process;
        Url = url;
        ManagementUrl = managementUrl;
        StartedTimestamp = startedTimestamp;
        drainOut = DrainAsync(process.StandardOutput.BaseStream, startOfOutput, count: true);
        drainErr = DrainAsync(process.StandardError.BaseStream, startOfErrors, count: false);
    }

    public Uri Url { get; }

    public IPEndPoint EndPoint => new(IPAddress.Parse(Url.Host), Url.Port);

    /// <summary>The management listener (<c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>).</summary>
    public Uri ManagementUrl { get; }

    public IPEndPoint ManagementEndPoint => new(IPAddress.Parse(ManagementUrl.Host), ManagementUrl.Port);

    public int Id => process.Id;

    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the process was started.</summary>
    public long StartedTimestamp { get; }

    /// <summary>
    /// Where <c>github-sts.dll</c> is run from: the build output next to the benchmark, or BENCH_SERVICE_DIR (e.g. the
    /// ReadyToRun output of <c>make publish</c>, <c>out/</c>), so the shipped build is what gets measured.
    /// </summary>
    public static string ServiceDirectory => Environment.GetEnvironmentVariable("BENCH_SERVICE_DIR") is { Length: > 0 } directory
        ? Path.GetFullPath(directory)
        : AppContext.BaseDirectory;

    /// <summary>Bytes the service wrote to stdout (audit lines and logs).</summary>
    public long OutputBytes => Interlocked.Read(ref outputBytes);

    /// <param name="configPath">The YAML configuration file.</param>
    /// <param name="home">HOME for the child (no kubeconfig there).</param>
    /// <param name="environment">Extra variables, e.g. ASP.NET Core logging overrides.</param>
    /// <param name="arguments">Extra command-line arguments, e.g. <c>--kubeconfig PATH</c>.</param>
    public static ServiceProcess Start(
        string configPath, string home, IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? arguments = null)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}");
        var managementUrl = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}");
        var directory = ServiceDirectory;
        var executable = Path.Combine(directory, "github-sts.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,

            // As in the container image (WORKDIR /app): the content root is the application directory, so the service's
            // appsettings.json (Microsoft.AspNetCore at Warning) applies. From elsewhere ASP.NET Core logs ~6 lines per request.
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { executable, "--config", configPath, "--urls", url.OriginalString }.Concat(arguments ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        // No cluster: never pick up a kubeconfig or an in-cluster service account.
        start.Environment["KUBECONFIG"] = string.Empty;
        start.Environment["HOME"] = home;
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");

        // The service refuses unknown GITHUBSTS_* variables  and must not pick up the
        // developer's overrides: the configuration file alone describes the benchmarked setup.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GITHUBSTS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        // As in the container image (Dockerfile): tiering without the call-counting delay.
        start.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
        start.Environment["GITHUBSTS_MANAGEMENT_URLS"] = managementUrl.OriginalString;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>(StringComparer.Ordinal))
        {
            start.Environment[name] = value;
        }

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start github-sts");
        return new ServiceProcess(process, url, managementUrl, started);
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; returns the time since the process was started.</summary>
    public async Task<TimeSpan> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = ManagementUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
                if (ready.IsSuccessStatusCode)
                {
                    return Stopwatch.GetElapsedTime(StartedTimestamp);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }

            await Task.Delay(20, ct);
        }

        throw new InvalidOperationException(
            $"github-sts did not become ready within {timeout.TotalSeconds:F0} s (exited: {process.HasExited}).\nstdout:\n{Text(startOfOutput)}\nstderr:\n{Text(startOfErrors)}");
    }

    /// <summary>User + system CPU time of the service so far (from <c>/proc/PID/stat</c>, 10 ms resolution).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    /// <summary>A <c>/proc/PID/status</c> memory figure (VmRSS, VmHWM...) in MB.</summary>
    public double MemoryMegabytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        throw new InvalidOperationException($"{field} not found in /proc/{Id}/status");
    }

    /// <summary>The service's <c>/metrics</c> text.</summary>
    public async Task<string> GetMetricsAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = ManagementUrl };
        return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
    }

    public string Diagnostics() => $"stdout (start):\n{Text(startOfOutput)}\nstderr (start):\n{Text(startOfErrors)}";

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        await Task.WhenAll(drainOut, drainErr);
        process.Dispose();
        startOfOutput.Dispose();
        startOfErrors.Dispose();
    }

    /// <summary>CLK_TCK: 100 on Linux (<c>getconf CLK_TCK</c>).</summary>
    private static double ClockTicksPerSecond => 100;

    private static string Text(MemoryStream stream)
    {
        lock (stream)
        {
            return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task DrainAsync(Stream stream, MemoryStream keep, bool count)
    {
        var buffer = new byte[64 * 1024];

        // BENCH_SERVICE_LOG_DIR=/some/dir keeps each service's whole output there (to find why an exchange failed).
        await using var copy = Environment.GetEnvironmentVariable("BENCH_SERVICE_LOG_DIR") is { Length: > 0 } directory
            ? File.Create(Path.Combine(directory, $"github-sts-{Id.ToString(CultureInfo.InvariantCulture)}.{(count ? "out" : "err")}.log"))
            : null;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                if (copy is not null)
                {
                    await copy.WriteAsync(buffer.AsMemory(0, read));
                }

                if (count)
                {
                    Interlocked.Add(ref outputBytes, read);
                }

                lock (keep)
                {
                    if (keep.Length < KeptOutputBytes)
                    {
                        keep.Write(buffer, 0, (int)Math.Min(read, KeptOutputBytes - keep.Length));
                    }
                }
            }
        }
        catch (IOException)
        {
            // The process went away.
        }
    }
}
