using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GithubSts.Exchange.Identity;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Authentication;

/// <summary>
/// Validates projected service-account tokens of the local cluster (kubernetes-and-design.md §3.4): the generic
/// validator's structural rules, then Kubernetes claim, audience and time rules, then the signature against the
/// cluster's JWKS (fetched through the API server), and finally a TokenReview as the authority on revocation, with a
/// short positive cache. Everything local runs before any API server call. Thread-safe; register as a singleton.
/// </summary>
public sealed class KubernetesTokenValidator
{
    /// <summary>The <c>iss</c> of legacy Secret-based service-account tokens (no <c>exp</c>, no audience): always refused.</summary>
    internal const string LegacyIssuer = "kubernetes/serviceaccount";

    internal const string PodUidExtra = "authentication.kubernetes.io/pod-uid";
    internal const string PodNameExtra = "authentication.kubernetes.io/pod-name";

    private const int LoggedHashLength = 12;
    private const int MaxLoggedApiText = 512;
    private const string UnknownIssuer = "kubernetes";

    private readonly IClusterIdentityApi api;
    private readonly KubernetesTokenOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<KubernetesTokenValidator> logger;
    private readonly ClusterIssuerSource source;
    private readonly TokenReviewCache reviewCache;
    private readonly string[] reviewAudiences;

    public KubernetesTokenValidator(IClusterIdentityApi api, KubernetesTokenOptions options, TimeProvider time, ILogger<KubernetesTokenValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        this.api = api;
        this.options = options;
        this.time = time;
        this.logger = logger;
        source = new ClusterIssuerSource(api, options, time, logger);
        reviewCache = new TokenReviewCache(options.ReviewCacheCapacity);
        reviewAudiences = [options.Audience];
    }

    /// <summary>The cluster's service-account issuer (discovery <c>issuer</c>), or null until it has been discovered.</summary>
    public string? ClusterIssuer => source.Current?.Issuer;

    internal int MaxTokenBytes => options.MaxTokenBytes;

    internal int CachedReviewCount => reviewCache.Count;

    /// <summary>
    /// Discovers the cluster issuer and keys. When the API server cannot be reached the failure is logged and this
    /// returns normally: discovery is retried on demand (at most once per minimum refresh interval).
    /// </summary>
    public async Task InitializeAsync(CancellationToken ct) => _ = await source.RefreshNowAsync(ct);

    /// <summary>The start-up error when the cluster's issuer is also pinned (<c>sts.issuers</c>); null otherwise.</summary>
    internal string? IssuerConflict => source.Conflict;

    /// <summary>The issuer to route by, without waiting; starts a background (re)discovery when missing or stale.</summary>
    internal string? PeekIssuerForRouting() => source.Peek()?.Issuer;

    /// <summary>The issuer, discovering it first when unknown (single-flight, rate-limited); null when unavailable.</summary>
    internal async ValueTask<string?> DiscoverIssuerAsync(CancellationToken ct) => (await source.GetAsync(ct))?.Issuer;

    /// <summary>Test hook: completes when a running discovery or key refresh has finished.</summary>
    internal Task WaitForPendingRefreshAsync() => source.WaitForPendingFetchAsync();

    /// <exception cref="TokenRejectedException">The token is not an acceptable service-account token of this cluster for this service.</exception>
    /// <exception cref="IdentityProviderUnavailableException">The API server could not be consulted (retryable; never "invalid token").</exception>
    public async ValueTask<ValidatedIdentity> ValidateAsync(string token, CancellationToken ct)
    {
        // Only well-formed candidates are hashed: a token that fails the size or ASCII rule is refused before it matters.
        var tokenHash = !string.IsNullOrEmpty(token) && token.Length <= options.MaxTokenBytes && Ascii.IsValid(token) ? HashAscii(token) : null;
        var logHash = tokenHash is null ? "-" : tokenHash[..LoggedHashLength];
        try
        {
            return await ValidateCoreAsync(token, tokenHash, logHash, ct);
        }
        catch (TokenRejectedException e)
        {
            KubernetesAuthenticationLog.TokenRejected(logger, logHash, e.Reason, e.Message);
            throw;
        }
        catch (IdentityProviderUnavailableException e)
        {
            KubernetesAuthenticationLog.ClusterUnavailable(logger, logHash, e.Message);
            throw;
        }
    }

