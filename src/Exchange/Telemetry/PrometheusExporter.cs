using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace GithubSts.Exchange.Telemetry;

/// <summary>
/// Aggregates measurements of selected <see cref="Meter"/>s with a <see cref="MeterListener"/> and renders them in the
/// Prometheus text exposition format 0.0.4. Counters are summed, up-down counters summed (exposed as gauges),
/// observable instruments are read at scrape time, histograms use the instrument's advised bucket boundaries.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Buckets for histograms without advice (seconds, as in the Prometheus client defaults).</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();
    private readonly Lock _collectLock = new();

    public PrometheusExporter(Func<Meter, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (include(instrument.Meter))
                {
                    var family = _families.GetOrAdd(instrument, static i => new Family(i));
                    listener.EnableMeasurementEvents(instrument, family);
                }
            },
            MeasurementsCompleted = (instrument, _) => _families.TryRemove(instrument, out Family? _),
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Reads observable instruments and renders every metric family.</summary>
    public string Collect()
    {
        lock (_collectLock)
        {
            foreach (var family in _families.Values)
            {
                if (family.IsObservable)
                {
                    family.Clear();
                }
            }

            _listener.RecordObservableInstruments();
            var builder = new StringBuilder();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.Render(builder);
            }

            return builder.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The Prometheus name: lower case, <c>.</c>/<c>-</c> to <c>_</c>, unit suffix, <c>_total</c> for counters.</summary>
    internal static string MetricName(Instrument instrument)
    {
        var builder = new StringBuilder(instrument.Name.Length + 16);
        foreach (var c in instrument.Name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? char.ToLowerInvariant(c) : '_');
        }

        var name = builder.ToString();
        var unitSuffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => null,
        };
        if (unitSuffix is not null && !name.EndsWith(unitSuffix, StringComparison.Ordinal))
        {
            name += unitSuffix;
        }

        if (IsCounter(instrument) && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    internal static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    internal static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static bool IsCounter(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return false;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>);
    }

    private static string LabelName(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return builder.ToString();
    }

    private static string LabelText(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new KeyValuePair<string, object?>[tags.Length];
        tags.CopyTo(pairs);
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var builder = new StringBuilder();
        foreach (var pair in pairs)
        {
            builder.Append(builder.Length == 0 ? '{' : ',')
                .Append(LabelName(pair.Key))
                .Append("=\"")
                .Append(EscapeLabelValue(Convert.ToString(pair.Value, CultureInfo.InvariantCulture) ?? string.Empty))
                .Append('"');
        }

        return builder.Append('}').ToString();
    }

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class Family
    {
        private readonly Kind _kind;
        private readonly string? _help;
        private readonly double[] _bounds = [];
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

        public Family(Instrument instrument)
        {
            Name = MetricName(instrument);
            _help = instrument.Description;
            var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
            IsObservable = instrument.IsObservable;
            if (IsCounter(instrument))
            {
                _kind = Kind.Counter;
            }
            else if (definition == typeof(Histogram<>))
            {
                _kind = Kind.Histogram;
                _bounds = BucketsOf(instrument);
            }
            else
            {
                _kind = Kind.Gauge;
            }

            // Observable counters report totals; every other observable reports the current value.
            ReplacesValue = IsObservable || definition == typeof(Gauge<>);
        }

        public string Name { get; }

        public bool IsObservable { get; }

        private bool ReplacesValue { get; }

        public void Clear() => _series.Clear();

        public void Record<T>(T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
            where T : struct
        {
            var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            var series = _series.GetOrAdd(LabelText(tags), static (_, count) => new Series(count), _bounds.Length);
            lock (series)
            {
                if (_kind == Kind.Histogram)
                {
                    var index = Array.BinarySearch(_bounds, number);
                    series.Buckets[index < 0 ? ~index : index]++;
                    series.Count++;
                    series.Value += number;
                }
                else if (ReplacesValue)
                {
                    series.Value = number;
                }
                else
                {
                    series.Value += number;
                }
            }
        }

        public void Render(StringBuilder output)
        {
            if (_series.IsEmpty)
            {
                return;
            }

            if (!string.IsNullOrEmpty(_help))
            {
                output.Append("# HELP ").Append(Name).Append(' ').Append(EscapeHelp(_help)).Append('\n');
            }

            output.Append("# TYPE ").Append(Name).Append(' ').Append(_kind switch
            {
                Kind.Counter => "counter",
                Kind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');

            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (_kind != Kind.Histogram)
                    {
                        output.Append(Name).Append(labels).Append(' ').Append(FormatValue(series.Value)).Append('\n');
                        continue;
                    }

                    long cumulative = 0;
                    for (var i = 0; i <= _bounds.Length; i++)
                    {
                        cumulative += series.Buckets[i];
                        var le = i < _bounds.Length ? FormatValue(_bounds[i]) : "+Inf";
                        output.Append(Name).Append("_bucket").Append(WithLe(labels, le)).Append(' ')
                            .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    output.Append(Name).Append("_sum").Append(labels).Append(' ').Append(FormatValue(series.Value)).Append('\n');
                    output.Append(Name).Append("_count").Append(labels).Append(' ')
                        .Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        private static string WithLe(string labels, string le) => labels.Length == 0
            ? $"{{le=\"{le}\"}}"
            : $"{labels[..^1]},le=\"{le}\"}}";

        private static double[] BucketsOf(Instrument instrument)
        {
            IReadOnlyList<double>? advised = instrument switch
            {
                Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
                Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                _ => null,
            };
            var bounds = (advised ?? DefaultBuckets).Where(b => !double.IsNaN(b) && !double.IsInfinity(b)).Distinct().ToArray();
            Array.Sort(bounds);
            return bounds;
        }
    }

    private sealed class Series(int bucketCount)
    {
        public long[] Buckets { get; } = new long[bucketCount + 1];

        public long Count { get; set; }

        public double Value { get; set; }
    }
}
