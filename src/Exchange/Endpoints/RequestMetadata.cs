using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

internal static class RequestMetadata
{
    private const int MaxUserAgentLength = 200;

    public static string? UserAgent(HttpContext http)
    {
        var value = http.Request.Headers.UserAgent.ToString();
        return value.Length == 0 ? null : value.Length <= MaxUserAgentLength ? value : value[..MaxUserAgentLength];
    }
}