    private async ValueTask<ValidatedIdentity> ValidateCoreAsync(string token, string? tokenHash, string logHash, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw Reject(TokenRejectionReason.Malformed, "The token is empty.");
        }

        if (token.Length > options.MaxTokenBytes)
        {
            throw Reject(TokenRejectionReason.TooLarge, "The token exceeds the size limit.");
        }

        // Three canonical base64url segments (so the token is ASCII and tokenHash is set), strict duplicate-free JSON,
        // no crit/cty/jku/jwk/x5u/x5c/zip/b64, typ absent or JWT, and only the algorithms the API server signs with.
        var jws = CompactJws.Parse(token);
        var header = ReadStrict(jws.Header, "header", JoseHeader.Read);
        if ((header.Algorithm & ClusterIssuerMetadata.AcceptedAlgorithms) == 0)
        {
            throw Reject(TokenRejectionReason.UnsupportedAlgorithm, "The alg header is not RS256 or ES256.");
        }

        var payload = ReadStrict(jws.Payload, "payload", ReadPayload);
        RejectLegacyShape(payload);
        var claims = TokenClaims.Read(jws.Payload);
        if (claims.IssuedAt is null)
        {
            throw Reject(TokenRejectionReason.InvalidClaim, "The iat claim is missing.");
        }

        // The API server's own audience (the default token) or any other audience alone is not for this service.
        if (!claims.Audiences.Contains(options.Audience, StringComparer.Ordinal))
        {
            throw Reject(TokenRejectionReason.AudienceMismatch, "The token's aud does not include this service's audience.");
        }

        TokenLifetime.Check(claims, time.GetUtcNow(), options.ClockSkew, options.MaxTokenLifetime);

        var serviceAccount = ServiceAccountClaims.Read(claims.Root);
        if (!string.Equals(claims.Subject, serviceAccount.ExpectedSubject, StringComparison.Ordinal))
        {
            throw Reject(TokenRejectionReason.InvalidClaim, "The sub claim is not system:serviceaccount:<kubernetes.io.namespace>:<kubernetes.io.serviceaccount.name>.");
        }

        if (options.RequirePodBinding && !serviceAccount.IsPodBound)
        {
            throw Reject(TokenRejectionReason.InvalidClaim, "The token is not bound to a pod (kubernetes.io.pod is missing) and pod binding is required.");
        }

        // First point where I/O can happen: normally the cached metadata, a fetch only when none was ever obtained.
        var metadata = await source.GetAsync(ct)
            ?? throw Unavailable("The cluster's service-account issuer could not be discovered through the API server.");
        if (!string.Equals(claims.Issuer, metadata.Issuer, StringComparison.Ordinal))
        {
            throw Reject(TokenRejectionReason.IssuerNotAllowed, "The iss claim is not the cluster's service-account issuer.");
        }

        var key = metadata.FindKey(header.KeyId);
        if (key is null && header.KeyId is not null)
        {
            metadata = await source.RefreshForUnknownKeyAsync(metadata, ct)
                ?? throw Unavailable("The cluster's keys could not be refreshed for an unknown kid.");
            if (!string.Equals(claims.Issuer, metadata.Issuer, StringComparison.Ordinal))
            {
                throw Reject(TokenRejectionReason.IssuerNotAllowed, "The iss claim is not the cluster's service-account issuer.");
            }

            key = metadata.FindKey(header.KeyId);
        }

        key = KeySelection.Require(key, header.KeyId, metadata.Algorithms, header.Algorithm, "the cluster");
        var signedContentHash = Verify(token, jws, header.Algorithm, key);

        // CompactJws accepted the token, so it is ASCII and was hashed.
        var hash = tokenHash ?? throw new InvalidOperationException("A parsed token is always hashed.");
        var review = "disabled";
        if (options.TokenReviewEnabled)
        {
            review = await ReviewAsync(token, hash, logHash, claims, serviceAccount, metadata.Issuer, ct);
        }

