using System.Text.Json.Serialization;

namespace GithubSts.Exchange.Audit;

/// <summary>One exchange attempt, success or denial. Carries the SHA-256 of an issued token, never the token.</summary>
public sealed record AuditEvent
{
    [JsonPropertyName("time")] public required DateTimeOffset Time { get; init; }

    [JsonPropertyName("request_id")] public required string RequestId { get; init; }

    [JsonPropertyName("endpoint")] public required string Endpoint { get; init; }

    /// <summary><c>success</c>, or the failure class (<c>access_denied</c>, <c>invalid_token</c>, ...).</summary>
    [JsonPropertyName("result")] public required string Result { get; init; }

    [JsonPropertyName("reason")] public string? Reason { get; init; }

    [JsonPropertyName("app")] public string? App { get; init; }

    [JsonPropertyName("scope")] public string? Scope { get; init; }

    [JsonPropertyName("identity")] public string? Identity { get; init; }

    [JsonPropertyName("issuer")] public string? Issuer { get; init; }

    [JsonPropertyName("subject")] public string? Subject { get; init; }

    [JsonPropertyName("jti")] public string? TokenId { get; init; }

    [JsonPropertyName("audience")] public IReadOnlyList<string>? Audience { get; init; }

    [JsonPropertyName("policy_source")] public string? PolicySource { get; init; }

    [JsonPropertyName("installation_id")] public long? InstallationId { get; init; }

    [JsonPropertyName("permissions")] public IReadOnlyDictionary<string, string>? Permissions { get; init; }

    [JsonPropertyName("repositories")] public IReadOnlyList<string>? Repositories { get; init; }

    [JsonPropertyName("token_sha256")] public string? TokenSha256 { get; init; }

    /// <summary>Only for a minted token that could not be delivered (<c>not_delivered</c>): whether GitHub revoked it.</summary>
    [JsonPropertyName("token_revoked")] public bool? TokenRevoked { get; init; }

    [JsonPropertyName("duration_ms")] public required double DurationMs { get; init; }

    [JsonPropertyName("client_address")] public string? ClientAddress { get; init; }

    [JsonPropertyName("user_agent")] public string? UserAgent { get; init; }
}

[JsonSerializable(typeof(AuditEvent))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
