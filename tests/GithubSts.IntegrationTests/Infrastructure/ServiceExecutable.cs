using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace GithubSts.IntegrationTests.Infrastructure;

/// <summary>
/// The real <c>github-sts</c> executable as a process of its own, on free loopback ports, with no cluster and none of
/// the test's own <c>GITHUBSTS_</c> variables; its stdout and stderr are collected line by line.
/// </summary>
internal sealed class ServiceExecutable : IAsyncDisposable
{
    private readonly string _home;

    private ServiceExecutable(Process process, string home, string scheme, int publicPort, int managementPort)
    {
        Process = process;
        _home = home;
        PublicAddress = new Uri($"{scheme}://127.0.0.1:{publicPort}");
        ManagementAddress = new Uri($"http://127.0.0.1:{managementPort}");
    }

    public Process Process { get; }

    public Uri PublicAddress { get; }

    public Uri ManagementAddress { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>
    /// Starts the service with ENVIRONMENT (its public listener on SCHEME, <c>http</c> or <c>https</c>) and waits (30 s at
    /// most) until <c>/readyz</c> answers 200.
    /// </summary>
    public static async Task<ServiceExecutable> StartAsync(IReadOnlyDictionary<string, string> environment, string scheme = "http")
    {
        var publicPort = FreePort();
        var managementPort = FreePort();
        var home = Directory.CreateTempSubdirectory("githubsts-executable").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = home };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "github-sts.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"{scheme}://127.0.0.1:{publicPort}");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GITHUBSTS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        // No cluster: the exchange alone.
        start.Environment["HOME"] = home;
        start.Environment["KUBECONFIG"] = string.Empty;
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");
        start.Environment["GITHUBSTS_MANAGEMENT_URLS"] = $"http://127.0.0.1:{managementPort}";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var service = new ServiceExecutable(Process.Start(start)!, home, scheme, publicPort, managementPort);
        service.Process.OutputDataReceived += (_, e) => { if (e.Data is not null) { service.Output.Enqueue(e.Data); } };
        service.Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { service.Errors.Enqueue(e.Data); } };
        service.Process.BeginOutputReadLine();
        service.Process.BeginErrorReadLine();
        await service.WaitUntilReadyAsync();
        return service;
    }

    /// <summary>Sends SIGNAL (e.g. <c>TERM</c>) to the process, as the kubelet does.</summary>
    public async Task SignalAsync(string signal)
    {
        var result = await ToolProcess.RunAsync("kill", ["-" + signal, Process.Id.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    public string Describe() =>
        $"exited: {Process.HasExited}. stderr:\n{string.Join('\n', Errors)}\nstdout:\n{string.Join('\n', Output.TakeLast(30))}";

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync();
        Process.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = ManagementAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the service did not become ready on {ManagementAddress} ({Describe()})");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
