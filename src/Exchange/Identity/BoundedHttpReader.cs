using System.Net;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// GETs one small JSON document: 200 only (a redirect is a failure, never followed), a time budget from the
/// <see cref="TimeProvider"/>, and a body cap enforced while streaming so an oversized or endless body is aborted.
/// </summary>
internal sealed class BoundedHttpReader(HttpClient http, OidcValidationOptions options, TimeProvider time)
{
    public async Task<ReadOnlyMemory<byte>> GetAsync(Uri uri, string what, CancellationToken cancellationToken)
    {
        using var budget = new CancellationTokenSource(options.HttpTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // Only the status number: the body may hold internal secrets (CVE-2025-52477).
                throw new MetadataFetchException(false, $"The {what} request returned HTTP {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > options.MaxResponseBytes)
            {
                throw new MetadataFetchException(false, $"The {what} response exceeds {options.MaxResponseBytes} bytes.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            return await ReadCappedAsync(body, what, linked.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MetadataFetchException(false, $"The {what} request timed out.", e);
        }
        catch (HttpRequestException e)
        {
            throw new MetadataFetchException(false, $"The {what} request failed ({e.HttpRequestError}).", e);
        }
        catch (IOException e)
        {
            throw new MetadataFetchException(false, $"The {what} response could not be read.", e);
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadCappedAsync(Stream body, string what, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(options.MaxResponseBytes + 1, 16 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > options.MaxResponseBytes)
                {
                    throw new MetadataFetchException(false, $"The {what} response exceeds {options.MaxResponseBytes} bytes.");
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, options.MaxResponseBytes + 1));
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return buffer.AsMemory(0, length);
            }

            length += read;
        }
    }
}
