using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GithubSts.Testing.Oidc;

/// <summary>A real RSA or EC key pair for the fake issuer, able to sign and to render itself as a JWK.</summary>
public sealed class TestSigningKey : IDisposable
{
    private readonly RSA? rsa;
    private readonly ECDsa? ecdsa;
    private int disposed;

    private TestSigningKey(string keyId, string algorithm, string? publishedAlgorithm, RSA? rsa, ECDsa? ecdsa, string? curve)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        PublishedAlgorithm = publishedAlgorithm;
        this.rsa = rsa;
        this.ecdsa = ecdsa;
        Curve = curve;
    }

    public string KeyId { get; }

    /// <summary>The algorithm tokens signed with this key use by default.</summary>
    public string Algorithm { get; }

    /// <summary>The JWK <c>alg</c> member, or null to publish the key without one.</summary>
    public string? PublishedAlgorithm { get; }

    public string? Curve { get; }

    public bool IsRsa => rsa is not null;

    /// <summary>An RSA key (2048 bits by default; pass 1024 for a weak-key test).</summary>
    public static TestSigningKey CreateRsa(string keyId, int bits = 2048, string algorithm = "RS256", string? publishedAlgorithm = "RS256") =>
        new(keyId, algorithm, publishedAlgorithm, RsaKeyPool.Rent(bits), null, null);

    /// <summary>An EC key on P-256, P-384 or P-521, used with ES256, ES384 or ES512.</summary>
    public static TestSigningKey CreateEc(string keyId, string curve = "P-256", bool publishAlgorithm = true)
    {
        var (named, algorithm) = curve switch
        {
            "P-256" => (ECCurve.NamedCurves.nistP256, "ES256"),
            "P-384" => (ECCurve.NamedCurves.nistP384, "ES384"),
            "P-521" => (ECCurve.NamedCurves.nistP521, "ES512"),
            _ => throw new ArgumentOutOfRangeException(nameof(curve)),
        };
        return new TestSigningKey(keyId, algorithm, publishAlgorithm ? algorithm : null, null, ECDsa.Create(named), curve);
    }

    /// <summary>Signs with an RS*, PS* or ES* algorithm (any of them, whatever the key was published for).</summary>
    public byte[] Sign(string algorithm, ReadOnlySpan<byte> data)
    {
        var hash = algorithm[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            "512" => HashAlgorithmName.SHA512,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
        return algorithm[..2] switch
        {
            "RS" => Rsa.SignData(data.ToArray(), hash, RSASignaturePadding.Pkcs1),
            "PS" => Rsa.SignData(data.ToArray(), hash, RSASignaturePadding.Pss),
            "ES" => Ec.SignData(data.ToArray(), hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
    }

    /// <summary>The public JWK; with <paramref name="includePrivate"/> also the private members (a broken JWKS).</summary>
    public JsonObject ToJwk(bool includePrivate = false)
    {
        var jwk = new JsonObject { ["kid"] = KeyId, ["use"] = "sig" };
        if (PublishedAlgorithm is not null)
        {
            jwk["alg"] = PublishedAlgorithm;
        }

        if (rsa is not null)
        {
            var p = rsa.ExportParameters(includePrivate);
            jwk["kty"] = "RSA";
            jwk["n"] = Base64UrlText.Encode(p.Modulus);
            jwk["e"] = Base64UrlText.Encode(p.Exponent);
            if (includePrivate)
            {
                jwk["d"] = Base64UrlText.Encode(p.D);
                jwk["p"] = Base64UrlText.Encode(p.P);
                jwk["q"] = Base64UrlText.Encode(p.Q);
                jwk["dp"] = Base64UrlText.Encode(p.DP);
                jwk["dq"] = Base64UrlText.Encode(p.DQ);
                jwk["qi"] = Base64UrlText.Encode(p.InverseQ);
            }
        }
        else
        {
            var p = Ec.ExportParameters(includePrivate);
            jwk["kty"] = "EC";
            jwk["crv"] = Curve;
            jwk["x"] = Base64UrlText.Encode(p.Q.X);
            jwk["y"] = Base64UrlText.Encode(p.Q.Y);
            if (includePrivate)
            {
                jwk["d"] = Base64UrlText.Encode(p.D);
            }
        }

        return jwk;
    }

    /// <summary>SubjectPublicKeyInfo PEM text as bytes: the classic HS256 key-confusion secret.</summary>
    public byte[] PublicKeyPem => Encoding.ASCII.GetBytes(IsRsa ? Rsa.ExportSubjectPublicKeyInfoPem() : Ec.ExportSubjectPublicKeyInfoPem());

    /// <summary>PKCS#1 "RSA PUBLIC KEY" PEM text as bytes.</summary>
    public byte[] RsaPublicKeyPkcs1Pem => Encoding.ASCII.GetBytes(Rsa.ExportRSAPublicKeyPem());

    /// <summary>SubjectPublicKeyInfo DER bytes (python-jose CVE-2024-33663 confusion secret).</summary>
    public byte[] PublicKeyDer => IsRsa ? Rsa.ExportSubjectPublicKeyInfo() : Ec.ExportSubjectPublicKeyInfo();

    /// <summary>The published JWK's JSON text as bytes.</summary>
    public byte[] PublicJwkJson => Encoding.UTF8.GetBytes(ToJwk().ToJsonString());

    /// <summary>The raw RSA modulus bytes.</summary>
    public byte[] Modulus => Rsa.ExportParameters(false).Modulus!;

    private RSA Rsa => rsa ?? throw new InvalidOperationException("Not an RSA key.");

    private ECDsa Ec => ecdsa ?? throw new InvalidOperationException("Not an EC key.");

    /// <summary>Releases the key; RSA material may be reused by a later key, so do not sign with this one afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (rsa is not null)
        {
            RsaKeyPool.Return(rsa);
        }

        ecdsa?.Dispose();
    }
}
