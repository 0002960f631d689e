using System.Net;
using System.Net.Sockets;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing.Kubernetes;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace GithubSts.Operator.Tests.Kubernetes;

/// <summary>Whatever the network does, the client throws <see cref="KubernetesUnavailableException"/>, never a raw socket error.</summary>
public sealed class TransportFailureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("https")]
    [InlineData("http")]
    public async Task Connections_reset_right_after_accept_are_unavailable(string scheme)
    {
        await using var proxy = LoopbackTcpProxy.Start(new Uri("http://127.0.0.1:1"));
        proxy.Pause();
        using var client = new KubernetesApiClient(
            new KubernetesClientConfiguration { Library = new() { Host = $"{scheme}://127.0.0.1:{proxy.Port}", SkipTlsVerify = true } },
            new TestLogger<KubernetesApiClient>(output));

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<KubernetesUnavailableException>(() => client.GetRawJsonAsync("/version", default));
            await Assert.ThrowsAsync<KubernetesUnavailableException>(async () =>
            {
                await foreach (var _ in client.WatchAsync<Secret>(ResourceTypes.Secrets, "ns", new WatchOptions(), default))
                {
                }
            });
        }
    }

    [Fact]
    public async Task A_refused_connection_is_unavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new KubernetesApiClient(
            new KubernetesClientConfiguration { Library = new() { Host = $"https://127.0.0.1:{port}" } }, new TestLogger<KubernetesApiClient>(output));

        var ex = await Assert.ThrowsAsync<KubernetesUnavailableException>(() => client.GetAsync<Secret>(ResourceTypes.Secrets, "ns", "x", default));
        Assert.Equal(0, ex.StatusCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task A_stream_cut_mid_watch_is_unavailable_and_a_slow_server_times_out()
    {
        await using var server = await FakeApiServer.StartAsync(async context =>
        {
            if (context.IsWatch())
            {
                await context.Response.WriteAsync(FakeApiServer.Event("ADDED", FakeApiServer.Secret("a", "1")) + "\n{\"type\":\"ADD");
                await context.Response.Body.FlushAsync();
                // Let the client read the bytes before the reset: an RST discards what it has not read yet, and a
                // loaded 2-core machine can take far longer than 200 ms to get to them.
                await Task.Delay(TimeSpan.FromSeconds(1));
                context.Abort();
            }
            else
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            }
        });
        using var client = new KubernetesApiClient(
            new KubernetesClientConfiguration { Library = new() { Host = server.Address.ToString() }, RequestTimeout = TimeSpan.FromMilliseconds(300) }, new TestLogger<KubernetesApiClient>(output));

        var events = new List<WatchEvent<Secret>>();
        await Assert.ThrowsAsync<KubernetesUnavailableException>(async () =>
        {
            await foreach (var e in client.WatchAsync<Secret>(ResourceTypes.Secrets, "ns", new WatchOptions(), default))
            {
                events.Add(e);
            }
        });
        Assert.Single(events);

        var timeout = await Assert.ThrowsAsync<KubernetesUnavailableException>(() => client.GetAsync<Secret>(ResourceTypes.Secrets, "ns", "x", default));
        Assert.Contains("timed out", timeout.Message, StringComparison.Ordinal);

        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var patient = new KubernetesApiClient(server.Configuration, new TestLogger<KubernetesApiClient>(output));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.GetAsync<Secret>(ResourceTypes.Secrets, "ns", "x", cancelled.Token));
    }

    [Fact]
    public async Task Throttled_calls_honour_a_short_Retry_After_and_then_succeed()
    {
        var calls = 0;
        await using var server = await FakeApiServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                await FakeApiServer.StatusAsync(context, 429, "TooManyRequests");
            }
            else
            {
                await FakeApiServer.JsonAsync(context, 200, FakeApiServer.Secret("a", "1"));
            }
        });
        using var client = new KubernetesApiClient(server.Configuration, new TestLogger<KubernetesApiClient>(output));

        var secret = await client.GetAsync<Secret>(ResourceTypes.Secrets, "ns", "a", default);

        Assert.Equal("a", secret.Metadata.Name);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Non_status_error_bodies_still_produce_typed_exceptions()
    {
        await using var server = await FakeApiServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("<html>upstream unavailable</html>");
        });
        using var client = new KubernetesApiClient(server.Configuration, new TestLogger<KubernetesApiClient>(output));

        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync<Secret>(ResourceTypes.Secrets, "ns", "a", default));

        Assert.Equal(503, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Contains("upstream unavailable", ex.Message, StringComparison.Ordinal);
    }
}
