using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// Reads a watch response: newline-delimited JSON, one <c>{"type":…,"object":…}</c> per line, lines possibly split
/// across reads. An <c>ERROR</c> line carries a <c>Status</c>. A line longer than the cap, or one that is not a watch
/// event, is a protocol failure (<see cref="KubernetesUnavailableException"/>).
/// </summary>
internal sealed class WatchStreamReader<T> : IAsyncDisposable
{
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;

    private readonly PipeReader _reader;
    private readonly int _maxLineBytes;
    private bool _completed;

    public WatchStreamReader(Stream stream, int maxLineBytes = DefaultMaxLineBytes)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async ValueTask<WatchEvent<T>?> ReadAsync(CancellationToken ct)
    {
        while (!_completed)
        {
            var result = await _reader.ReadAsync(ct);
            var buffer = result.Buffer;
            while (TryReadLine(ref buffer, out var line))
            {
                if (!IsBlank(line))
                {
                    // Consumed up to the end of this line; what follows stays readable without new data.
                    var parsed = ParseOrFail(line);
                    _reader.AdvanceTo(buffer.Start);
                    return parsed;
                }
            }

            if (buffer.Length > _maxLineBytes)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw new KubernetesUnavailableException($"A watch event is larger than {_maxLineBytes} bytes.");
            }

            if (result.IsCompleted)
            {
                _completed = true;
                var last = buffer;
                var parsed = IsBlank(last) ? (WatchEvent<T>?)null : ParseOrFail(last); // a final line without its newline
                _reader.AdvanceTo(buffer.End);
                return parsed;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }

        return null;
    }

    private WatchEvent<T> ParseOrFail(ReadOnlySequence<byte> line)
    {
        try
        {
            return Parse(line);
        }
        catch
        {
            _completed = true;
            _reader.AdvanceTo(line.End);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _reader.CompleteAsync();

    internal static WatchEvent<T> Parse(ReadOnlySequence<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            var raw = JsonSerializer.Deserialize<RawWatchEvent>(ref reader, KubernetesJson.Options);
            var type = raw?.Type switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                "ERROR" => WatchEventType.Error,
                _ => throw new KubernetesUnavailableException($"The watch stream sent an event of unknown type '{raw?.Type}'."),
            };
            if (raw!.Object.ValueKind != JsonValueKind.Object)
            {
                throw new KubernetesUnavailableException($"The watch stream sent a {raw.Type} event without an object.");
            }

            return type == WatchEventType.Error
                ? new WatchEvent<T>(type, default, raw.Object.Deserialize<ApiStatus>(KubernetesJson.Options))
                : new WatchEvent<T>(type, raw.Object.Deserialize<T>(KubernetesJson.Options), null);
        }
        catch (JsonException ex)
        {
            throw new KubernetesUnavailableException("The watch stream sent a malformed event.", ex);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\t' or (byte)'\n'))
                {
                    return false;
                }
            }
        }

        return true;
    }

#pragma warning disable CA1812 // Instantiated by System.Text.Json.
    private sealed class RawWatchEvent
    {
        public string? Type { get; set; }

        public JsonElement Object { get; set; }
    }
#pragma warning restore CA1812
}
