using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GithubSts.Testing.Kubernetes;

namespace GithubSts.Testing.Redis;

/// <summary>
/// A real Sentinel (<c>redis-server --sentinel</c>, the same binary Debian's redis-sentinel package links) watching
/// one master under <see cref="ServiceName"/>.
/// </summary>
public sealed class RedisSentinel : IAsyncDisposable
{
    public const string ServiceName = "githubsts-master";
    private readonly string _directory;
    private readonly ChildProcess _process;

    private RedisSentinel(int port, string directory, ChildProcess process)
    {
        Port = port;
        _directory = directory;
        _process = process;
    }

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <param name="downAfter">
    /// How long the master may not answer before Sentinel fails over to a replica (Sentinel's default is 30 s; a
    /// failover test sets about a second).
    /// </param>
    /// <param name="sentinelPassword">The Sentinel's own password (<c>requirepass</c> of the Sentinel, not of the master).</param>
    public static async Task<RedisSentinel> StartAsync(
        RedisServer master, string? masterPassword = null, TimeSpan? downAfter = null, string? sentinelPassword = null)
    {
        ArgumentNullException.ThrowIfNull(master);
        var directory = Directory.CreateTempSubdirectory("githubsts-sentinel").FullName;
        var port = FreePort();

        // Sentinel rewrites its configuration file, so it must be a writable file of its own.
        var config = Path.Combine(directory, "sentinel.conf");
        var lines = new List<string>
        {
            "port " + port.ToString(CultureInfo.InvariantCulture),
            "bind 127.0.0.1",
            "dir " + directory,
            $"sentinel monitor {ServiceName} 127.0.0.1 {master.Port.ToString(CultureInfo.InvariantCulture)} 1",
        };
        if (masterPassword is not null)
        {
            lines.Add($"sentinel auth-pass {ServiceName} {masterPassword}");
        }

        if (sentinelPassword is not null)
        {
            lines.Add("requirepass " + sentinelPassword);
        }

        if (downAfter is { } down)
        {
            var milliseconds = ((long)down.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            lines.Add($"sentinel down-after-milliseconds {ServiceName} {milliseconds}");
            lines.Add($"sentinel failover-timeout {ServiceName} 10000");
        }

        await File.WriteAllLinesAsync(config, lines);
        var process = ChildProcess.Start(RedisServer.ServerPath, [config, "--sentinel"], Path.Combine(directory, "sentinel.log"));
        var sentinel = new RedisSentinel(port, directory, process);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return sentinel;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(20);
            }
            catch (SocketException e)
            {
                var tail = process.Tail();
                await sentinel.DisposeAsync();
                throw new InvalidOperationException("redis-server --sentinel did not start:\n" + tail, e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
