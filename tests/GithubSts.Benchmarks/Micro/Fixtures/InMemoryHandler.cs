namespace GithubSts.Benchmarks.Micro.Fixtures;

/// <summary>An HttpMessageHandler that answers from memory: no sockets, so only the client-side work is measured.</summary>
internal sealed class InMemoryHandler(Func<HttpRequestMessage, ValueTask<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private int requests;

    /// <summary>Every request answered so far (to prove the caches absorb the benchmark loop).</summary>
    public int Requests => Volatile.Read(ref requests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref requests);
        var response = await respond(request);
        response.RequestMessage = request;
        return response;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}
