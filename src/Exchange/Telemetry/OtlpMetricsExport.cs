using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace GithubSts.Exchange.Telemetry;

/// <summary>
/// Whether and where the <c>GithubSts</c> meters are pushed over OTLP. In production it comes from
/// <see cref="FromEnvironment"/> and the exporter reads the standard <c>OTEL_*</c> variables itself; the explicit
/// values exist so tests can export to a loopback collector without touching process-wide environment variables.
/// </summary>
internal sealed record OtlpMetricsExport
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string DefaultServiceName = "github-sts";

    /// <summary>Export at all.</summary>
    public bool Enabled { get; init; }

    /// <summary>Collector base address (<c>/v1/metrics</c> is appended for HTTP); null: the exporter reads <c>OTEL_*</c>.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Null: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (default gRPC).</summary>
    public OtlpExportProtocol? Protocol { get; init; }

    /// <summary>Null: <c>OTEL_METRIC_EXPORT_INTERVAL</c> (default 60 s).</summary>
    public TimeSpan? ExportInterval { get; init; }

    public static OtlpMetricsExport FromEnvironment() =>
        new() { Enabled = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable)) };

    internal MeterProvider CreateMeterProvider() =>
        Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.Clear()
                .AddService(DefaultServiceName)
                .AddTelemetrySdk()
                .AddEnvironmentVariableDetector()) // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name
            .AddMeter(GithubStsMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                if (Protocol is { } protocol)
                {
                    exporter.Protocol = protocol;
                }

                if (Endpoint is { } endpoint)
                {
                    exporter.Endpoint = exporter.Protocol == OtlpExportProtocol.HttpProtobuf
                        ? new Uri(endpoint, endpoint.AbsolutePath.EndsWith('/') ? "v1/metrics" : endpoint.AbsolutePath + "/v1/metrics")
                        : endpoint;
                }

                if (ExportInterval is { } interval)
                {
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)interval.TotalMilliseconds;
                }
            })
            .Build();
}

/// <summary>Owns the OTLP <see cref="MeterProvider"/>: created when the host starts, flushed and disposed with the container.</summary>
internal sealed class OtlpMetricsExporterService(OtlpMetricsExport settings) : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Enabled)
        {
            _provider ??= settings.CreateMeterProvider();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _provider?.Dispose();
        _provider = null;
    }
}
