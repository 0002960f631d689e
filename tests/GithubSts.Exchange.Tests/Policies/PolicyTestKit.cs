using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>Builds identities from JSON payloads and compiles YAML policies for the policy tests.</summary>
internal static class PolicyTestKit
{
    public const string ServiceIdentifier = "sts.example.com";
    public const string GitHubIssuer = "https://token.actions.githubusercontent.com";
    public const string MainSubject = "repo:org/repo:ref:refs/heads/main";

    /// <summary>A minimal repository-level policy trusting <see cref="MainSubject"/>; extra YAML lines are appended.</summary>
    public static string Yaml(string extra = "") =>
        $"""
        issuer: {GitHubIssuer}
        subject: {MainSubject}
        permissions:
          contents: read
        {extra}
        """;

    /// <summary>
    /// A <see cref="ValidatedIdentity"/> from a JWT payload. <c>aud</c> may be a string or an array;
    /// <c>exp</c> defaults to a fixed instant; <c>iat</c>/<c>nbf</c> stay absent unless given.
    /// </summary>
    public static ValidatedIdentity TokenIdentity(string payloadJson)
    {
        using var document = JsonDocument.Parse(payloadJson);
        var claims = document.RootElement.Clone();
        return new ValidatedIdentity
        {
            Issuer = claims.GetProperty("iss").GetString()!,
            Subject = claims.GetProperty("sub").GetString()!,
            Audiences = ReadAudiences(claims),
            ExpiresAt = ReadTime(claims, "exp") ?? DateTimeOffset.FromUnixTimeSeconds(2_000_000_000),
            IssuedAt = ReadTime(claims, "iat"),
            NotBefore = ReadTime(claims, "nbf"),
            TokenId = claims.TryGetProperty("jti", out var jti) ? jti.GetString() : null,
            TokenHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payloadJson))),
            Claims = claims,
        };
    }

    /// <summary>A GitHub-Actions-shaped payload with our audience; <paramref name="extraMembers"/> is spliced in as JSON members.</summary>
    public static ValidatedIdentity GitHubIdentity(string subject = MainSubject, string extraMembers = "")
    {
        var payload = new StringBuilder()
            .Append("{\"iss\":").Append(JsonSerializer.Serialize(GitHubIssuer))
            .Append(",\"sub\":").Append(JsonSerializer.Serialize(subject))
            .Append(",\"aud\":").Append(JsonSerializer.Serialize(ServiceIdentifier));
        if (extraMembers.Length > 0)
        {
            payload.Append(',').Append(extraMembers);
        }

        return TokenIdentity(payload.Append('}').ToString());
    }

    public static CompiledTrustPolicy Compile(string yaml, PolicyScopeKind kind = PolicyScopeKind.Repository)
    {
        var result = TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(yaml), kind);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Policy!;
    }

    public static IReadOnlyList<PolicyError> CompileErrors(string yaml, PolicyScopeKind kind = PolicyScopeKind.Repository)
    {
        var result = TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(yaml), kind);
        Assert.False(result.Succeeded);
        Assert.Null(result.Policy);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    public static PolicyDecision Evaluate(string yaml, ValidatedIdentity identity, PolicyScopeKind kind = PolicyScopeKind.Repository) =>
        TrustPolicyEvaluator.Evaluate(Compile(yaml, kind), identity, ServiceIdentifier);

    public static PolicyError PatternError(string pattern, string field = "subject_pattern") =>
        Assert.Throws<PolicyPatternException>(() => PolicyPattern.Compile(pattern, field)).Error;

    public static PolicyError IssuerPatternError(string pattern) =>
        Assert.Throws<PolicyPatternException>(() => PolicyPattern.CompileIssuerPattern(pattern, "issuer_pattern")).Error;

    /// <summary>JSON string literal, for splicing awkward characters into payloads.</summary>
    public static string Json(string value) => JsonSerializer.Serialize(value);

    private static IReadOnlyList<string> ReadAudiences(JsonElement claims)
    {
        var aud = claims.GetProperty("aud");
        return aud.ValueKind == JsonValueKind.Array
            ? [.. aud.EnumerateArray().Select(item => item.GetString()!)]
            : [aud.GetString()!];
    }

    private static DateTimeOffset? ReadTime(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) ? DateTimeOffset.FromUnixTimeSeconds(value.GetInt64()) : null;
}
