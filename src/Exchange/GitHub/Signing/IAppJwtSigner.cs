namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>
/// Produces the RS256 signature of an App JWT. The key may live in this process (a PEM key) or elsewhere (a KMS):
/// callers cache the signed JWT, so a remote signer is asked about once per App-JWT lifetime, never per exchange.
/// </summary>
public interface IAppJwtSigner
{
    /// <summary>A fixed, loggable description (<c>private-key</c>, <c>aws-kms</c>): never key material or a credential.</summary>
    string Kind { get; }

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 over <paramref name="signingInput"/> (the JWT's <c>header.payload</c>).</summary>
    /// <exception cref="AppSignerException">The signer could not be used or refused; nothing may be minted.</exception>
    ValueTask<byte[]> SignAsync(byte[] signingInput, CancellationToken ct);

    /// <summary>Confirms the signer can be used (a remote key exists, is RSA-2048+ and may sign) before it is needed.</summary>
    /// <exception cref="AppSignerException">It cannot.</exception>
    ValueTask VerifyAsync(CancellationToken ct);
}
