using System.Net.Security;
using System.Net.Sockets;

namespace GithubSts.Exchange.Replay.Redis;

/// <summary>
/// A minimal RESP2 client: one connection, one command at a time, connect and command timeouts, and a reconnect
/// after any failure. Every failure surfaces as <see cref="ReplayStoreUnavailableException"/> (fail closed), with
/// <see cref="ReplayStoreUnavailableException.OutcomeUnknown"/> set once the command's bytes may have left: a reply that
/// timed out does not mean Redis did not (or will not) apply the command.
/// </summary>
public sealed class RedisClient(RedisClientOptions options) : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TcpClient? _tcp;
    private Stream? _stream;
    private RespReader? _reader;

    public RedisClientOptions Options { get; } = options;

    /// <summary>Runs one command; an error reply is returned as <see cref="RedisError"/>.</summary>
    public async ValueTask<object?> ExecuteAsync(string[] command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ConnectTimeout + Options.CommandTimeout);
        try
        {
            await _gate.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReplayStoreUnavailableException($"timed out waiting for the Redis connection to {Options.Endpoint}");
        }

        var sent = false;
        try
        {
            if (_stream is null)
            {
                await ConnectAsync(cancellationToken);
            }

            using var commandTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            commandTimeout.CancelAfter(Options.CommandTimeout);
            sent = true;
            return await SendAsync(command, commandTimeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or OperationCanceledException
                                  or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            Disconnect();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new ReplayStoreUnavailableException($"Redis {Options.Endpoint} failed: {e.GetType().Name}", e) { OutcomeUnknown = sent };
        }
        catch (ReplayStoreUnavailableException e) when (!sent || e.OutcomeUnknown)
        {
            Disconnect();
            throw;
        }
        catch (ReplayStoreUnavailableException e)
        {
            Disconnect();
            throw new ReplayStoreUnavailableException(e.Message, e.InnerException) { OutcomeUnknown = true };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ConnectTimeout);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(Options.Endpoint.Host, Options.Endpoint.Port, timeout.Token);
            Stream stream = tcp.GetStream();
            if (Options.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions { TargetHost = Options.Endpoint.Host }, timeout.Token);
                stream = ssl;
            }

            _tcp = tcp;
            _stream = stream;
            _reader = new RespReader(stream);
            if (Options.Password is { } password)
            {
                string[] auth = Options.Username is { } user ? ["AUTH", user, password] : ["AUTH", password];
                if (await SendAsync(auth, timeout.Token) is RedisError)
                {
                    // The server's message may echo nothing secret, but keep the log free of it anyway.
                    throw new ReplayStoreUnavailableException($"Redis {Options.Endpoint} refused AUTH");
                }
            }
        }
        catch
        {
            Disconnect();
            tcp.Dispose();
            throw;
        }
    }

    private async Task<object?> SendAsync(string[] command, CancellationToken cancellationToken)
    {
        var stream = _stream!;
        await stream.WriteAsync(Resp.Encode(command), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return await Resp.ReadAsync(_reader!, cancellationToken);
    }

    private void Disconnect()
    {
        _stream?.Dispose();
        _tcp?.Dispose();
        _stream = null;
        _tcp = null;
        _reader = null;
    }

    public void Dispose()
    {
        Disconnect();
        _gate.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
