using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GithubSts.Benchmarks.Hosting;

/// <summary>
/// The real <c>github-sts</c> executable (Release build, copied next to the harness) as a child process on loopback,
/// so its CPU time and memory can be read from <c>/proc</c> apart from the harness, the simulators and the load.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _errors = [];
    private readonly Queue<string> _lastOutput = new();

    private ServiceProcess(Process process, Uri baseAddress, long startedTimestamp)
    {
        _process = process;
        BaseAddress = baseAddress;
        StartedTimestamp = startedTimestamp;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the process was started.</summary>
    public long StartedTimestamp { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Lines the service wrote to stderr and its last lines of stdout, for diagnostics when something fails.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors, .. _lastOutput];
            }
        }
    }

    /// <summary>Starts <c>dotnet github-sts.dll</c> with <paramref name="arguments"/> (plus <c>--urls</c>) and the given environment.</summary>
    /// <param name="environment">Added to a cluster-free environment (no KUBECONFIG, no in-cluster variables, HOME redirected).</param>
    public static ServiceProcess Start(string workDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "github-sts.dll"));
        foreach (var argument in arguments.Concat(["--urls", url.OriginalString]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["KUBECONFIG"] = string.Empty;
        start.Environment["HOME"] = workDirectory;
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start github-sts");
        var service = new ServiceProcess(process, url, started);

        // Audit lines and logs are drained (a full pipe would stall the service); errors are kept.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (service._errors)
                {
                    service._lastOutput.Enqueue(e.Data);
                    if (service._lastOutput.Count > 30)
                    {
                        service._lastOutput.Dequeue();
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (service._errors)
                {
                    if (service._errors.Count < 200)
                    {
                        service._errors.Add(e.Data);
                    }
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; returns the time since the process was started.</summary>
    public async Task<TimeSpan> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"github-sts exited with {_process.ExitCode}: {string.Join(Environment.NewLine, Errors.TakeLast(20))}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Stopwatch.GetElapsedTime(StartedTimestamp);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(20, ct);
        }

        throw new TimeoutException($"github-sts not ready after {timeout.TotalSeconds:F0} s: {string.Join(Environment.NewLine, Errors.TakeLast(20))}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
