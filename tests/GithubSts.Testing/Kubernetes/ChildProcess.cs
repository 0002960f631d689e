using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace GithubSts.Testing.Kubernetes;

/// <summary>
/// A child process whose stdout and stderr go to a log file, and which dies with the test process: killed on dispose,
/// on <see cref="AppDomain.ProcessExit"/>, and by a watchdog shell if the test host is killed outright.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;
    private readonly Task _pumps;
    private readonly StreamWriter _log;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
            {
                TryKill(process);
            }
        };
    }

    private ChildProcess(Process process, StreamWriter log, Task pumps, string logPath)
    {
        _process = process;
        _log = log;
        _pumps = pumps;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        Live[process.Id] = process;
        StartWatchdog(process.Id);
        var gate = new Lock();
        var pumps = Task.WhenAll(Pump(process.StandardOutput, log, gate), Pump(process.StandardError, log, gate));
        return new ChildProcess(process, log, pumps, logPath);
    }

    /// <summary>The last <paramref name="lines"/> lines of the log (for failure messages).</summary>
    public string Tail(int lines = 40) => TailOf(LogPath, lines);

    public static string TailOf(string path, int lines)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(log {path} unreadable: {ex.Message})";
        }
    }

    /// <summary>SIGKILL and wait for the exit (a crash, as far as the process's clients can tell).</summary>
    public async Task KillAsync()
    {
        TryKill(_process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        Live.TryRemove(_process.Id, out _);
        await _pumps.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        Live.TryRemove(_process.Id, out _);
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static async Task Pump(StreamReader source, StreamWriter log, Lock gate)
    {
        while (await source.ReadLineAsync() is { } line)
        {
            lock (gate)
            {
                log.WriteLine(line);
            }
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    /// <summary>Kills the child within a second of the test host's death, however that happens (even SIGKILL).</summary>
    private static void StartWatchdog(int childPid)
    {
        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var child = childPid.ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"while kill -0 {parent} 2>/dev/null && kill -0 {child} 2>/dev/null; do sleep 1; done; kill -9 {child} 2>/dev/null; exit 0");
        using var watchdog = Process.Start(info);
    }
}
