using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// Reads a JWKS and keeps only keys that are safe to verify with: RSA ≥ 2048 bits or EC P-256/384/521, public only,
/// for signatures. Anything else (<c>oct</c>, OKP, private parts, <c>use: enc</c>, weak or malformed keys) is skipped.
/// </summary>
internal static class JsonWebKeySetReader
{
    public const int MinRsaModulusBits = 2048;
    public const int MaxRsaModulusBits = 8192;
    public const int MaxKeys = 100;

    // Members that only private or symmetric keys carry (RFC 7518 §6.2.2, §6.3.2, §6.4).
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>Returns the usable keys, or throws when the document is not a JWKS or holds no usable key.</summary>
    public static IReadOnlyList<SigningKey> Read(ReadOnlyMemory<byte> utf8)
    {
        using var document = MetadataJson.Parse(utf8, "JWKS");
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("keys", out var keys)
            || keys.ValueKind != JsonValueKind.Array)
        {
            throw new MetadataFetchException(false, "The JWKS has no keys array.");
        }

        var usable = new List<SigningKey>();
        foreach (var jwk in keys.EnumerateArray())
        {
            if (usable.Count == MaxKeys)
            {
                break;
            }

            if (TryRead(jwk) is { } key)
            {
                usable.Add(key);
            }
        }

        return usable.Count > 0 ? usable : throw new MetadataFetchException(false, "The JWKS holds no usable signing key.");
    }

    /// <summary>
    /// A configured (pinned) JWKS: the operator wrote it, so every key must be usable and nothing is skipped silently.
    /// A private or symmetric key part means a secret was pasted into configuration: refused, naming the member.
    /// </summary>
    /// <exception cref="MetadataFetchException">The document is not a JWKS or a key is not a usable public signing key.</exception>
    public static IReadOnlyList<SigningKey> ReadPinned(ReadOnlyMemory<byte> utf8)
    {
        using var document = MetadataJson.Parse(utf8, "JWKS");
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("keys", out var keys)
            || keys.ValueKind != JsonValueKind.Array)
        {
            throw new MetadataFetchException(false, "The JWKS has no keys array.");
        }

        if (keys.GetArrayLength() is 0 or > MaxKeys)
        {
            throw new MetadataFetchException(false, $"The JWKS must hold 1-{MaxKeys} keys.");
        }

        var usable = new List<SigningKey>();
        var index = 0;
        foreach (var jwk in keys.EnumerateArray())
        {
            if (jwk.ValueKind == JsonValueKind.Object
                && PrivateMembers.FirstOrDefault(m => jwk.TryGetProperty(m, out _)) is { } secret)
            {
                throw new MetadataFetchException(false, $"Key {index} holds the private or symmetric member '{secret}'; publish public keys only.");
            }

            usable.Add(TryRead(jwk) ?? throw new MetadataFetchException(
                false, $"Key {index} is not a usable public signing key (RSA of 2048-8192 bits or EC P-256/384/521, use sig)."));
            index++;
        }

        return usable;
    }

    private static SigningKey? TryRead(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var member in PrivateMembers)
        {
            if (jwk.TryGetProperty(member, out _))
            {
                return null;
            }
        }

        if (OptionalString(jwk, "use", out var use) is false || (use is not null && use != "sig"))
        {
            return null;
        }

        if (jwk.TryGetProperty("key_ops", out var ops) && !AllowsVerify(ops))
        {
            return null;
        }

        if (OptionalString(jwk, "kid", out var kid) is false || (kid is not null && !JoseHeader.IsAcceptableKeyId(kid)))
        {
            return null;
        }

        if (OptionalString(jwk, "alg", out var algName) is false)
        {
            return null;
        }

        var pinned = JwsAlgorithm.None;
        if (algName is not null)
        {
            pinned = JwsAlgorithms.Parse(algName);
            if (pinned == JwsAlgorithm.None)
            {
                return null; // The key is pinned to an algorithm we refuse, so it can never verify anything.
            }
        }

        try
        {
            return OptionalString(jwk, "kty", out var kty) is true && kty is not null
                ? kty switch
                {
                    "RSA" => ReadRsa(jwk, kid, pinned),
                    "EC" => ReadEc(jwk, kid, pinned),
                    _ => null,
                }
                : null;
        }
        catch (CryptographicException)
        {
            return null; // Not a valid key (for example an EC point off the curve).
        }
    }

    private static SigningKey? ReadRsa(JsonElement jwk, string? kid, JwsAlgorithm pinned)
    {
        if (pinned != JwsAlgorithm.None && !JwsAlgorithms.IsRsa(pinned))
        {
            return null;
        }

        var modulus = DecodeMember(jwk, "n");
        var exponent = DecodeMember(jwk, "e");
        if (modulus is null || exponent is null || exponent.Length is 0 or > 8 || modulus[0] == 0 || exponent[0] == 0)
        {
            return null;
        }

        var bits = modulus.Length * 8 - byte.LeadingZeroCount(modulus[0]);
        if (bits is < MinRsaModulusBits or > MaxRsaModulusBits)
        {
            return null;
        }

        return SigningKey.FromRsa(kid, pinned, new RSAParameters { Modulus = modulus, Exponent = exponent });
    }

    private static SigningKey? ReadEc(JsonElement jwk, string? kid, JwsAlgorithm pinned)
    {
        if (OptionalString(jwk, "crv", out var crv) is not true || crv is null)
        {
            return null;
        }

        (ECCurve curve, int size) = crv switch
        {
            "P-256" => (ECCurve.NamedCurves.nistP256, 32),
            "P-384" => (ECCurve.NamedCurves.nistP384, 48),
            "P-521" => (ECCurve.NamedCurves.nistP521, 66),
            _ => (default(ECCurve), 0),
        };
        if (size == 0 || (pinned != JwsAlgorithm.None && !string.Equals(JwsAlgorithms.Curve(pinned), crv, StringComparison.Ordinal)))
        {
            return null;
        }

        var x = DecodeMember(jwk, "x");
        var y = DecodeMember(jwk, "y");
        if (x is null || y is null || x.Length != size || y.Length != size)
        {
            return null;
        }

        return SigningKey.FromEc(kid, pinned, crv, new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } });
    }

    private static bool AllowsVerify(JsonElement ops)
    {
        if (ops.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var op in ops.EnumerateArray())
        {
            if (op.ValueKind == JsonValueKind.String && op.ValueEquals("verify"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Absent → true with null; a string → true with the value; any other JSON type → false.</summary>
    private static bool? OptionalString(JsonElement obj, string name, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }

    private static byte[]? DecodeMember(JsonElement jwk, string name)
    {
        if (!jwk.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = element.GetString()!;
        return Base64UrlStrict.IsValid(text) ? Base64Url.DecodeFromChars(text) : null;
    }
}
