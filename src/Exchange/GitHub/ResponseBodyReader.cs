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
        var buffer = new ArrayBufferWriter<byte>(Math.Min(maxBytes, 16 * 1024));
        while (buffer.WrittenCount < maxBytes)
        {
            var chunk = buffer.GetMemory(Math.Min(16 * 1024, maxBytes - buffer.WrittenCount));
            var room = Math.Min(chunk.Length, maxBytes - buffer.WrittenCount);
            var read = await stream.ReadAsync(chunk[..room], ct);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
