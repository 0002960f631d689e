using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GithubSts.Operator.Kubernetes;

/// <summary>Serializer settings for every Kubernetes payload (also used by the CRD models).</summary>
public static class KubernetesJson
{
    /// <summary>
    /// camelCase, nulls omitted, strict numbers; <see cref="DateTimeOffset"/> is a Kubernetes <c>Time</c> (RFC 3339,
    /// written in UTC with whole seconds) unless a property carries <see cref="MicroTimeConverter"/>. Read-only.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new KubernetesTimeConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Parses RFC 3339 with 0–9 fractional digits (Kubernetes emits seconds, micro- and nanoseconds).</summary>
    internal static bool TryParseTime(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // .NET accepts at most 7 fractional digits: drop the nanosecond tail.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}

/// <summary>Kubernetes <c>metav1.Time</c>: RFC 3339, UTC, whole seconds (<c>2006-01-02T15:04:05Z</c>).</summary>
public sealed class KubernetesTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KubernetesJson.TryParseTime(reader.GetString(), out var value) ? value : throw new JsonException("Expected an RFC 3339 time.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture));
    }
}

/// <summary>Kubernetes <c>metav1.MicroTime</c>: RFC 3339, UTC, six fractional digits (<c>2006-01-02T15:04:05.000000Z</c>).</summary>
public sealed class MicroTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KubernetesJson.TryParseTime(reader.GetString(), out var value) ? value : throw new JsonException("Expected an RFC 3339 time.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Format(value));
    }

    /// <summary>The MicroTime text of <paramref name="value"/> (for hand-built JSON patches).</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture);
}
