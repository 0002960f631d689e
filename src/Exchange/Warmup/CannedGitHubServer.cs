using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GithubSts.Exchange.Warmup;

/// <summary>
/// A loopback HTTP/1.1 listener that answers the few GitHub REST calls of one exchange with fixed bodies, so the
/// warm-up drives the real <c>SocketsHttpHandler</c> path of the GitHub client without reaching GitHub. It takes no
/// decision: a request is matched on its exact method and path, anything else is a 404, and the tokens it "mints" are
/// random strings nobody accepts. It listens on 127.0.0.1 on a port the kernel picks, and only while the warm-up runs.
/// </summary>
internal sealed class CannedGitHubServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, (int Status, string ContentType, Func<byte[]> Body)> routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> connections = [];
    private readonly Task accepting;

    public CannedGitHubServer()
    {
        listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    public Uri BaseUrl { get; }

    /// <summary>Requests answered (any status).</summary>
    public int Requests => Volatile.Read(ref requests);

    private int requests;

    /// <summary>Answers <paramref name="method"/> <paramref name="path"/> (without query) with <paramref name="body"/>.</summary>
    public void Route(string method, string path, int status, string contentType, Func<byte[]> body) =>
        routes[method + " " + path] = (status, contentType, body);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(stopping.Token);
                lock (connections)
                {
                    connections.Add(ServeAsync(socket));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = ArrayPool<byte>.Shared.Rent(MaxHeaderBytes);
        try
        {
            var filled = 0;
            while (true)
            {
                var end = buffer.AsSpan(0, filled).IndexOf(HeaderEnd);
                if (end < 0)
                {
                    if (filled == MaxHeaderBytes)
                    {
                        return;
                    }

                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled, MaxHeaderBytes - filled), SocketFlags.None, stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                    continue;
                }

                var head = Encoding.ASCII.GetString(buffer, 0, end);
                var consumed = end + HeaderEnd.Length;
                var bodyLength = ContentLength(head);
                while (filled - consumed < bodyLength)
                {
                    // Request bodies (the mint's JSON) are small: read them whole, then drop them.
                    if (filled == MaxHeaderBytes)
                    {
                        return;
                    }

                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled, MaxHeaderBytes - filled), SocketFlags.None, stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                consumed += bodyLength;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                Interlocked.Increment(ref requests);
                await socket.SendAsync(Answer(head), SocketFlags.None, stopping.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client closed the connection, or the warm-up is over.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[] Answer(string head)
    {
        var requestLine = head.AsSpan(0, head.IndexOf('\r') is var cr and >= 0 ? cr : head.Length);
        var parts = requestLine.ToString().Split(' ');
        var path = parts.Length == 3 ? parts[1].Split('?')[0] : string.Empty;
        var (status, contentType, body) = parts.Length == 3 && routes.TryGetValue(parts[0] + " " + path, out var route)
            ? (route.Status, route.ContentType, route.Body())
            : (404, "application/json; charset=utf-8", "{\"message\":\"Not Found\"}"u8.ToArray());
        var header = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {(status == 404 ? "Not Found" : "OK")}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n" +
            "x-ratelimit-limit: 5000\r\nx-ratelimit-remaining: 4999\r\nx-ratelimit-used: 1\r\nx-ratelimit-reset: 4102444800\r\n" +
            "x-ratelimit-resource: core\r\nx-github-request-id: 0000:WARM:UP\r\n\r\n");
        return [.. header, .. body];
    }

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line.AsSpan("Content-Length:".Length).Trim(), out var length) && length is >= 0 and <= MaxHeaderBytes)
            {
                return length;
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Task[] open;
        lock (connections)
        {
            open = [.. connections];
        }

        await accepting;
        await Task.WhenAll(open);
        stopping.Dispose();
    }
}
