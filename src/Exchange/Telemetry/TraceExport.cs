using GithubSts.Exchange.Endpoints;
using GithubSts.Exchange.Pipeline;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace GithubSts.Exchange.Telemetry;

/// <summary>
/// Traces over OTLP: incoming requests (ASP.NET Core), outgoing calls (HttpClient: GitHub, issuers' discovery and
/// JWKS) and one span per exchange step. Neither instrumentation records headers or bodies, so the caller's bearer
/// token, the App JWT and GitHub's installation tokens never reach a span; query strings are dropped as well (the RFC
/// 8693 parameters, a caller's typo'd <c>?token=</c>, GitHub pagination) since a span is no place to judge them.
/// </summary>
internal static class TraceExport
{
    /// <summary>Tags that can carry a query string: ASP.NET Core's <c>url.query</c>, HttpClient's <c>url.full</c>.</summary>
    internal const string QueryTag = "url.query";
    internal const string FullUrlTag = "url.full";

    /// <param name="management">Requests on it (probes, scrapes) get no span: they would drown the exchanges.</param>
    internal static TracerProvider BuildTracerProvider(OtlpMetricsExport otlp, ManagementListener management) =>
        Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(OtlpMetricsExport.ConfigureResource)
            .AddSource(ExchangeTracing.SourceName)
            .AddAspNetCoreInstrumentation(aspNetCore =>
            {
                aspNetCore.RecordException = false;
                aspNetCore.Filter = http => !management.Serves(http);
                aspNetCore.EnrichWithHttpRequest = (activity, _) => activity.SetTag(QueryTag, null);
            })
            .AddHttpClientInstrumentation(http =>
            {
                http.RecordException = false;
                http.EnrichWithHttpRequestMessage = (activity, request) => activity.SetTag(FullUrlTag, WithoutQuery(request.RequestUri));
            })
            .AddOtlpExporter(exporter =>
            {
                otlp.Configure(exporter, "v1/traces");
                if (otlp.ExportInterval is { } interval)
                {
                    exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)interval.TotalMilliseconds;
                }
            })
            .Build();

    /// <summary>Scheme, host, port and path only: no user info, query or fragment.</summary>
    internal static string? WithoutQuery(Uri? uri) =>
        uri is null || !uri.IsAbsoluteUri ? null : uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}
