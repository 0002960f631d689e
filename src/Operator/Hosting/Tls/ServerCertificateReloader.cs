using GithubSts.Exchange.Configuration;

namespace GithubSts.Operator.Hosting.Tls;

/// <summary>
/// Holds the public listener's certificate and loads it again when its files change (cert-manager renews them in the
/// mounted Secret). A watcher on the files' directories notices a change within a second; a Secret volume changes by
/// swapping a <c>..data</c> symlink, which the directory watcher sees too, and the poll catches anything a watcher
/// misses (network file systems, overflowed event queues). A change that does not load keeps the previous certificate.
/// </summary>
internal sealed partial class ServerCertificateReloader : IHostedService, IDisposable
{
    /// <summary>Files are usually rewritten one after the other: wait for both before reading.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private readonly TlsFiles _files;
    private readonly TimeProvider _time;
    private readonly ILogger<ServerCertificateReloader> _logger;
    private readonly Lock _reload = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private ITimer? _timer;
    private byte[] _lastAttempt;
    private volatile ServerCertificate _current;

    public ServerCertificateReloader(TlsFiles files, ServerCertificate initial, TimeProvider time, ILogger<ServerCertificateReloader> logger)
    {
        _files = files;
        _current = initial;
        _lastAttempt = initial.Fingerprint;
        _time = time;
        _logger = logger;
    }

    public ServerCertificate Current => _current;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogLoaded(_logger, _current.Leaf, _files.CertificateFile);
        WarnIfOutsideValidity(_current.Leaf);
        _timer = _time.CreateTimer(_ => CheckForChange(), null, PollInterval, PollInterval);
        var directories = new[] { _files.CertificateFile, _files.KeyFile }
            .Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!)
            .Distinct(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            try
            {
                var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false };
                watcher.Changed += OnFileEvent;
                watcher.Created += OnFileEvent;
                watcher.Renamed += OnFileEvent;
                watcher.Deleted += OnFileEvent;
                watcher.Error += (_, _) => OnFileEvent(null, null);
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // e.g. inotify instances exhausted: the poll still sees every change, only later.
                LogWatchFailed(_logger, directory, e.Message);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
        _timer?.Dispose();
    }

    private void OnFileEvent(object? sender, FileSystemEventArgs? e)
    {
        try
        {
            _timer?.Change(Settle, PollInterval);
        }
        catch (ObjectDisposedException)
        {
            // An event delivered while stopping.
        }
    }

    /// <summary>Loads the files when their content differs from the last attempt; a failure is logged once per content.</summary>
    internal void CheckForChange()
    {
        lock (_reload)
        {
            try
            {
                if (ServerCertificate.FingerprintOf(_files).AsSpan().SequenceEqual(_lastAttempt))
                {
                    return;
                }

                var loaded = ServerCertificate.Load(_files);
                _lastAttempt = loaded.Fingerprint;
                _current = loaded;
                LogReloaded(_logger, loaded.Leaf);
                WarnIfOutsideValidity(loaded.Leaf);
            }
            catch (ConfigurationException e)
            {
                try
                {
                    _lastAttempt = ServerCertificate.FingerprintOf(_files);
                }
                catch (ConfigurationException)
                {
                    // Unreadable (e.g. mid-swap): try again on the next event or poll.
                }

                LogReloadFailed(_logger, e.Message, _current.Leaf.Thumbprint);
            }
            catch (Exception e)
            {
                // Runs on a timer thread: anything unforeseen is logged, never allowed to take the process down.
                LogReloadFailed(_logger, e.Message, _current.Leaf.Thumbprint);
            }
        }
    }
}
