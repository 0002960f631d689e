using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GithubSts.Benchmarks.Load;

/// <summary>What one request on a <see cref="LoadConnection"/> came to.</summary>
internal enum RequestOutcome
{
    Ok,
    BadStatus,
    BadBody,
    SocketError,
    Timeout,
}

/// <summary>
/// One HTTP/1.1 keep-alive connection over a raw <see cref="Socket"/>: sends a pre-serialized request, reads the whole
/// response and checks it. One request at a time; reconnects after an error or <c>Connection: close</c>.
/// </summary>
internal sealed class LoadConnection : IDisposable
{
    private readonly EndPoint endpoint;
    private byte[] buffer = new byte[8 * 1024];
    private Socket? socket;
    private long inFlightSince;
    private volatile bool timedOut;

    public LoadConnection(EndPoint endpoint)
    {
        this.endpoint = endpoint;
    }

    /// <summary>The Stopwatch timestamp when the request in flight was sent; 0 when idle.</summary>
    public long InFlightSince => Volatile.Read(ref inFlightSince);

    /// <summary>The status of the last response that was not a valid 200 (for diagnostics).</summary>
    public int LastBadStatus { get; private set; }

    /// <summary>The start of the last invalid response (for diagnostics).</summary>
    public string? LastBadResponse { get; private set; }

    public async ValueTask ConnectAsync(CancellationToken ct)
    {
        if (socket is not null)
        {
            return;
        }

        var fresh = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await fresh.ConnectAsync(endpoint, ct);
        }
        catch
        {
            fresh.Dispose();
            throw;
        }

        socket = fresh;
    }

    /// <summary>Sends <paramref name="request"/> and reads its response; the body must contain <paramref name="marker"/>.</summary>
    public async ValueTask<RequestOutcome> SendAsync(ReadOnlyMemory<byte> request, ReadOnlyMemory<byte> marker)
    {
        timedOut = false;
        Volatile.Write(ref inFlightSince, Stopwatch.GetTimestamp());
        try
        {
            await ConnectAsync(CancellationToken.None);
            var connection = socket!;
            await connection.SendAsync(request, SocketFlags.None);
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var received = await connection.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (received == 0)
                {
                    Close();
                    return timedOut ? RequestOutcome.Timeout : RequestOutcome.SocketError;
                }

                filled += received;
                var parsed = HttpResponseParser.TryParse(buffer.AsSpan(0, filled), marker.Span, out var consumed, out var status, out var bodyValid, out var close);
                if (parsed == HttpResponseParser.Result.Incomplete)
                {
                    continue;
                }

                if (parsed == HttpResponseParser.Result.Malformed || close || consumed != filled)
                {
                    Close();
                }

                if (parsed == HttpResponseParser.Result.Complete && status == 200 && bodyValid)
                {
                    return RequestOutcome.Ok;
                }

                LastBadStatus = status;
                LastBadResponse = Encoding.ASCII.GetString(buffer, 0, Math.Min(filled, 600));
                return parsed == HttpResponseParser.Result.Complete && status != 200 ? RequestOutcome.BadStatus : RequestOutcome.BadBody;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            Close();
            return timedOut ? RequestOutcome.Timeout : RequestOutcome.SocketError;
        }
        finally
        {
            Volatile.Write(ref inFlightSince, 0);
        }
    }

    /// <summary>Called by the watchdog from another thread: fails the request in flight as a timeout.</summary>
    public void Abort()
    {
        timedOut = true;
        socket?.Dispose();
    }

    public void Dispose() => Close();

    private void Close()
    {
        socket?.Dispose();
        socket = null;
    }
}
