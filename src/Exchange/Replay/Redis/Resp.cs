using System.Globalization;
using System.Text;

namespace GithubSts.Exchange.Replay.Redis;

/// <summary>An error reply (<c>-ERR …</c>).</summary>
public sealed record RedisError(string Message);

/// <summary>RESP2 encoding of commands and decoding of replies.</summary>
public static class Resp
{
    private const int MaxBulkLength = 1 << 20;
    private const int MaxLineLength = 64 * 1024;
    private const int MaxArrayLength = 1024;

    /// <summary>Encodes a command as an array of bulk strings.</summary>
    public static byte[] Encode(params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = new StringBuilder();
        builder.Append('*').Append(args.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var arg in args)
        {
            builder.Append('$').Append(Encoding.UTF8.GetByteCount(arg).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            builder.Append(arg).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>
    /// Reads one reply: a <see cref="string"/> (simple or bulk), <see cref="long"/>, <see cref="RedisError"/>,
    /// <see langword="null"/> (null bulk or array) or <c>object?[]</c>.
    /// </summary>
    public static async ValueTask<object?> ReadAsync(RespReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var line = await reader.ReadLineAsync(MaxLineLength, cancellationToken);
        if (line.Length == 0)
        {
            throw new InvalidDataException("empty RESP line");
        }

        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return body;
            case '-':
                return new RedisError(body);
            case ':':
                return ParseLong(body);
            case '$':
                {
                    var length = ParseLong(body);
                    if (length == -1)
                    {
                        return null;
                    }

                    if (length is < 0 or > MaxBulkLength)
                    {
                        throw new InvalidDataException("bad RESP bulk length");
                    }

                    var bytes = await reader.ReadExactAsync((int)length + 2, cancellationToken);
                    if (bytes[^2] != '\r' || bytes[^1] != '\n')
                    {
                        throw new InvalidDataException("RESP bulk string not terminated by CRLF");
                    }

                    return Encoding.UTF8.GetString(bytes, 0, (int)length);
                }

            case '*':
                {
                    var count = ParseLong(body);
                    if (count == -1)
                    {
                        return null;
                    }

                    if (count is < 0 or > MaxArrayLength)
                    {
                        throw new InvalidDataException("bad RESP array length");
                    }

                    var items = new object?[count];
                    for (var i = 0; i < count; i++)
                    {
                        items[i] = await ReadAsync(reader, cancellationToken);
                    }

                    return items;
                }

            default:
                throw new InvalidDataException("unknown RESP type");
        }
    }

    private static long ParseLong(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException("bad RESP integer");
}

/// <summary>A buffered reader of CRLF lines and exact byte counts over a stream.</summary>
public sealed class RespReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    public async ValueTask<string> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var b = _buffer[_start++];
            if (b == '\n' && line.Count > 0 && line[^1] == '\r')
            {
                line.RemoveAt(line.Count - 1);
                return Encoding.UTF8.GetString([.. line]);
            }

            line.Add(b);
            if (line.Count > maxLength)
            {
                throw new InvalidDataException("RESP line too long");
            }
        }
    }

    public async ValueTask<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var n = Math.Min(count - filled, _end - _start);
            Array.Copy(_buffer, _start, result, filled, n);
            _start += n;
            filled += n;
        }

        return result;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        var n = await stream.ReadAsync(_buffer, cancellationToken);
        if (n == 0)
        {
            throw new EndOfStreamException("the Redis server closed the connection");
        }

        _start = 0;
        _end = n;
    }
}
