using GithubSts.Exchange.Pipeline;

namespace GithubSts.Exchange.Endpoints;

internal static class RequestErrors
{
    public static ExchangeException Duplicate(string name) =>
        ExchangeException.InvalidRequest("duplicate_parameter", $"parameter '{name}' was given more than once");

    /// <summary>A malformed <c>permissions</c> or <c>repositories</c> parameter (a well-formed one the policy does not allow is a 403).</summary>
    public static ExchangeException InvalidNarrowing(string name, string problem) =>
        ExchangeException.InvalidRequest("invalid_" + name, $"{name}: {problem}");

    public static ExchangeException UnsupportedContentType() =>
        ExchangeException.InvalidRequest(
            "unsupported_content_type", "the body must be application/json or application/x-www-form-urlencoded");

    public static ExchangeException MalformedJson(string problem) =>
        ExchangeException.InvalidRequest("malformed_json", problem);

    /// <summary>The form reader's limits (value count, key or value length) or an undecodable form.</summary>
    public static ExchangeException MalformedForm() =>
        ExchangeException.InvalidRequest("malformed_form", "the form body is malformed or too large");

    public static ExchangeException UnsupportedGrantType() =>
        ExchangeException.InvalidRequest(ReasonCodes.UnsupportedGrantType, "grant_type must be urn:ietf:params:oauth:grant-type:token-exchange");

    /// <summary>Kestrel would not hand over the body: too large (413), too slow (408), bad framing or cut short (400).</summary>
    public static ExchangeException UnreadableBody(int statusCode) => statusCode switch
    {
        Microsoft.AspNetCore.Http.StatusCodes.Status413PayloadTooLarge =>
            ExchangeException.UnreadableBody(statusCode, ReasonCodes.BodyTooLarge, "the request body is too large"),
        Microsoft.AspNetCore.Http.StatusCodes.Status408RequestTimeout =>
            ExchangeException.UnreadableBody(statusCode, "body_timeout", "the request body arrived too slowly"),
        _ => ExchangeException.UnreadableBody(statusCode, "malformed_body", "the request is malformed"),
    };
}
