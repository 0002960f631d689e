using System.Buffers;

namespace GithubSts.Exchange.GitHub;

/// <summary>Reads response bodies with a hard size cap, stopping as soon as the cap is exceeded.</summary>
internal static class ResponseBodyReader
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAtMostAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        // One byte past the cap is enough to know the body is too large.
        var body = await ReadPrefixAsync(content, maxBytes == int.MaxValue ? maxBytes : maxBytes + 1, ct);
        return body.Length > maxBytes ? null : body;
    }

    /// <summary>Up to <paramref name="maxBytes"/> bytes from the start of the body; the rest is never read.</summary>
    public static async Task<byte[]> ReadPrefixAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);

        // A known length sizes the buffer once (+1 notices a longer body); otherwise start small and double.
        var initial = content.Headers.ContentLength is { } length and >= 0 ? (int)Math.Min(length + 1, maxBytes) : Math.Min(maxBytes, 4096);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 1));
        var count = 0;
        try
        {
            while (count < maxBytes)
            {
                if (count == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(count, Math.Min(buffer.Length, maxBytes) - count), ct);
                if (read == 0)
                {
                    break;
                }

                count += read;
            }

            return buffer.AsSpan(0, count).ToArray();
        }
        finally
        {
            // Bodies carry installation tokens: pooled memory is cleared before it is reused.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
