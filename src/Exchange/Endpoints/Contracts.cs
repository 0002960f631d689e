using System.Text.Json.Serialization;

namespace GithubSts.Exchange.Endpoints;

/// <summary>200 body of <c>/sts/exchange</c> and the JSON form of <c>/token</c>. Clients of octo-sts and py-github-sts read <c>token</c>.</summary>
public sealed record ExchangeResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("permissions")] IReadOnlyDictionary<string, string> Permissions,
    [property: JsonPropertyName("repositories")] IReadOnlyList<string> Repositories,
    [property: JsonPropertyName("repository_selection")] string RepositorySelection,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("identity")] string Identity,
    [property: JsonPropertyName("app")] string App);

/// <summary>RFC 8693 §2.2.1 success body.</summary>
public sealed record TokenExchangeResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("issued_token_type")] string IssuedTokenType,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

/// <summary>Every error body: an error code, a fixed description and the request id to quote to operators.</summary>
public sealed record ErrorResponse(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription,
    [property: JsonPropertyName("request_id")] string RequestId)
{
    /// <summary>
    /// <c>error</c> again, under the name Depthmark/github-sts-action reads for its <c>error-code</c> output (it reports
    /// <c>action_malformed_error_response</c> without it).
    /// </summary>
    [JsonPropertyName("code")]
    public string Code => Error;

    /// <summary><c>error_description</c> again, under the name that action reads.</summary>
    [JsonPropertyName("detail")]
    public string Detail => ErrorDescription;
}

public sealed record StatusResponse([property: JsonPropertyName("status")] string Status);

[JsonSerializable(typeof(ExchangeResponse))]
[JsonSerializable(typeof(TokenExchangeResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(StatusResponse))]
internal sealed partial class EndpointJsonContext : JsonSerializerContext;
