using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using GithubSts.Exchange.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Audit;

/// <summary>
/// One JSON line per exchange attempt to stdout and/or a rotated file. The request path only enqueues into a bounded
/// channel; a background writer does the I/O. When the queue is full the event is dropped and counted
/// (<c>githubsts_audit_events_dropped_total</c>) rather than slowing the exchange down.
/// </summary>
public sealed partial class AuditTrail : BackgroundService, IExchangeObserver
{
    // On the process-wide meter the Prometheus exporter reads (the audit trail is one per process too).
    private static readonly Counter<long> Dropped = Telemetry.RuntimeMetrics.Meter.CreateCounter<long>(
        "githubsts.audit.events.dropped", description: "Audit events dropped because the audit queue was full");

    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditTrail> _logger;
    private readonly Channel<AuditEvent> _queue;

    public AuditTrail(AuditOptions options, TimeProvider time, ILogger<AuditTrail> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
    }

    /// <summary>Extra sink for tests and embedding hosts (called on the writer thread).</summary>
    public event Action<AuditEvent>? Written;

    /// <summary>Makes the dropped-events counter exist (at 0) for a listener that attached after start-up.</summary>
    internal static void StartDroppedCounterAtZero() => Dropped.Add(0);

    public void OnCompleted(ExchangeOutcome outcome)
    {
        if (!_queue.Writer.TryWrite(AuditEventFactory.Create(outcome, _time.GetUtcNow())))
        {
            Dropped.Add(1);
        }
    }

    /// <summary>Writes an event that is not an exchange (the operator's GitHubToken issuances and revocations).</summary>
    public void Record(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (!_queue.Writer.TryWrite(auditEvent))
        {
            Dropped.Add(1);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var file = _options.FilePath is null ? null : new AuditFileSink(_options, _time);
        await using var stdout = _options.Stdout ? Console.OpenStandardOutput() : null;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        var batch = new StdoutBatch(stdout);
        try
        {
            await foreach (var auditEvent in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                Write(auditEvent, buffer, file, batch);
                if (_queue.Reader.Count == 0 || batch.IsFull)
                {
                    Flush(file, batch);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: write what is already queued, so the last exchanges are not lost.
            while (_queue.Reader.TryRead(out var auditEvent))
            {
                Write(auditEvent, buffer, file, batch);
                if (batch.IsFull)
                {
                    Flush(file, batch);
                }
            }

            Flush(file, batch);
        }
    }

    private void Write(AuditEvent auditEvent, System.Buffers.ArrayBufferWriter<byte> buffer, AuditFileSink? file, StdoutBatch batch)
    {
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(json, auditEvent, AuditJsonContext.Default.AuditEvent);
        }

        buffer.Write("\n"u8);
        var written = true;
        try
        {
            // The file sink rotates between lines, so it gets each line on its own (it buffers, no system call per line).
            file?.Write(buffer.WrittenSpan);
        }
        catch (IOException e)
        {
            // As before batching: a line the file refused is not written to stdout either.
            LogWriteFailed(e.Message);
            written = false;
        }

        batch.Add(auditEvent, written ? buffer.WrittenSpan : default);
    }

    /// <summary>Writes the batched lines to stdout, then tells <see cref="Written"/> about each of them, in order.</summary>
    private void Flush(AuditFileSink? file, StdoutBatch batch)
    {
        try
        {
            file?.Flush();
            batch.Write();
        }
        catch (IOException e)
        {
            LogWriteFailed(e.Message);
        }

        try
        {
            foreach (var auditEvent in batch.Events)
            {
                Written?.Invoke(auditEvent);
            }
        }
        finally
        {
            batch.ClearEvents();
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Writing the audit trail failed: {Problem}")]
    private partial void LogWriteFailed(string problem);
}
