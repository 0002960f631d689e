using System.Diagnostics;
using System.Diagnostics.Metrics;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Endpoints;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Health;
using GithubSts.Exchange.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GithubSts.Exchange.Telemetry;

public static class MetricsEndpoints
{
    private const string MetricsPath = "/metrics";

    /// <summary>
    /// Registers the instruments, the exchange observer and the OpenTelemetry providers: one meter provider for the
    /// Prometheus scrape endpoint and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, OTLP metrics and traces.
    /// </summary>
    public static IServiceCollection AddGithubStsTelemetry(this IServiceCollection services)
    {
        services.TryAddSingleton<GithubStsMetrics>();
        services.AddSingleton<IExchangeObserver, MetricsExchangeObserver>();

        // The last registered OtlpMetricsExport wins, so a host (or a test) can replace the environment's.
        services.TryAddSingleton(_ => OtlpMetricsExport.FromEnvironment());
        services.TryAddSingleton(sp =>
        {
            var metrics = sp.GetRequiredService<GithubStsMetrics>();
            var registry = sp.GetRequiredService<IGitHubAppRegistry>();
            RegisterObservableGauges(metrics, registry, sp.GetRequiredService<GitHubApiClient>(), sp.GetRequiredService<ServiceReadiness>());
            var providers = new TelemetryProviders(
                metrics, sp.GetRequiredService<OtlpMetricsExport>(), sp.GetService<ManagementListener>() ?? new ManagementListener());

            // Only now is anything listening: series created earlier would not be aggregated.
            metrics.StartKnownSeriesAtZero(
                registry.Apps.Select(a => a.Name), registry.Apps.Where(a => a.Credentials.HasRemoteSigner).Select(a => a.Name));
            AuditTrail.StartDroppedCounterAtZero();
            return providers;
        });
        return services;
    }

    /// <summary>
    /// Counts HTTP requests (by route template, never the raw path) and maps <c>GET /metrics</c> in the Prometheus
    /// text format (on the management listener only).
    /// </summary>
    public static T MapGithubStsMetrics<T>(this T app)
        where T : IApplicationBuilder, IEndpointRouteBuilder
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ServiceProvider.GetRequiredService<GithubStsMetrics>();

        // Listening starts now: measurements taken before the providers exist are not aggregated.
        var providers = app.ServiceProvider.GetRequiredService<TelemetryProviders>();
        app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            metrics.HttpRequestStarted();
            var failed = false;
            try
            {
                await next(http);
            }
            catch
            {
                failed = true;
                throw;
            }
            finally
            {
                var endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var status = ResultDelivery.ClientWentAway(http, failed) ? ResultDelivery.ClientClosedRequest
                    : failed && !http.Response.HasStarted ? StatusCodes.Status500InternalServerError : http.Response.StatusCode;
                metrics.HttpRequestFinished(endpoint, MethodLabel(http.Request.Method), status, Stopwatch.GetElapsedTime(started));
            }
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath, providers.Meters, ManagementScrapePipeline, null)
            .WithMetadata(ManagementEndpointMetadata.Instance);
        return app;
    }

    /// <summary>Like every management endpoint: GET and HEAD only (405 otherwise), never cached.</summary>
    private static void ManagementScrapePipeline(IApplicationBuilder branch) =>
        branch.Use((http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return Task.CompletedTask;
            }

            http.Response.Headers.CacheControl = "no-store";
            return next(http);
        });

    private static void RegisterObservableGauges(
        GithubStsMetrics metrics, IGitHubAppRegistry registry, GitHubApiClient github, ServiceReadiness readiness)
    {
        metrics.Meter.CreateObservableGauge(
            "githubsts_github_rate_limit_remaining",
            () => registry.Apps
                .Select(a => (App: a, Remaining: github.GetRateLimitRemaining(a.Credentials)))
                .Where(p => p.Remaining is not null)
                .Select(p => new Measurement<long>(p.Remaining!.Value, new KeyValuePair<string, object?>("app", p.App.Name))),
            null,
            "x-ratelimit-remaining GitHub last reported for the app's JWT calls.");
        metrics.Meter.CreateObservableGauge(
            "githubsts_apps_ready",
            () => registry.Apps.Select(a => new Measurement<long>(
                readiness.GetState(a.Name) == AppVerificationState.AuthenticationFailed ? 0 : 1,
                new KeyValuePair<string, object?>("app", a.Name))),
            null,
            "1 when the app can mint (verified or not yet checked), 0 when GitHub rejected its credentials.");
    }

    private static string MethodLabel(string method) => method switch
    {
        "GET" or "POST" or "HEAD" or "PUT" or "DELETE" or "PATCH" or "OPTIONS" => method,
        _ => "other",
    };
}
