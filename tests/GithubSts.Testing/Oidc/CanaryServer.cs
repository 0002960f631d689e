using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Testing.Oidc;

/// <summary>A loopback listener that only counts requests: point a hostile token at it and assert it saw none.</summary>
public sealed class CanaryServer : IAsyncDisposable
{
    private readonly LoopbackHttpServer server;
    private readonly StrongBox<int> requests;

    private CanaryServer(LoopbackHttpServer server, StrongBox<int> requests)
    {
        this.server = server;
        this.requests = requests;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address => server.BaseAddress;

    /// <summary><see cref="Address"/> as an exact string without a trailing slash.</summary>
    public string Url => server.BaseAddress.OriginalString;

    public int Requests => Volatile.Read(ref requests.Value);

    public static async Task<CanaryServer> StartAsync()
    {
        var requests = new StrongBox<int>();
        var server = await LoopbackHttpServer.StartAsync(context =>
        {
            Interlocked.Increment(ref requests.Value);
            return context.Response.WriteAsync("{}");
        });
        return new CanaryServer(server, requests);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
