using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GithubSts.Exchange.Replay.Redis;

/// <summary>
/// Owns the StackExchange.Redis multiplexer of the replay store and what is known about its health. StackExchange.Redis
/// reconnects by itself; this class only (re)creates the multiplexer when the first connect failed outright (a Sentinel
/// that named no master), and remembers whether the server refused our credentials or certificate, which the library
/// otherwise reports to callers only as "no connection" or a timeout.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly RedisReplayOptions _options;
    private readonly ConfigurationOptions _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lock _lock = new();
    private readonly string _description;
    private Task<ConnectionMultiplexer>? _connect;
    private DateTimeOffset _lastConnectStart;
    private long _lastAttemptSequence = -1;
    private long _failedAttempts;
    private volatile string? _rejection;
    private volatile bool _disconnectedLogged;
    private bool _disposed;

    public RedisConnection(RedisReplayOptions options, TimeProvider time, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _description = options.IsSentinel
            ? $"service {options.SentinelServiceName} via Sentinel {string.Join(",", options.Endpoints)}"
            : string.Join(",", options.Endpoints);
        _configuration = RedisConfiguration.Create(options);
        _configuration.ConnectionAttemptCompleted += OnConnectionAttempt;

        // Connect at start, so the first exchange does not pay for it and readiness learns early about bad credentials.
        StartConnect();
    }

    public RedisReplayOptions Options => _options;

    /// <summary>
    /// Why the server refuses this client (wrong password, unknown ACL user, a command the ACL user may not run, an
    /// untrusted certificate), or null. A configuration problem of this replica: readiness reports it.
    /// </summary>
    public string? Rejection => _rejection;

    /// <summary>Connection attempts that failed so far: one failing during a wait says Redis is down, not restarting.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>The multiplexer, once the initial connect (not necessarily a connection) completed within the wait.</summary>
    public async Task<ConnectionMultiplexer> GetAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var connect = CurrentConnect();
        try
        {
            return await connect.WaitAsync(wait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new ReplayStoreUnavailableException($"connecting to Redis {Describe()} took longer than {wait.TotalMilliseconds:F0} ms{RejectionSuffix()}");
        }
        catch (Exception e) when (e is RedisException or System.Net.Sockets.SocketException)
        {
            throw new ReplayStoreUnavailableException($"could not connect to Redis {Describe()}: {e.Message}{RejectionSuffix()}", e);
        }
    }

    /// <summary>A command was refused for our credentials or ACL (NOAUTH, WRONGPASS, NOPERM).</summary>
    public void ReportRejected(string reason)
    {
        if (_rejection is null)
        {
            LogRejected(_description, reason);
        }

        _rejection = reason;
    }

    /// <summary>A command succeeded: whatever was refused before is no longer refused.</summary>
    public void ReportSucceeded()
    {
        if (_rejection is not null)
        {
            _rejection = null;
            LogAccepted(_description);
        }
    }

    public string RejectionSuffix() => _rejection is { } r ? " (the server refuses this client: " + r + ")" : "";

    /// <summary>The server (or Sentinel service) for messages; never a credential.</summary>
    public string Describe() => _description;

    private Task<ConnectionMultiplexer> CurrentConnect()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // A faulted connect (a Sentinel that named no master) is retried, at most once per connect timeout.
            if (_connect is { IsFaulted: true } && _time.GetUtcNow() - _lastConnectStart >= _options.ConnectTimeout)
            {
                StartConnect();
            }

            return _connect!;
        }
    }

    private void StartConnect()
    {
        _lastConnectStart = _time.GetUtcNow();
        _connect = ConnectAsync();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        // ConnectAsync finds the master through the Sentinels when ServiceName is set.
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration);
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        return multiplexer;
    }

    private void OnConnectionAttempt(object? sender, ConnectionAttemptCompletedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive)
        {
            return;
        }

        lock (_lock)
        {
            // Handlers run on worker threads: only the most recent attempt decides.
            if (e.SequenceNumber < _lastAttemptSequence)
            {
                return;
            }

            _lastAttemptSequence = e.SequenceNumber;
        }

        if (e.IsSuccess)
        {
            ReportSucceeded();
            return;
        }

        Interlocked.Increment(ref _failedAttempts);
        if (e.FailureType == ConnectionFailureType.AuthenticationFailure
                 || (e.Stage == ConnectionAttemptStage.Tls && e.ServerCertificateAccepted == false))
        {
            ReportRejected(e.Stage == ConnectionAttemptStage.Tls
                ? "TLS: server certificate not accepted (" + e.ServerCertificatePolicyErrors + ")"
                : "authentication failed (wrong password or ACL user)");
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && !_disconnectedLogged)
        {
            _disconnectedLogged = true;
            LogConnectionLost(e.EndPoint, e.FailureType);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && _disconnectedLogged)
        {
            _disconnectedLogged = false;
            LogConnectionRestored(e.EndPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connect;
        lock (_lock)
        {
            // The store and the container may both dispose of it.
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connect = _connect;
        }

        _configuration.ConnectionAttemptCompleted -= OnConnectionAttempt;
        if (connect is { IsCompletedSuccessfully: true })
        {
            await connect.Result.CloseAsync(allowCommandsToComplete: false);
            await connect.Result.DisposeAsync();
        }
        else
        {
            // Still connecting: dispose of it when it arrives rather than leaving its sockets and timers behind.
            _ = connect?.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }
}
