using System.Net;
using System.Net.Sockets;

namespace GithubSts.Testing;

/// <summary>
/// The listening half of the test proxies (<see cref="Kubernetes.LoopbackTcpProxy"/>, <see cref="Redis.RedisFaultProxy"/>):
/// accepts on 127.0.0.1, resets a connection at once while <c>refuse</c> says so, and hands every other one, numbered,
/// to the owner, which decides what is forwarded and how.
/// </summary>
internal sealed class LoopbackAcceptor : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, Socket, Task> _accepted;
    private readonly Func<bool> _refuse;
    private readonly Task _acceptLoop;
    private int _count;

    public LoopbackAcceptor(Func<int, Socket, Task> accepted, Func<bool> refuse)
    {
        _accepted = accepted;
        _refuse = refuse;
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted since start, refused ones included.</summary>
    public int AcceptedCount => Volatile.Read(ref _count);

    /// <summary>Cancelled when the acceptor is disposed: for the owner's connects and delays.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Closes <paramref name="socket"/> with a reset (RST), as a crashed peer or a partition would.</summary>
    public static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var id = Interlocked.Increment(ref _count);
            if (_refuse())
            {
                Reset(client);
                continue;
            }

            _ = Task.Run(() => _accepted(id, client));
        }
    }
}
