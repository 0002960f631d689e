using System.Buffers;

namespace GithubSts.Exchange.Audit;

/// <summary>
/// Audit lines for stdout gathered while more events are queued, written with one system call: stdout is unbuffered,
/// and under load one write per line was a large share of the writer's cost. A batch never outlives the queue being
/// drained (the writer flushes as soon as it finds the queue empty) and is bounded by <see cref="MaxBytes"/>.
/// </summary>
internal sealed class StdoutBatch(Stream? stdout)
{
    /// <summary>Flush at this size even while events are still queued.</summary>
    public const int MaxBytes = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _lines = new(4096);
    private readonly List<AuditEvent> _events = [];

    public bool IsFull => _lines.WrittenCount >= MaxBytes;

    /// <summary>Adds one event; <paramref name="line"/> is empty when the event is not to be written to stdout.</summary>
    public void Add(AuditEvent auditEvent, ReadOnlySpan<byte> line)
    {
        if (stdout is not null)
        {
            _lines.Write(line);
        }

        _events.Add(auditEvent);
    }

    /// <summary>Writes the gathered lines (the buffer is cleared whether or not the write succeeds).</summary>
    public void Write()
    {
        try
        {
            if (stdout is not null && _lines.WrittenCount > 0)
            {
                stdout.Write(_lines.WrittenSpan);
                stdout.Flush();
            }
        }
        finally
        {
            _lines.ResetWrittenCount();
        }
    }

    /// <summary>The events added since the last <see cref="ClearEvents"/>, oldest first.</summary>
    public IReadOnlyList<AuditEvent> Events => _events;

    public void ClearEvents() => _events.Clear();
}
