using System.Security.Cryptography;

namespace GithubSts.Testing.Oidc;

/// <summary>How <see cref="JwtForge"/> produces the signature segment, including deliberately hostile choices.</summary>
public sealed class SigningChoice
{
    private readonly Func<byte[], byte[]> sign;

    private SigningChoice(Func<byte[], byte[]> sign) => this.sign = sign;

    /// <summary>A real signature with <paramref name="key"/> and <paramref name="algorithm"/> (RS*, PS*, ES*).</summary>
    public static SigningChoice With(TestSigningKey key, string algorithm) => new(input => key.Sign(algorithm, input));

    /// <summary>With the key's own default algorithm.</summary>
    public static SigningChoice With(TestSigningKey key) => With(key, key.Algorithm);

    /// <summary>An HMAC keyed with <paramref name="secret"/>, e.g. the issuer's public key bytes (alg confusion).</summary>
    public static SigningChoice Hmac(byte[] secret, string algorithm = "HS256") => new(input => algorithm switch
    {
        "HS256" => HMACSHA256.HashData(secret, input),
        "HS384" => HMACSHA384.HashData(secret, input),
        "HS512" => HMACSHA512.HashData(secret, input),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    });

    /// <summary>An empty signature segment, as in <c>alg: none</c> tokens (<c>x.y.</c>).</summary>
    public static SigningChoice EmptySignature { get; } = new(_ => []);

    /// <summary>These exact signature bytes (e.g. 64 zero bytes: the ES256 r=s=0 "psychic signature").</summary>
    public static SigningChoice Raw(byte[] signature) => new(_ => signature);

    public byte[] Sign(byte[] signingInput) => sign(signingInput);
}
