using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.Exchange.Webhooks;

public static class WebhookEndpoints
{
    /// <summary>Maps <c>POST {webhook.path}</c> on the public listener (GitHub must reach it).</summary>
    public static IEndpointRouteBuilder MapGithubStsWebhook(this IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<WebhookOptions>();
        routes.MapGroup(string.Empty)
            .MapPost(options.Path, (HttpContext http, WebhookReceiver receiver) => receiver.HandleAsync(http));
        return routes;
    }
}

/// <param name="Result">
/// <c>processed</c>, <c>ignored</c> (authentic, nothing to do), <c>duplicate</c> (the id was seen: nothing done again),
/// <c>unauthenticated</c>, <c>too_large</c>, <c>malformed</c>, <c>store_unavailable</c> or <c>error</c>.
/// </param>
public sealed record WebhookResponse(
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("delivery")] string? Delivery);

[JsonSerializable(typeof(WebhookResponse))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
