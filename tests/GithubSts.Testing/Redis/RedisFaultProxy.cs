using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GithubSts.Testing.Redis;

/// <summary>
/// A TCP forwarder in front of a real redis-server for the faults that make a command's outcome unknown to the client:
/// <see cref="DropReplies"/> (Redis applies the command, the reply never arrives), <see cref="RequestDelay"/> (the
/// command reaches Redis late, even after the client gave up and closed), <see cref="Hang"/> (accepts, never answers)
/// and <see cref="RefuseConnections"/>.
/// </summary>
public sealed class RedisFaultProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<int, Socket> _sockets = new();
    private readonly LoopbackAcceptor _acceptor;
    private long _requestDelayTicks;
    private volatile bool _dropReplies;
    private volatile bool _refuse;
    private volatile bool _hang;

    private RedisFaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _acceptor = new LoopbackAcceptor((id, client) => ForwardAsync(id, client, RequestDelay), () => _refuse);
    }

    public int Port => _acceptor.Port;

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Replies from Redis are read and thrown away while set (commands are still applied). Clearing it resets the open
    /// connections: on TCP a reply is only ever lost with its connection, and a client must not pair the next reply
    /// with a command whose reply was dropped.
    /// </summary>
    public bool DropReplies
    {
        get => _dropReplies;
        set
        {
            var clearing = _dropReplies && !value;
            _dropReplies = value;
            if (clearing)
            {
                ResetConnections();
            }
        }
    }

    /// <summary>Connections opened while this is non-zero deliver every command to Redis this much later.</summary>
    public TimeSpan RequestDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _requestDelayTicks));
        set => Interlocked.Exchange(ref _requestDelayTicks, value.Ticks);
    }

    /// <summary>
    /// A hung Redis while set: connections (open and new) are kept open, and nothing is forwarded either way (commands
    /// are neither applied nor answered, handshakes never finish).
    /// </summary>
    public bool Hang
    {
        get => _hang;
        set
        {
            var clearing = _hang && !value;
            _hang = value;
            if (clearing)
            {
                // What was swallowed is gone: the connections that lost it are reset, as after a partition.
                ResetConnections();
            }
        }
    }

    /// <summary>Resets every open connection (RST to the client).</summary>
    public void ResetConnections()
    {
        foreach (var socket in _sockets.Values)
        {
            LoopbackAcceptor.Reset(socket);
        }
    }

    /// <summary>New connections are reset at once while set.</summary>
    public bool RefuseConnections
    {
        get => _refuse;
        set => _refuse = value;
    }

    public static RedisFaultProxy Start(RedisServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new RedisFaultProxy(server.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _acceptor.DisposeAsync();
        foreach (var socket in _sockets.Values)
        {
            socket.Dispose();
        }
    }

    private async Task ForwardAsync(int id, Socket client, TimeSpan requestDelay)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets[2 * id] = client;
        _sockets[(2 * id) + 1] = upstream;
        try
        {
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), _acceptor.Stopping);
            await Task.WhenAll(
                RequestsAsync(client, upstream, requestDelay),
                RepliesAsync(upstream, client));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _sockets.TryRemove(2 * id, out _);
            _sockets.TryRemove((2 * id) + 1, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    /// <summary>
    /// Client to Redis: what was read is delivered (late, when delayed) even when the client has gone. Reading never
    /// waits for the delay: bytes left unread in the kernel would be discarded by the client's RST, and the point of the
    /// delay is a command that Redis receives after the client gave up.
    /// </summary>
    private async Task RequestsAsync(Socket from, Socket to, TimeSpan delay)
    {
        var chunks = System.Threading.Channels.Channel.CreateUnbounded<(byte[] Bytes, long ReadAt)>();
        var sending = SendLateAsync(chunks.Reader, to, delay);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await from.ReceiveAsync(buffer, SocketFlags.None);
                }
                catch (SocketException)
                {
                    read = 0;
                }

                if (read == 0)
                {
                    break;
                }

                chunks.Writer.TryWrite((buffer[..read], Environment.TickCount64));
            }
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            chunks.Writer.TryComplete();
        }

        await sending;
    }

    private async Task SendLateAsync(System.Threading.Channels.ChannelReader<(byte[] Bytes, long ReadAt)> chunks, Socket to, TimeSpan delay)
    {
        try
        {
            await foreach (var (bytes, readAt) in chunks.ReadAllAsync(_acceptor.Stopping))
            {
                var wait = readAt + (long)delay.TotalMilliseconds - Environment.TickCount64;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), _acceptor.Stopping);
                }

                if (!_hang)
                {
                    await to.SendAsync(bytes, SocketFlags.None);
                }
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _acceptor.Stopping);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private async Task RepliesAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (!_dropReplies && !_hang)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client gave up; keep nothing else waiting on it.
        }
    }
}
