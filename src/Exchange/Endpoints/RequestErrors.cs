using GithubSts.Exchange.Pipeline;

namespace GithubSts.Exchange.Endpoints;

internal static class RequestErrors
{
    public static ExchangeException Duplicate(string name) =>
        ExchangeException.InvalidRequest("duplicate_parameter", $"parameter '{name}' was given more than once");

    public static ExchangeException UnsupportedContentType() =>
        ExchangeException.InvalidRequest(
            "unsupported_content_type", "the body must be application/json or application/x-www-form-urlencoded");

    public static ExchangeException MalformedJson(string problem) =>
        ExchangeException.InvalidRequest("malformed_json", problem);
}
