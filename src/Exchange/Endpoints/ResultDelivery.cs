using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// Writes a minted token to the caller and tells whether it could be. A caller that went away before the response was
/// written did not get the token (the pipeline then revokes it); such requests count as 499, not as server errors.
/// </summary>
internal static class ResultDelivery
{
    /// <summary>nginx's "client closed request": used in metrics only, nobody reads the response.</summary>
    public const int ClientClosedRequest = 499;

    private static readonly object UndeliveredKey = new();

    public static async Task<bool> TryWriteAsync(HttpContext http, IResult response)
    {
        // Kestrel drops writes to a closed connection without an error: the abort signal is what tells.
        if (http.RequestAborted.IsCancellationRequested)
        {
            return MarkUndelivered(http);
        }

        try
        {
            await response.ExecuteAsync(http);
            await http.Response.CompleteAsync();
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return MarkUndelivered(http);
        }
    }

    /// <summary>The request ended because its caller left (undelivered, or a failure after the client aborted).</summary>
    public static bool ClientWentAway(HttpContext http, bool failed) =>
        http.Items.ContainsKey(UndeliveredKey) || (failed && http.RequestAborted.IsCancellationRequested);

    private static bool MarkUndelivered(HttpContext http)
    {
        http.Items[UndeliveredKey] = true;
        return false;
    }
}
