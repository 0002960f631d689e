using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GithubSts.Testing.Kubernetes;
using StackExchange.Redis;

namespace GithubSts.Testing.Redis;

/// <summary>A real <c>redis-server</c> on a free loopback port, without persistence; it can be killed and restarted.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";
    private readonly string? _password;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly RedisTls? _tls;
    private readonly string _logPath;
    private ChildProcess? _process;

    private RedisServer(int port, string? password, IReadOnlyList<string> extraArguments, RedisTls? tls)
    {
        Port = port;
        _password = password;
        _extraArguments = extraArguments;
        _tls = tls;
        _logPath = Path.Combine(Path.GetTempPath(), $"githubsts-redis-{port}-{Guid.NewGuid():N}.log");
    }

    /// <summary>Why the Redis tests are skipped, or null when redis-server is installed.</summary>
    public static string? MissingReason =>
        File.Exists(ServerPath) ? null : $"{ServerPath} is not installed (tests/tools/install-test-dependencies.sh installs it)";

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <param name="password">The <c>default</c> user's password (<c>requirepass</c>).</param>
    /// <param name="extraArguments">More redis-server options, e.g. <c>--user sts on &gt;pw ~k:* +set</c>.</param>
    /// <param name="tls">Serve TLS only (the port is the TLS port) with this certificate.</param>
    public static async Task<RedisServer> StartAsync(string? password = null, IReadOnlyList<string>? extraArguments = null, RedisTls? tls = null)
    {
        var server = new RedisServer(FreePort(), password, extraArguments ?? [], tls);
        await server.RestartAsync();
        return server;
    }

    /// <summary>A plain StackExchange.Redis connection for a test's own reads (not the store under test).</summary>
    public async Task<ConnectionMultiplexer> ConnectDirectAsync()
    {
        var options = new ConfigurationOptions { Password = _password, AllowAdmin = true, ConnectTimeout = 5000, SyncTimeout = 5000, AsyncTimeout = 5000 };
        options.EndPoints.Add(IPAddress.Loopback, Port);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The server's log (for a failure message).</summary>
    public string Tail() => ChildProcess.TailOf(_logPath, 40);

    /// <summary>Starts (again) on the same port.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        var port = Port.ToString(CultureInfo.InvariantCulture);
        List<string> args = _tls is null
            ? ["--port", port]
            : ["--port", "0", "--tls-port", port, "--tls-cert-file", _tls.CertificateFile, "--tls-key-file", _tls.KeyFile,
               "--tls-ca-cert-file", _tls.CaFile, "--tls-auth-clients", "no"];
        args.AddRange(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        if (_password is not null)
        {
            args.AddRange(["--requirepass", _password]);
        }

        args.AddRange(_extraArguments);

        _process = ChildProcess.Start(ServerPath, args, _logPath);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(20);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException("redis-server did not start:\n" + _process.Tail(), e);
            }
        }
    }

    /// <summary>SIGKILL: clients see a dropped connection and refused connects.</summary>
    public Task KillAsync() => _process is null ? Task.CompletedTask : _process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A fact that needs a real redis-server; skipped (with the reason) when it is not installed.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RedisFactAttribute : Xunit.FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
