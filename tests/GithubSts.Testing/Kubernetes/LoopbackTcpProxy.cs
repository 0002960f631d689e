using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace GithubSts.Testing.Kubernetes;

/// <summary>
/// A TCP forwarder on 127.0.0.1 (TLS passes through untouched) for fault injection: <see cref="DropConnections"/>
/// resets every open connection (a dead watch stream); <see cref="Pause"/> also refuses new ones until
/// <see cref="Resume"/> (an unreachable server, without stopping it).
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<int, (Socket Client, Socket Upstream)> _connections = new();
    private readonly LoopbackAcceptor _acceptor;
    private volatile bool _paused;

    private LoopbackTcpProxy(IPEndPoint target)
    {
        _target = target;
        _acceptor = new LoopbackAcceptor(ForwardAsync, () => _paused);
    }

    public int Port => _acceptor.Port;

    /// <summary>Open forwarded connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Connections accepted since start (including refused ones while paused).</summary>
    public int AcceptedCount => _acceptor.AcceptedCount;

    /// <summary>Forwards to <paramref name="target"/>'s port on 127.0.0.1.</summary>
    public static LoopbackTcpProxy Start(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new LoopbackTcpProxy(new IPEndPoint(IPAddress.Loopback, target.Port));
    }

    /// <summary><paramref name="target"/> with the port replaced by the proxy's.</summary>
    public Uri Rewrite(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new UriBuilder(target) { Host = "127.0.0.1", Port = Port }.Uri;
    }

    public void DropConnections()
    {
        foreach (var id in _connections.Keys)
        {
            if (_connections.TryRemove(id, out var pair))
            {
                LoopbackAcceptor.Reset(pair.Client);
                LoopbackAcceptor.Reset(pair.Upstream);
            }
        }
    }

    public void Pause()
    {
        _paused = true;
        DropConnections();
    }

    public void Resume() => _paused = false;

    public async ValueTask DisposeAsync()
    {
        await _acceptor.DisposeAsync();
        DropConnections();
    }

    private async Task ForwardAsync(int id, Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await upstream.ConnectAsync(_target, _acceptor.Stopping);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            LoopbackAcceptor.Reset(client);
            upstream.Dispose();
            return;
        }

        _connections[id] = (client, upstream);
        await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        if (_connections.TryRemove(id, out _))
        {
            client.Dispose();
            upstream.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
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

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The other side (or DropConnections) closed it.
        }
    }
}
