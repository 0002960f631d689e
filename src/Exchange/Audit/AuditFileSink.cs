using System.Globalization;

namespace GithubSts.Exchange.Audit;

/// <summary>
/// Appends audit lines to a file (mode 0600), rotating daily or by size: the current file is renamed with a
/// timestamp suffix and only the newest <see cref="AuditOptions.MaxRetainedFiles"/> rotated files are kept.
/// Used by one writer thread only.
/// </summary>
internal sealed class AuditFileSink : IDisposable
{
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly string _path;
    private FileStream? _stream;
    private DateOnly _openedOn;

    public AuditFileSink(AuditOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _path = Path.GetFullPath(options.FilePath!);
    }

    public void Write(ReadOnlySpan<byte> line)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (_stream is not null && NeedsRotation(today, line.Length))
        {
            Rotate();
        }

        _stream ??= Open(today);
        _stream.Write(line);
    }

    public void Flush() => _stream?.Flush();

    public void Dispose() => _stream?.Dispose();

    private bool NeedsRotation(DateOnly today, int nextLength) => _options.Rotation switch
    {
        AuditRotation.Daily => today != _openedOn,
        _ => _stream!.Length > 0 && _stream.Length + nextLength > _options.MaxFileBytes,
    };

    private FileStream Open(DateOnly today)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _openedOn = File.Exists(_path) ? DateOnly.FromDateTime(File.GetLastWriteTimeUtc(_path)) : today;
        if (_options.Rotation == AuditRotation.Daily && _openedOn != today)
        {
            RotateExisting();
            _openedOn = today;
        }

        return new FileStream(_path, options);
    }

    private void Rotate()
    {
        _stream!.Dispose();
        _stream = null;
        RotateExisting();
    }

    private void RotateExisting()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        var stamp = _options.Rotation == AuditRotation.Daily
            ? _openedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture);
        var directory = Path.GetDirectoryName(_path)!;
        var name = Path.GetFileNameWithoutExtension(_path);
        var extension = Path.GetExtension(_path);
        var target = Path.Combine(directory, $"{name}.{stamp}{extension}");
        for (var n = 1; File.Exists(target); n++)
        {
            target = Path.Combine(directory, $"{name}.{stamp}-{n}{extension}");
        }

        File.Move(_path, target);
        foreach (var old in Directory.GetFiles(directory, $"{name}.*{extension}")
                     .Where(f => !string.Equals(f, _path, StringComparison.Ordinal))
                     .OrderByDescending(File.GetLastWriteTimeUtc)
                     .ThenByDescending(f => f, StringComparer.Ordinal)
                     .Skip(_options.MaxRetainedFiles))
        {
            File.Delete(old);
        }
    }
}
