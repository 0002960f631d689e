using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// Reads request bodies, turning every refusal of the readers (Kestrel's body limits, the form reader's limits) into an
/// <see cref="Pipeline.ExchangeException"/>: the endpoints hand it to the pipeline, which audits and counts it.
/// </summary>
internal static class RequestBody
{
    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            throw RequestErrors.MalformedForm();
        }
        catch (BadHttpRequestException e)
        {
            throw RequestErrors.UnreadableBody(e.StatusCode);
        }
    }

    public static async Task ReadJsonAsync(HttpRequest request, ExchangeParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            await StrictJsonBody.ReadAsync(request, parameters, cancellationToken);
        }
        catch (BadHttpRequestException e)
        {
            throw RequestErrors.UnreadableBody(e.StatusCode);
        }
    }

    /// <summary>Runs <paramref name="read"/>; the refusal it threw, or null when the request could be read.</summary>
    public static async Task<Pipeline.ExchangeException?> ProblemOfAsync(Func<Task> read)
    {
        try
        {
            await read();
            return null;
        }
        catch (Pipeline.ExchangeException e)
        {
            return e;
        }
    }
}
