using System.Net;
using GithubSts.Exchange.Health;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Warmup;

/// <summary>
/// Runs the exchange's hot path before the replica reports ready, so the JIT compiles it (tier 0, then tier 1 on the
/// runtime's background thread) while no caller waits, not under the first seconds of real load: exchanges through a
/// private copy of the pipeline (<see cref="WarmupExchange"/>: its own issuer, App key and loopback "GitHub", nothing
/// reaches GitHub or is audited), and <c>GET /healthz</c> over loopback to this process's management listener (Kestrel's
/// request and response path, the HTTP client's connection path). Rounds continue until a round adds almost no newly
/// compiled method or <c>startup.warmupSeconds</c> is spent; <c>/readyz</c> answers 503 ("warm-up not ready") meanwhile.
/// A failure is logged and ends the warm-up: readiness never depends on it succeeding.
/// </summary>
public sealed partial class HotPathWarmup(
    TimeSpan budget, IServiceProvider services, IServer server, IHostApplicationLifetime lifetime, ServiceReadiness readiness, TimeProvider time, ILogger<HotPathWarmup> logger)
    : BackgroundService
{
    public const string ReadinessCheck = "warm-up";

    /// <summary>
    /// Exchanges (and as many <c>/healthz</c> requests) per round, one at a time: the runtime compiles tier 1 on one
    /// background thread, which a warm-up on both cores would starve.
    /// </summary>
    private const int ExchangesPerRound = 40;

    /// <summary>A round that compiles fewer methods than this ends the warm-up: what is left is not the hot path.</summary>
    private const long SettledMethodsPerRound = 4;

    /// <summary>Rounds run in any case: tier-1 compilation starts after 30 calls of a method.</summary>
    private const int MinimumRounds = 3;

    private volatile bool _done;
    private int _exchanges;

    /// <summary>Rounds run by the last warm-up (tests).</summary>
    public int Rounds { get; private set; }

    /// <summary>Exchanges the private pipeline completed (tests).</summary>
    public int Exchanges => Volatile.Read(ref _exchanges);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        readiness.AddCheck(ReadinessCheck, () => _done);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartAsync(stoppingToken);
            await WarmAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before the warm-up finished.
        }
        catch (Exception e)
        {
            LogFailed(e.GetType().Name, e.Message);
        }
        finally
        {
            _done = true;
        }
    }

    private async Task WarmAsync(CancellationToken stoppingToken)
    {
        // No span of the private exchanges (pipeline steps, the loopback "GitHub" calls) reaches the trace exporter.
        using var untraced = OpenTelemetry.SuppressInstrumentationScope.Begin();
        var started = time.GetTimestamp();
        var methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        await using var exchange = new WarmupExchange(time, services);
        using var health = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var healthz = HealthzUrl();
        var last = methodsBefore;
        while (time.GetElapsedTime(started) < budget)
        {
            Rounds++;
            await ExchangesAsync(exchange, ExchangesPerRound, stoppingToken);
            await HealthAsync(health, healthz, ExchangesPerRound, stoppingToken);
            var methods = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (Rounds >= MinimumRounds && methods - last < SettledMethodsPerRound)
            {
                break;
            }

            last = methods;
        }

        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore;
        var milliseconds = time.GetElapsedTime(started).TotalMilliseconds;
        var warmedHealthz = healthz?.ToString() ?? "none";
        LogWarmedUp(Rounds, Exchanges, compiled, milliseconds, warmedHealthz);
    }

    private async Task ExchangesAsync(WarmupExchange exchange, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await exchange.RunAsync(cancellationToken);
            Interlocked.Increment(ref _exchanges);
        }
    }

    private static async Task HealthAsync(HttpClient client, Uri? url, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; url is not null && i < count; i++)
        {
            using var response = await client.GetAsync(url, cancellationToken);
            await response.Content.CopyToAsync(Stream.Null, cancellationToken);
        }
    }

    private async Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(started.SetResult);
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task;
    }

    /// <summary>
    /// <c>/healthz</c> on the management listener (the last bound address: management URLs are bound after the public
    /// ones), over plain HTTP on loopback; null when it is not plain HTTP.
    /// </summary>
    private Uri? HealthzUrl()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.LastOrDefault();
        if (address is null)
        {
            return null;
        }

        var binding = BindingAddress.Parse(address);
        if (!string.Equals(binding.Scheme, "http", StringComparison.Ordinal))
        {
            return null;
        }

        var host = IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any)
            ? binding.Host
            : "127.0.0.1";
        if (binding.Host is "*" or "+" or "localhost")
        {
            host = "127.0.0.1";
        }

        return new Uri($"http://{host}:{binding.Port}/healthz");
    }

    [LoggerMessage(EventId = 7601, Level = LogLevel.Information,
        Message = "Warm-up done: {Rounds} rounds, {Exchanges} private exchanges (nothing sent to GitHub), {Methods} methods compiled, {Milliseconds:F0} ms; /healthz warmed at {Healthz}")]
    private partial void LogWarmedUp(int rounds, int exchanges, long methods, double milliseconds, string healthz);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Warning,
        Message = "Warm-up stopped by {Error}: {Message}. The replica becomes ready without it; its first requests run on code not yet compiled")]
    private partial void LogFailed(string error, string message);
}
