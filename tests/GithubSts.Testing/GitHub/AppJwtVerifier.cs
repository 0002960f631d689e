using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GithubSts.Testing.GitHub;

/// <summary>Checks an App JWT the way GitHub does: RS256 with the App's key, iss = App id, short lifetime, not expired.</summary>
internal static class AppJwtVerifier
{
    private const long MaxLifetimeSeconds = 600;
    private const long MaxFutureIssuedAtSeconds = 60;

    /// <summary>The verified App id, or null with a reason.</summary>
    public static long? Verify(string? authorization, Func<long, SimulatedApp?> findApp, DateTimeOffset now, out string failure)
    {
        failure = string.Empty;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            failure = "missing bearer JWT";
            return null;
        }

        var jwt = authorization["Bearer ".Length..].Trim();
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            failure = "not a JWS";
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256")
            {
                failure = "alg is not RS256";
                return null;
            }

            var claims = payload.RootElement;
            if (ReadIssuer(claims) is not { } appId || findApp(appId) is not { } app)
            {
                failure = "unknown iss";
                return null;
            }

            if (!VerifySignature(app, jwt, parts))
            {
                failure = "bad signature";
                return null;
            }

            failure = CheckTimes(claims, now.ToUnixTimeSeconds());
            return failure.Length == 0 ? appId : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            failure = "malformed JWT";
            return null;
        }
    }

    private static long? ReadIssuer(JsonElement claims)
    {
        if (!claims.TryGetProperty("iss", out var iss))
        {
            return null;
        }

        return iss.ValueKind switch
        {
            JsonValueKind.Number when iss.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(iss.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var text) => text,
            _ => null,
        };
    }

    private static bool VerifySignature(SimulatedApp app, string jwt, string[] parts)
    {
        // Clients reuse one JWT for minutes: a JWT whose exact text verified under this key once is not verified again
        // (its times still are), which keeps the simulator cheap under benchmark load.
        lock (app.Gate)
        {
            if (app.VerifiedJwts.Contains(jwt))
            {
                return true;
            }
        }

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        lock (app.Gate)
        {
            if (!app.PublicKey.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return false;
            }

            if (app.VerifiedJwts.Count >= 64)
            {
                app.VerifiedJwts.Clear();
            }

            app.VerifiedJwts.Add(jwt);
            return true;
        }
    }

    private static string CheckTimes(JsonElement claims, long now)
    {
        if (!claims.TryGetProperty("iat", out var iatElement) || !iatElement.TryGetInt64(out var iat)
            || !claims.TryGetProperty("exp", out var expElement) || !expElement.TryGetInt64(out var exp))
        {
            return "iat or exp missing";
        }

        if (exp - iat > MaxLifetimeSeconds)
        {
            return "lifetime over 10 minutes";
        }

        if (exp <= now)
        {
            return "expired";
        }

        if (exp - now > MaxLifetimeSeconds)
        {
            return "exp more than 10 minutes ahead";
        }

        return iat > now + MaxFutureIssuedAtSeconds ? "iat in the future" : string.Empty;
    }
}
