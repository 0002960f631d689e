using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// Validates inbound OIDC JWTs. Every structural, claim, issuer and time rule runs before any network or crypto work, so
/// a rejected or untrusted token causes no outbound request. The signature is then checked against exactly one key from
/// that issuer's own JWKS with the algorithm pinned by header, discovery and JWK. Audience is left to the trust policy.
/// Thread-safe; register as a singleton.
/// </summary>
public sealed partial class OidcTokenValidator : IIdentityTokenValidator
{
    private readonly OidcValidationOptions options;
    private readonly OidcMetadataCache metadata;
    private readonly TimeProvider time;
    private readonly ILogger<OidcTokenValidator> logger;
    private readonly IssuerAllowList allowList;

    public OidcTokenValidator(OidcValidationOptions options, OidcMetadataCache metadata, TimeProvider time, ILogger<OidcTokenValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        this.options = options;
        this.metadata = metadata;
        this.time = time;
        this.logger = logger;
        allowList = new IssuerAllowList(options);
    }

    public async ValueTask<ValidatedIdentity> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            return await ValidateCoreAsync(token, cancellationToken);
        }
        catch (TokenRejectedException e)
        {
            LogTokenRejected(e.Reason, e.Message);
            throw;
        }
        catch (IdentityProviderUnavailableException e)
        {
            LogIssuerUnavailable(e.Issuer);
            throw;
        }
    }

    private async ValueTask<ValidatedIdentity> ValidateCoreAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw Reject(TokenRejectionReason.Malformed, "The token is empty.");
        }

        // Characters, not bytes: every accepted token is ASCII, and any non-ASCII character only makes the byte count larger.
        if (token.Length > options.MaxTokenBytes)
        {
            throw Reject(TokenRejectionReason.TooLarge, "The token exceeds the size limit.");
        }

        var jws = CompactJws.Parse(token);
        var header = ReadStrict(jws.Header, "header", JoseHeader.Read);
        var claims = ReadStrict(jws.Payload, "payload", TokenClaims.Read);

        if (!allowList.IsTrusted(claims.Issuer, out _))
        {
            throw Reject(TokenRejectionReason.IssuerNotAllowed, "The issuer is not allowed.");
        }

        TokenLifetime.Check(claims, time.GetUtcNow(), options.ClockSkew, options.MaxLifetimeFor(claims.Issuer));

        // First point where I/O can happen, and only for a trusted issuer.
        var issuerMetadata = await metadata.GetAsync(claims.Issuer, cancellationToken);
        var key = issuerMetadata.FindKey(header.KeyId);
        if (key is null && header.KeyId is not null)
        {
            issuerMetadata = await metadata.RefreshForUnknownKeyAsync(issuerMetadata, cancellationToken);
            key = issuerMetadata.FindKey(header.KeyId);
        }

        key = KeySelection.Require(key, header.KeyId, issuerMetadata.Algorithms, header.Algorithm, "its issuer");

        var (tokenHash, signedContentHash) = VerifyAndHash(token, jws, header.Algorithm, key);
        return new ValidatedIdentity
        {
            Issuer = claims.Issuer,
            Subject = claims.Subject,
            Audiences = claims.Audiences,
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt),
            IssuedAt = claims.IssuedAt is { } iat ? DateTimeOffset.FromUnixTimeSeconds(iat) : null,
            NotBefore = claims.NotBefore is { } nbf ? DateTimeOffset.FromUnixTimeSeconds(nbf) : null,
            TokenId = claims.TokenId,
            TokenHash = tokenHash,
            SignedContentHash = signedContentHash,
            Claims = claims.Root,
        };
    }

    /// <summary>
    /// Verifies the signature over the token's ASCII <c>header.payload</c>, and hashes the whole token and the signed
    /// part on the way.
    /// </summary>
    private static (string TokenHash, string SignedContentHash) VerifyAndHash(string token, CompactJws jws, JwsAlgorithm algorithm, SigningKey key)
    {
        var ascii = ArrayPool<byte>.Shared.Rent(token.Length);
        try
        {
            var length = Encoding.ASCII.GetBytes(token, ascii);
            if (!key.Verify(algorithm, ascii.AsSpan(0, jws.SigningInputLength), jws.Signature))
            {
                throw Reject(TokenRejectionReason.BadSignature, "The token's signature does not verify.");
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(ascii.AsSpan(0, length), hash);
            Span<byte> signed = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(ascii.AsSpan(0, jws.SigningInputLength), signed);
            return (Convert.ToHexStringLower(hash), Convert.ToHexStringLower(signed));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ascii);
        }
    }

    private static T ReadStrict<T>(byte[] utf8, string part, ReadDelegate<T> read) => StrictJson.CheckObject(utf8) switch
    {
        StrictJson.Verdict.Valid => read(utf8),
        StrictJson.Verdict.DuplicateMember => throw Reject(TokenRejectionReason.DuplicateMember, $"The token {part} has a duplicate member."),
        _ => throw Reject(TokenRejectionReason.Malformed, $"The token {part} is not a single strict JSON object."),
    };

    private static TokenRejectedException Reject(TokenRejectionReason reason, string message) => new(reason, message);

    private delegate T ReadDelegate<out T>(ReadOnlySpan<byte> utf8);
}
