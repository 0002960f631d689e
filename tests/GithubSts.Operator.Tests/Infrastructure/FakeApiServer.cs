using System.Collections.Concurrent;
using System.Net;
using System.Text;
using GithubSts.Operator.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Tests.Infrastructure;

/// <summary>
/// A scripted HTTP "API server" on loopback for faults the real one will not produce on demand (HTTP 410 on a watch,
/// 5xx, streams that end early). Every request is recorded as <c>METHOD path?query</c>.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeApiServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public KubernetesClientConfiguration Configuration => new() { Library = new() { Host = Address.ToString() }, RequestTimeout = TimeSpan.FromSeconds(5) };

    public static async Task<FakeApiServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeApiServer? server = null;
        app.Run(async context =>
        {
            server!.Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server = new FakeApiServer(app, new Uri(address.TrimEnd('/')));
        return server;
    }

    public static async Task JsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public static Task StatusAsync(HttpContext context, int code, string reason, string message = "fake") =>
        JsonAsync(context, code, $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""");

    /// <summary>Streams watch lines (each flushed on its own) and, unless <paramref name="hold"/>, ends the response.</summary>
    public static async Task WatchAsync(HttpContext context, bool hold, params string[] lines)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        foreach (var line in lines)
        {
            await context.Response.WriteAsync(line + "\n");
            await context.Response.Body.FlushAsync();
        }

        if (hold)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public static string Secret(string name, string resourceVersion) =>
        $$"""{"metadata":{"name":"{{name}}","namespace":"ns","resourceVersion":"{{resourceVersion}}"},"type":"Opaque"}""";

    public static string SecretList(string resourceVersion, params string[] items) =>
        $$$"""{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"{{{resourceVersion}}}"},"items":[{{{string.Join(',', items)}}}]}""";

    public static string Event(string type, string obj) => $$$"""{"type":"{{{type}}}","object":{{{obj}}}}""";

    public static string Gone(string message = "too old resource version") =>
        $$$"""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"{{{message}}}","reason":"Expired","code":410}}""";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class HttpContextExtensions
{
    public static bool IsWatch(this HttpContext context) =>
        string.Equals(context.Request.Query["watch"], "true", StringComparison.Ordinal);

    public static string? Query(this HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>A stream that hands out its bytes a few at a time (to split watch lines across reads).</summary>
public sealed class TricklingStream(byte[] data, int chunk) : Stream
{
    private int _position;

    public static TricklingStream Of(string text, int chunk) => new(Encoding.UTF8.GetBytes(text), chunk);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
        data.AsMemory(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
