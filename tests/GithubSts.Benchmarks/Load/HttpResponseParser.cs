using System.Buffers.Text;
using System.Text;

namespace GithubSts.Benchmarks.Load;

/// <summary>
/// Just enough HTTP/1.1 response parsing for the load generator: the status code, where the response ends
/// (Content-Length or chunked transfer coding), whether the server will close the connection, and whether the body
/// contains a marker (e.g. <c>"token"</c>) — a cheap validity check.
/// </summary>
internal static class HttpResponseParser
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    /// <summary>Outcome of looking at the bytes received so far.</summary>
    public enum Result
    {
        Incomplete,
        Complete,
        Malformed,
    }

    /// <summary>Parses one response from the start of <paramref name="data"/>.</summary>
    /// <param name="data">What has been received so far on the connection.</param>
    /// <param name="marker">Bytes the body must contain (empty: anything).</param>
    /// <param name="consumed">The response's length when complete.</param>
    /// <param name="status">The status code when complete.</param>
    /// <param name="bodyValid">Whether the body contains <paramref name="marker"/>.</param>
    /// <param name="close">Whether the server sent <c>Connection: close</c>.</param>
    public static Result TryParse(ReadOnlySpan<byte> data, ReadOnlySpan<byte> marker, out int consumed, out int status, out bool bodyValid, out bool close)
    {
        consumed = 0;
        status = 0;
        bodyValid = false;
        close = false;
        var headerEnd = data.IndexOf(HeaderEnd);
        if (headerEnd < 0)
        {
            return Result.Incomplete;
        }

        // "HTTP/1.1 200 OK"
        if (headerEnd < 12 || !data.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(data.Slice(9, 3), out status, out var statusLength) || statusLength != 3)
        {
            return Result.Malformed;
        }

        var headers = data[..headerEnd];
        long contentLength = -1;
        var chunked = false;
        var lineStart = headers.IndexOf(LineEnd) + 2;
        while (lineStart < headers.Length)
        {
            var rest = headers[lineStart..];
            var lineLength = rest.IndexOf(LineEnd);
            var line = lineLength < 0 ? rest : rest[..lineLength];
            var colon = line.IndexOf((byte)':');
            if (colon > 0)
            {
                var name = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ');
                if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out contentLength, out var used) || used != value.Length || contentLength < 0)
                    {
                        return Result.Malformed;
                    }
                }
                else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
                {
                    chunked = ContainsIgnoreCase(value, "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
                {
                    close = ContainsIgnoreCase(value, "close"u8);
                }
            }

            lineStart += lineLength < 0 ? rest.Length : lineLength + 2;
        }

        var bodyStart = headerEnd + 4;
        int bodyEnd;
        if (chunked)
        {
            var chunks = ParseChunked(data[bodyStart..], out var chunkedLength);
            if (chunks != Result.Complete)
            {
                return chunks;
            }

            bodyEnd = bodyStart + chunkedLength;
        }
        else if (contentLength >= 0)
        {
            if (data.Length - bodyStart < contentLength)
            {
                return Result.Incomplete;
            }

            bodyEnd = bodyStart + (int)contentLength;
        }
        else
        {
            // No length and not chunked: the body runs to the connection's end; the load generator never expects this.
            return Result.Malformed;
        }

        consumed = bodyEnd;

        // The marker is looked for in the raw body (chunk framing included): Kestrel writes these small JSON bodies in one chunk.
        bodyValid = marker.IsEmpty || data[bodyStart..bodyEnd].IndexOf(marker) >= 0;
        return Result.Complete;
    }

    private static Result ParseChunked(ReadOnlySpan<byte> body, out int length)
    {
        length = 0;
        var position = 0;
        while (true)
        {
            var lineLength = body[position..].IndexOf(LineEnd);
            if (lineLength < 0)
            {
                return Result.Incomplete;
            }

            var sizeText = body.Slice(position, lineLength);
            var extension = sizeText.IndexOf((byte)';');
            if (extension >= 0)
            {
                sizeText = sizeText[..extension];
            }

            if (!Utf8Parser.TryParse(sizeText, out int size, out var used, 'x') || used != sizeText.Length || size < 0)
            {
                return Result.Malformed;
            }

            position += lineLength + 2;
            if (size == 0)
            {
                // Trailers (none expected) end with an empty line.
                var trailerEnd = body[position..].IndexOf(LineEnd);
                while (trailerEnd > 0)
                {
                    position += trailerEnd + 2;
                    trailerEnd = body[position..].IndexOf(LineEnd);
                }

                if (trailerEnd < 0)
                {
                    return Result.Incomplete;
                }

                length = position + 2;
                return Result.Complete;
            }

            if (body.Length - position < size + 2)
            {
                return Result.Incomplete;
            }

            position += size;
            if (!body.Slice(position, 2).SequenceEqual(LineEnd))
            {
                return Result.Malformed;
            }

            position += 2;
        }
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        for (var i = 0; i + token.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, token.Length), token))
            {
                return true;
            }
        }

        return false;
    }
}
