using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;

namespace GithubSts.Exchange.Telemetry;

/// <summary>
/// Whether and where metrics and traces are pushed over OTLP. In production it comes from
/// <see cref="FromEnvironment"/> and the exporters read the standard <c>OTEL_*</c> variables themselves; the explicit
/// values exist so tests can export to a loopback collector without touching process-wide environment variables.
/// </summary>
internal sealed record OtlpMetricsExport
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string DefaultServiceName = "github-sts";

    /// <summary>Export at all (metrics and traces).</summary>
    public bool Enabled { get; init; }

    /// <summary>Collector base address (<c>/v1/metrics</c>, <c>/v1/traces</c> appended for HTTP); null: <c>OTEL_*</c>.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Null: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (default gRPC).</summary>
    public OtlpExportProtocol? Protocol { get; init; }

    /// <summary>Metrics export interval and trace batch delay. Null: <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c>.</summary>
    public TimeSpan? ExportInterval { get; init; }

    public static OtlpMetricsExport FromEnvironment() =>
        new() { Enabled = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable)) };

    /// <summary>Applies the explicit protocol and endpoint; <paramref name="signalPath"/> is <c>v1/metrics</c> or <c>v1/traces</c>.</summary>
    internal void Configure(OtlpExporterOptions exporter, string signalPath)
    {
        if (Protocol is { } protocol)
        {
            exporter.Protocol = protocol;
        }

        if (Endpoint is { } endpoint)
        {
            // Set in code, the endpoint is used as given: the per-signal path is ours to append for HTTP.
            exporter.Endpoint = exporter.Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(endpoint, endpoint.AbsolutePath.EndsWith('/') ? signalPath : endpoint.AbsolutePath + "/" + signalPath)
                : endpoint;
        }
    }

    internal static void ConfigureResource(ResourceBuilder resource) =>
        resource.Clear()
            .AddService(DefaultServiceName)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector(); // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name
}
