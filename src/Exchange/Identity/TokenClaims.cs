using System.Runtime.InteropServices;
using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>The registered claims of a JWT payload, type-checked strictly, plus the whole payload for policy matching.</summary>
internal sealed class TokenClaims
{
    /// <summary>9999-12-31T23:59:59Z, the largest instant <see cref="DateTimeOffset"/> represents.</summary>
    public const long MaxNumericDate = 253_402_300_799;

    public const int MaxTokenIdLength = 256;

    private TokenClaims(JsonElement root, string issuer, string subject, IReadOnlyList<string> audiences, long expiresAt, long? notBefore, long? issuedAt, string? tokenId)
    {
        Root = root;
        Issuer = issuer;
        Subject = subject;
        Audiences = audiences;
        ExpiresAt = expiresAt;
        NotBefore = notBefore;
        IssuedAt = issuedAt;
        TokenId = tokenId;
    }

    public JsonElement Root { get; }

    public string Issuer { get; }

    public string Subject { get; }

    public IReadOnlyList<string> Audiences { get; }

    public long ExpiresAt { get; }

    public long? NotBefore { get; }

    public long? IssuedAt { get; }

    public string? TokenId { get; }

    /// <summary>Reads a payload that <see cref="StrictJson"/> accepted as a duplicate-free object.</summary>
    /// <exception cref="TokenRejectedException">A registered claim is missing or has the wrong type or shape.</exception>
    public static TokenClaims Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, StrictJson.ReaderOptions);
        var root = JsonElement.ParseValue(ref reader);

        var issuer = RequiredString(root, "iss");
        if (issuer.Length == 0)
        {
            throw Invalid("The iss claim is empty.");
        }

        var subject = RequiredString(root, "sub");
        if (!SubjectRules.IsValid(subject))
        {
            throw Invalid("The sub claim is empty, too long or contains a forbidden character.");
        }

        var audiences = ReadAudiences(root);
        var expiresAt = NumericDate(root, "exp") ?? throw Invalid("The exp claim is missing.");
        var notBefore = NumericDate(root, "nbf");
        var issuedAt = NumericDate(root, "iat");

        string? tokenId = null;
        if (root.TryGetProperty("jti", out var jti))
        {
            tokenId = jti.ValueKind == JsonValueKind.String ? jti.GetString()! : throw Invalid("The jti claim is not a string.");
            if (tokenId.Length is 0 or > MaxTokenIdLength)
            {
                throw Invalid("The jti claim is empty or too long.");
            }
        }

        return new TokenClaims(root, issuer, subject, audiences, expiresAt, notBefore, issuedAt, tokenId);
    }

    private static string RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Invalid($"The {name} claim is missing or not a string.");

    /// <summary>A string, or a non-empty array of strings; every value non-empty (CVE-2020-26160: no silent empty audience).</summary>
    private static string[] ReadAudiences(JsonElement root)
    {
        if (!root.TryGetProperty("aud", out var aud))
        {
            throw Invalid("The aud claim is missing.");
        }

        if (aud.ValueKind == JsonValueKind.String)
        {
            var single = aud.GetString()!;
            return single.Length > 0 ? [single] : throw Invalid("The aud claim is empty.");
        }

        if (aud.ValueKind != JsonValueKind.Array || aud.GetArrayLength() == 0)
        {
            throw Invalid("The aud claim is neither a string nor a non-empty array.");
        }

        var audiences = new string[aud.GetArrayLength()];
        var i = 0;
        foreach (var item in aud.EnumerateArray())
        {
            var value = item.ValueKind == JsonValueKind.String ? item.GetString()! : string.Empty;
            audiences[i++] = value.Length > 0 ? value : throw Invalid("An aud array element is not a non-empty string.");
        }

        return audiences;
    }

    /// <summary>
    /// RFC 7519 NumericDate, restricted to a JSON integer literal: no string, fraction, exponent or sign
    /// (IdentityModel accepts "1795300711" and 1795300711.5), within 0..<see cref="MaxNumericDate"/>.
    /// </summary>
    private static long? NumericDate(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Invalid($"The {name} claim is not a number.");
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length > 12 || raw.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || !value.TryGetInt64(out var seconds) || seconds > MaxNumericDate)
        {
            throw Invalid($"The {name} claim is not an integer NumericDate in range.");
        }

        return seconds;
    }

    private static TokenRejectedException Invalid(string message) => new(TokenRejectionReason.InvalidClaim, message);
}