        KubernetesAuthenticationLog.TokenAccepted(logger, logHash, claims.Subject, review);
        return new ValidatedIdentity
        {
            Issuer = claims.Issuer,
            Subject = claims.Subject,
            Audiences = claims.Audiences,
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt),
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt.Value),
            NotBefore = claims.NotBefore is { } nbf ? DateTimeOffset.FromUnixTimeSeconds(nbf) : null,
            TokenId = claims.TokenId,
            TokenHash = hash,
            SignedContentHash = signedContentHash,
            Claims = claims.Root,
        };
    }

    /// <summary>
    /// The authoritative check: the API server confirms the token and that its service account (and pod) still exist with
    /// the same UIDs. Successful reviews are reused for <c>min(ReviewCacheTtl, exp - now)</c>; failures are not cached.
    /// </summary>
    private async ValueTask<string> ReviewAsync(
        string token, string tokenHash, string logHash, TokenClaims claims, ServiceAccountClaims serviceAccount, string issuer, CancellationToken ct)
    {
        var startedAt = time.GetUtcNow();
        if (reviewCache.Contains(tokenHash, startedAt))
        {
            return "cached";
        }

        TokenReviewOutcome outcome;
        try
        {
            using var timeout = new CancellationTokenSource(options.ApiTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            outcome = await api.ReviewAsync(token, reviewAudiences, linked.Token)
                ?? throw new InvalidOperationException("The TokenReview client returned no outcome.");
        }
#pragma warning disable CA1031 // Every failure to get an answer is "unavailable" (503), never "invalid token".
        catch (Exception e) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // The inner exception is not attached and its text is redacted: a client error message could echo the request.
            if (logger.IsEnabled(LogLevel.Warning))
            {
                var failure = Redact(e.Message, token);
                KubernetesAuthenticationLog.TokenReviewFailed(logger, logHash, e.GetType().Name, failure);
            }

            throw new IdentityProviderUnavailableException(issuer, "The API server's TokenReview could not be completed.");
        }

        var refusal = CheckReview(outcome, claims, serviceAccount);
        if (refusal is { } rejected)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var apiError = Redact(outcome.Error, token);
                KubernetesAuthenticationLog.TokenReviewRefused(logger, logHash, rejected.Message, apiError);
            }

            throw rejected;
        }

        var validUntil = startedAt + options.ReviewCacheTtl;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt);
        if (expiresAt < validUntil)
        {
            validUntil = expiresAt;
        }

        if (validUntil > startedAt)
        {
            reviewCache.Add(tokenHash, validUntil);
        }

        return "passed";
    }

    private TokenRejectedException? CheckReview(TokenReviewOutcome outcome, TokenClaims claims, ServiceAccountClaims serviceAccount)
    {
        if (!outcome.Authenticated)
        {
            return Reject(TokenRejectionReason.InvalidClaim,
                "The API server's TokenReview did not authenticate the token (revoked, or its service account or pod no longer exists).");
        }

        // An authenticator that is not audience-aware may say "authenticated" for another audience: fail closed.
        if (outcome.Audiences is null || !outcome.Audiences.Contains(options.Audience, StringComparer.Ordinal))
        {
            return Reject(TokenRejectionReason.AudienceMismatch, "The TokenReview's audiences do not include this service's audience.");
        }

        if (!string.Equals(outcome.Username, claims.Subject, StringComparison.Ordinal))
        {
            return Reject(TokenRejectionReason.InvalidClaim, "The TokenReview's username differs from the token's sub.");
        }

        if (!string.Equals(outcome.Uid, serviceAccount.ServiceAccountUid, StringComparison.Ordinal))
        {
            return Reject(TokenRejectionReason.InvalidClaim, "The TokenReview's uid differs from kubernetes.io.serviceaccount.uid (service account recreated?).");
        }

        // Older API servers do not return the pod extras; when they do, they must name the token's pod.
        if (outcome.Extra is { } extra)
        {
            if (extra.TryGetValue(PodUidExtra, out var podUids) && !IsSingle(podUids, serviceAccount.PodUid))
            {
                return Reject(TokenRejectionReason.InvalidClaim, "The TokenReview's pod-uid differs from kubernetes.io.pod.uid.");
            }

            if (extra.TryGetValue(PodNameExtra, out var podNames) && !IsSingle(podNames, serviceAccount.PodName))
            {
                return Reject(TokenRejectionReason.InvalidClaim, "The TokenReview's pod-name differs from kubernetes.io.pod.name.");
            }
        }

        return null;
    }

    private static bool IsSingle(IReadOnlyList<string>? values, string? expected) =>
        expected is not null && values is { Count: 1 } && string.Equals(values[0], expected, StringComparison.Ordinal);

    /// <summary>
    /// Legacy Secret-based tokens (<c>iss: kubernetes/serviceaccount</c>, no <c>exp</c>, flat <c>kubernetes.io/…</c> claims)
    /// are refused with an explicit reason before the generic claim reader sees them.
    /// </summary>
    private static void RejectLegacyShape(JsonElement payload)
    {
        if (payload.TryGetProperty("iss", out var iss) && iss.ValueKind == JsonValueKind.String && iss.ValueEquals(LegacyIssuer))
        {
            throw Reject(TokenRejectionReason.IssuerNotAllowed, "The token is a legacy Secret-based service-account token (iss kubernetes/serviceaccount).");
        }

        if (!payload.TryGetProperty("exp", out _))
        {
            throw Reject(TokenRejectionReason.InvalidClaim, "The exp claim is missing (legacy Secret-based tokens never expire).");
        }

        if (!payload.TryGetProperty(ServiceAccountClaims.ClaimName, out _))
        {
            throw Reject(TokenRejectionReason.InvalidClaim, "The token has no kubernetes.io claim (legacy or not a service-account token).");
        }
    }

    private static JsonElement ReadPayload(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, StrictJson.ReaderOptions);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Verifies the signature and returns the hex SHA-256 of the signed <c>header.payload</c> (the replay key's input).</summary>
    private static string Verify(string token, CompactJws jws, JwsAlgorithm algorithm, SigningKey key)
    {
        var ascii = ArrayPool<byte>.Shared.Rent(jws.SigningInputLength);
        try
        {
            var length = Encoding.ASCII.GetBytes(token.AsSpan(0, jws.SigningInputLength), ascii);
            if (!key.Verify(algorithm, ascii.AsSpan(0, length), jws.Signature))
            {
                throw Reject(TokenRejectionReason.BadSignature, "The token's signature does not verify.");
            }

            Span<byte> signed = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(ascii.AsSpan(0, length), signed);
            return Convert.ToHexStringLower(signed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ascii);
        }
    }

    /// <summary>Hex SHA-256 of the token's ASCII bytes: the same value the OIDC validator reports as <c>TokenHash</c>.</summary>
    private static string HashAscii(string token)
    {
        var ascii = ArrayPool<byte>.Shared.Rent(token.Length);
        try
        {
            var length = Encoding.ASCII.GetBytes(token, ascii);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(ascii.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ascii);
        }
    }

    /// <summary>API-server or client text for the log: the token's signature (what makes it a credential) removed, bounded, one line.</summary>
    private static string Redact(string? text, string token)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "-";
        }

        var signature = token[(token.LastIndexOf('.') + 1)..];
        if (signature.Length >= 16)
        {
            text = text.Replace(signature, "[redacted]", StringComparison.Ordinal);
        }

        if (text.Length > MaxLoggedApiText)
        {
            text = text[..MaxLoggedApiText] + "…";
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }

    private static T ReadStrict<T>(byte[] utf8, string part, ReadDelegate<T> read) => StrictJson.CheckObject(utf8) switch
    {
        StrictJson.Verdict.Valid => read(utf8),
        StrictJson.Verdict.DuplicateMember => throw Reject(TokenRejectionReason.DuplicateMember, $"The token {part} has a duplicate member."),
        _ => throw Reject(TokenRejectionReason.Malformed, $"The token {part} is not a single strict JSON object."),
    };

    private IdentityProviderUnavailableException Unavailable(string message) => new(ClusterIssuer ?? UnknownIssuer, message);

    private static TokenRejectedException Reject(TokenRejectionReason reason, string message) => new(reason, message);

    private delegate T ReadDelegate<out T>(ReadOnlySpan<byte> utf8);
}
