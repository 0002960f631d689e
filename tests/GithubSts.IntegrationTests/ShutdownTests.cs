using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using GithubSts.Exchange.Health;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests;

/// <summary>
/// security.md L12 and issue 10: on shutdown readiness turns false at once, the listener keeps accepting and serving
/// for the drain delay, in-flight exchanges complete, and the process exits 0.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MintLatency = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task Readiness_turns_false_first_and_in_flight_exchanges_finish()
    {
        var host = await StsTestHost.StartAsync();
        try
        {
            host.SetPolicy("ci", StsTestHost.Policy());
            host.GitHub.SetLatency(GitHubEndpointKind.Mint, TimeSpan.FromSeconds(2));
            var readiness = host.Services.GetRequiredService<ServiceReadiness>();
            Assert.True(readiness.IsReady(out _));

            var inFlight = host.ExchangeAsync(host.Issuer.CreateToken());
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var stopping = host.StopServiceAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            Assert.False(readiness.IsReady(out var reason));
            Assert.Equal("shutting down", reason);

            using var response = await inFlight;
            await response.AssertSuccessAsync();
            await stopping;
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// The executable itself, stopped the way the kubelet stops it: SIGTERM. Timeline (t = 0 at SIGTERM): an exchange
    /// is inside its 2.5 s mint; /readyz is 503 at once; at 1.5 s a new connection still gets a token; the listener
    /// refuses connections only after the 3 s drain delay; both exchanges complete; the exit code is 0.
    /// </summary>
    [Fact]
    public async Task Sigterm_keeps_serving_new_connections_for_the_drain_delay_then_exits_0()
    {
        await using var issuer = await TestOidcIssuer.StartAsync();
        await using var github = await GitHubSimulator.StartAsync();
        using var key = TestAppKey.Create();
        github.AddApp(StsTestHost.AppId, "github-sts-test", key.Key);
        github.AddInstallation(StsTestHost.AppId, StsTestHost.Org, "Organization", [StsTestHost.Repo], new Dictionary<string, string> { ["contents"] = "write" });
        github.SetFile(StsTestHost.Org, StsTestHost.Repo, ".github/sts/default/ci.sts.yaml", StsTestHost.Policy());
        await using var service = await ServiceExecutable.StartAsync(new Dictionary<string, string>
        {
            ["GITHUBSTS_STS_IDENTIFIER"] = StsTestHost.Identifier,
            ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = issuer.Iss,
            ["GITHUBSTS_GITHUB_APP_ID"] = StsTestHost.AppId.ToString(CultureInfo.InvariantCulture),
            ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = key.Pkcs8Pem,
            ["GITHUBSTS_GITHUB_API_URL"] = github.ApiUrl.ToString(),
            ["GITHUBSTS_AUDIT_STDOUT"] = "false",
            ["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "60",
            ["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = DrainDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        });

        // Warm the policy cache, so that the exchanges below make exactly one GitHub call each: the (slow) mint.
        using (var warm = await ExchangeOnNewConnectionAsync(service, issuer))
        {
            await warm.AssertSuccessAsync();
        }

        var mintsBefore = github.Mints.Count;
        github.SetLatency(GitHubEndpointKind.Mint, MintLatency);
        var inFlight = ExchangeOnNewConnectionAsync(service, issuer);
        await WaitUntilAsync(() => github.GetRequestCount(GitHubEndpointKind.Mint) > mintsBefore, TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        await service.SignalAsync("TERM");
        var notReadyAfter = await FirstNotReadyAsync(service, TimeSpan.FromSeconds(2));
        Assert.True(notReadyAfter is not null, $"/readyz did not turn 503 within 2 s of SIGTERM ({service.Describe()})");

        var refusing = FirstRefusedConnectionAsync(service.PublicAddress, clock);
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, 1.5 - clock.Elapsed.TotalSeconds)));
        var newConnectionAt = clock.Elapsed;
        using var late = await ExchangeOnNewConnectionAsync(service, issuer);
        var lateToken = (await late.AssertSuccessAsync()).GetProperty("token").GetString();
        Assert.Equal("close", late.Headers.Connection.Single());

        using var early = await inFlight;
        var earlyToken = (await early.AssertSuccessAsync()).GetProperty("token").GetString();

        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await service.Process.WaitForExitAsync(exit.Token);
        var exitedAt = clock.Elapsed;
        var refusedAt = await refusing;
        output.WriteLine(
            $"after SIGTERM: /readyz 503 at {notReadyAfter!.Value.TotalMilliseconds:F0} ms; new connection at {newConnectionAt.TotalMilliseconds:F0} ms served; "
            + $"first refused connection at {refusedAt?.TotalMilliseconds:F0} ms; exit {service.Process.ExitCode} at {exitedAt.TotalMilliseconds:F0} ms");

        Assert.Equal(0, service.Process.ExitCode);
        Assert.True(notReadyAfter < TimeSpan.FromSeconds(1), $"/readyz turned 503 only after {notReadyAfter}");
        Assert.True(refusedAt is null || refusedAt >= DrainDelay, $"a connection was refused {refusedAt} after SIGTERM, within the drain delay");
        Assert.True(exitedAt >= DrainDelay, $"exited {exitedAt} after SIGTERM, before the drain delay ended");

        // Exactly the two exchanges minted, each the token its caller received.
        var minted = github.Mints.Skip(mintsBefore).Select(m => m.Token).ToList();
        Assert.Equal(2, minted.Count);
        Assert.Contains(earlyToken, minted);
        Assert.Contains(lateToken, minted);
        Assert.DoesNotContain(minted, github.IsRevoked);
    }

    /// <summary>Each call on a handler of its own: a new TCP connection, as a client reaching this pod afresh would open.</summary>
    private static async Task<HttpResponseMessage> ExchangeOnNewConnectionAsync(ServiceExecutable service, TestOidcIssuer issuer)
    {
        using var http = new HttpClient { BaseAddress = service.PublicAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sts/exchange?scope={StsTestHost.Org}/{StsTestHost.Repo}&identity=ci");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer.CreateToken());
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>How long after the call /readyz first answered 503 (polled on new connections), or null.</summary>
    private static async Task<TimeSpan?> FirstNotReadyAsync(ServiceExecutable service, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            using var http = new HttpClient { BaseAddress = service.ManagementAddress, Timeout = TimeSpan.FromSeconds(1) };
            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return clock.Elapsed;
            }

            await Task.Delay(10);
        }

        return null;
    }

    /// <summary>Opens a TCP connection every 100 ms until one is refused: when that happened on CLOCK, or null if none was.</summary>
    private static async Task<TimeSpan?> FirstRefusedConnectionAsync(Uri address, Stopwatch clock)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, address.Port);
            }
            catch (SocketException)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        return null;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
