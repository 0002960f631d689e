using System.Security.Cryptography;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// One usable public key from an issuer's JWKS, imported once when the JWKS is fetched so the hot path only verifies.
/// RSA and ECDsa instances are only used for verification, which keeps no per-call state.
/// </summary>
internal sealed class SigningKey
{
    private readonly RSA? rsa;
    private readonly ECDsa? ecdsa;

    private SigningKey(string? keyId, JwsAlgorithm pinned, RSA? rsa, ECDsa? ecdsa, string? curve, int size)
    {
        KeyId = keyId;
        PinnedAlgorithm = pinned;
        this.rsa = rsa;
        this.ecdsa = ecdsa;
        Curve = curve;
        SignatureSize = size;
    }

    public string? KeyId { get; }

    /// <summary>The JWK's <c>alg</c>, or <see cref="JwsAlgorithm.None"/> when the JWK does not name one.</summary>
    public JwsAlgorithm PinnedAlgorithm { get; }

    /// <summary>The JWK <c>crv</c> for EC keys, null for RSA keys.</summary>
    public string? Curve { get; }

    /// <summary>The exact signature length in bytes: the modulus length for RSA, r‖s for ECDSA.</summary>
    public int SignatureSize { get; }

    public static SigningKey FromRsa(string? keyId, JwsAlgorithm pinned, RSAParameters parameters)
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(parameters);
        return new SigningKey(keyId, pinned, rsa, null, null, parameters.Modulus!.Length);
    }

    public static SigningKey FromEc(string? keyId, JwsAlgorithm pinned, string curve, ECParameters parameters)
    {
        // Importing validates that the point lies on the curve.
        var ecdsa = ECDsa.Create(parameters);
        return new SigningKey(keyId, pinned, null, ecdsa, curve, parameters.Q.X!.Length * 2);
    }

    /// <summary>True when the algorithm can be used with this key (family, curve and any pinned JWK <c>alg</c>).</summary>
    public bool Permits(JwsAlgorithm alg)
    {
        if (PinnedAlgorithm != JwsAlgorithm.None && PinnedAlgorithm != alg)
        {
            return false;
        }

        return rsa is not null ? JwsAlgorithms.IsRsa(alg) : string.Equals(JwsAlgorithms.Curve(alg), Curve, StringComparison.Ordinal);
    }

    public bool Verify(JwsAlgorithm alg, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        var hash = JwsAlgorithms.Hash(alg);
        if (rsa is not null)
        {
            var padding = JwsAlgorithms.IsPss(alg) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
            return rsa.VerifyData(signingInput, signature, hash, padding);
        }

        // JWS ECDSA signatures are the fixed-size r‖s concatenation (IEEE P1363), .NET's default format.
        // The platform rejects r or s outside [1, n-1], so the all-zero "psychic" signature fails.
        return ecdsa!.VerifyData(signingInput, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
