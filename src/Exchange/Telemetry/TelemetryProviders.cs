using GithubSts.Exchange.Endpoints;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GithubSts.Exchange.Telemetry;

/// <summary>
/// The service's one <see cref="MeterProvider"/>, read by the Prometheus scrape endpoint and, when configured, pushed
/// over OTLP; and the <see cref="TracerProvider"/>, which exists only when OTLP export is on (spans have no other
/// destination). Built when the app is wired, disposed (flushed) with the container.
/// </summary>
internal sealed class TelemetryProviders : IDisposable
{
    public TelemetryProviders(GithubStsMetrics metrics, OtlpMetricsExport otlp, ManagementListener management)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(otlp);
        Meters = BuildMeterProvider(metrics, otlp);
        Tracer = otlp.Enabled ? TraceExport.BuildTracerProvider(otlp, management) : null;
    }

    public MeterProvider Meters { get; }

    public TracerProvider? Tracer { get; }

    public void Dispose()
    {
        Tracer?.Dispose();
        Meters.Dispose();
    }

    private static MeterProvider BuildMeterProvider(GithubStsMetrics metrics, OtlpMetricsExport otlp)
    {
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(OtlpMetricsExport.ConfigureResource)
            .AddMeter(GithubStsMetrics.MeterName)

            // Every service instance's meter is named GithubSts (tests run several in one process): only this
            // instance's meter and the process-wide runtime meter are read, as the hand-written exporter did.
            .AddView(instrument => ReferenceEquals(instrument.Meter, metrics.Meter) || ReferenceEquals(instrument.Meter, RuntimeMetrics.Meter)
                ? null
                : MetricStreamConfiguration.Drop)
            .AddPrometheusExporter(prometheus =>
            {
                // The README's names exactly: no otel_scope_* labels, no target_info series, no stale cached scrape.
                prometheus.ScopeInfoEnabled = false;
                prometheus.TargetInfoEnabled = false;
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        if (otlp.Enabled)
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                otlp.Configure(exporter, "v1/metrics");
                if (otlp.ExportInterval is { } interval)
                {
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)interval.TotalMilliseconds;
                }
            });
        }

        return builder.Build();
    }
}
