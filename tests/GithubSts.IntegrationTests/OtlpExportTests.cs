using System.Collections.Concurrent;
using GithubSts.Exchange.Telemetry;
using GithubSts.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;

namespace GithubSts.IntegrationTests;

/// <summary>With an OTLP endpoint configured, the service pushes its metrics to a collector over OTLP/HTTP.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Metrics_are_pushed_to_the_otlp_endpoint_as_protobuf()
    {
        await using var collector = await Collector.StartAsync();
        var export = new OtlpMetricsExport
        {
            Enabled = true,
            Endpoint = collector.BaseAddress,
            Protocol = OtlpExportProtocol.HttpProtobuf,
            ExportInterval = TimeSpan.FromMilliseconds(500),
        };
        await using var host = await StsTestHost.StartAsync(services: s => s.AddSingleton(export));
        host.SetPolicy("ci", StsTestHost.Policy());

        using (var allowed = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await allowed.AssertSuccessAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && collector.Posts.IsEmpty)
        {
            await Task.Delay(100);
        }

        Assert.NotEmpty(collector.Posts);
        Assert.All(collector.Posts, post =>
        {
            Assert.Equal("/v1/metrics", post.Path);
            Assert.Equal("application/x-protobuf", post.ContentType);
            Assert.True(post.Length > 0);
        });
    }

    private sealed record Post(string Path, string? ContentType, long Length);

    /// <summary>A loopback HTTP server that records every POST and answers 200.</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Collector(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public ConcurrentQueue<Post> Posts { get; } = new();

        public Uri BaseAddress { get; }

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            Collector? collector = null;
            app.MapPost("/{**path}", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                collector!.Posts.Enqueue(new Post(http.Request.Path, http.Request.ContentType, body.Length));
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            collector = new Collector(app, new Uri(address));
            return collector;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
