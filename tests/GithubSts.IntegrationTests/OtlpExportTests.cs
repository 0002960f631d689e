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

/// <summary>With an OTLP endpoint configured, the service pushes its metrics and traces to a collector over OTLP/HTTP.</summary>
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
        // Traces may arrive first: wait for a metrics post, not for any post.
        while (DateTime.UtcNow < deadline && !collector.Posts.Any(p => p.Path == "/v1/metrics"))
        {
            await Task.Delay(100);
        }

        var metrics = collector.Posts.Where(p => p.Path == "/v1/metrics").ToList();
        Assert.NotEmpty(metrics);
        Assert.All(collector.Posts, post =>
        {
            Assert.Contains(post.Path, (string[])["/v1/metrics", "/v1/traces"]);
            Assert.Equal("application/x-protobuf", post.ContentType);
            Assert.True(post.Body.Length > 0);
        });
    }

    [Fact]
    public async Task Traces_carry_one_span_per_exchange_step_and_no_token_subject_or_claim_value()
    {
        await using var collector = await Collector.StartAsync();
        var export = new OtlpMetricsExport
        {
            Enabled = true,
            Endpoint = collector.BaseAddress,
            Protocol = OtlpExportProtocol.HttpProtobuf,
            ExportInterval = TimeSpan.FromMilliseconds(200),
        };
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_REPLAY_BACKEND"] = "memory", s => s.AddSingleton(export));
        const string subject = "repo:octo-org/octo-repo:ref:refs/heads/main";
        const string claimValue = "claim-value-marker-5d1c";
        const string tokenId = "jti-marker-93ab";
        host.SetPolicy("ci", StsTestHost.Policy(extra: $"claim_pattern:\n  secret_claim: {claimValue}"));
        var jwt = host.Issuer.CreateToken(t =>
        {
            t.TokenId = tokenId;
            t.Claims["secret_claim"] = claimValue;
        });
        using var granted = await host.ExchangeAsync(jwt);
        var issued = (await granted.AssertSuccessAsync()).GetProperty("token").GetString()!;
        using var replayed = await host.ExchangeAsync(jwt);
        await replayed.AssertErrorAsync(409, "token_replayed");

        string[] steps = ["ValidateRequest", "ValidateToken", "SelectApp", "ResolvePolicy", "Authorize", "ReplayProtection", "MintToken"];
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string traces;
        do
        {
            await Task.Delay(200);
            traces = collector.Text("/v1/traces");
        }
        while (DateTime.UtcNow < deadline && !steps.All(s => traces.Contains(s, StringComparison.Ordinal)));

        Assert.All(steps, step => Assert.Contains(step, traces, StringComparison.Ordinal));
        Assert.Contains("token_replayed", traces, StringComparison.Ordinal); // the failing step's fixed reason code
        Assert.Contains("/sts/exchange", traces, StringComparison.Ordinal); // ASP.NET Core's span
        Assert.Contains("/app/installations/", traces, StringComparison.Ordinal); // HttpClient's span of the mint
        string[] secrets =
        [
            jwt, jwt.Split('.')[1], jwt.Split('.')[2], subject, claimValue, tokenId, issued,
            .. host.GitHub.Mints.Select(m => m.Token).Where(t => t.Length > 0),
            "eyJ", // any JWT at all: the App JWT GitHub was called with
            "identity=", "scope=", // query strings
        ];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, traces, StringComparison.Ordinal));
    }

    internal sealed record Post(string Path, string? ContentType, byte[] Body);

    /// <summary>A loopback HTTP server that records every POST and answers 200.</summary>
    internal sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Collector(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public ConcurrentQueue<Post> Posts { get; } = new();

        public Uri BaseAddress { get; }

        /// <summary>Every body posted to <paramref name="path"/> as Latin-1 text: protobuf strings are plain UTF-8 bytes.</summary>
        public string Text(string path) => string.Concat(Posts.Where(p => p.Path == path).Select(p => System.Text.Encoding.Latin1.GetString(p.Body)));

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
                collector!.Posts.Enqueue(new Post(http.Request.Path, http.Request.ContentType, body.ToArray()));
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
