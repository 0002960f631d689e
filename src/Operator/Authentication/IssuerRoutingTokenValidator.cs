using System.Collections.Frozen;
using System.Text.Json;
using GithubSts.Exchange.Identity;

namespace GithubSts.Operator.Authentication;

/// <summary>
/// Sends tokens of the local cluster's service-account issuer to <see cref="KubernetesTokenValidator"/> and every other
/// token to the generic OIDC validator. Routing reads the token's <c>iss</c> without verifying anything; the chosen
/// validator then applies all of its own rules, so a forged <c>iss</c> only selects which rules reject it.
/// </summary>
/// <remarks>
/// Before the cluster issuer has ever been discovered, a token carrying a <c>kubernetes.io</c> claim cannot be routed
/// safely: it waits for one (single-flight, rate-limited) discovery attempt and, if the API server is still unavailable,
/// fails with <see cref="IdentityProviderUnavailableException"/> rather than falling through to the generic validator.
/// Tokens without that claim (GitHub Actions, cloud IdPs) never wait on the API server.
/// </remarks>
public sealed class IssuerRoutingTokenValidator : IIdentityTokenValidator
{
    private readonly KubernetesTokenValidator kubernetes;
    private readonly IIdentityTokenValidator generic;
    private readonly FrozenSet<string> pinned;

    /// <param name="pinnedIssuers">
    /// Issuers with configured keys (<c>sts.issuers</c>, e.g. another cluster's): their tokens carry a <c>kubernetes.io</c>
    /// claim too, but go to the generic validator at once, never waiting on this cluster's API server.
    /// </param>
    public IssuerRoutingTokenValidator(KubernetesTokenValidator kubernetes, IIdentityTokenValidator generic, IEnumerable<string>? pinnedIssuers = null)
    {
        ArgumentNullException.ThrowIfNull(kubernetes);
        ArgumentNullException.ThrowIfNull(generic);
        this.kubernetes = kubernetes;
        this.generic = generic;
        pinned = (pinnedIssuers ?? []).ToFrozenSet(StringComparer.Ordinal);
    }

    public ValueTask<ValidatedIdentity> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!TryPeek(token, kubernetes.MaxTokenBytes, out var issuer, out var hasKubernetesClaim))
        {
            return generic.ValidateAsync(token, cancellationToken); // It refuses the malformed token with the precise reason.
        }

        if (string.Equals(issuer, KubernetesTokenValidator.LegacyIssuer, StringComparison.Ordinal))
        {
            return kubernetes.ValidateAsync(token, cancellationToken); // Refused there with an explicit "legacy token" reason.
        }

        if (pinned.Contains(issuer))
        {
            return generic.ValidateAsync(token, cancellationToken); // The cluster's issuer is never pinned (a start-up error).
        }

        if (kubernetes.PeekIssuerForRouting() is { } clusterIssuer)
        {
            return Route(token, issuer, clusterIssuer, cancellationToken);
        }

        return hasKubernetesClaim ? RouteAfterDiscoveryAsync(token, issuer, cancellationToken) : generic.ValidateAsync(token, cancellationToken);
    }

    private async ValueTask<ValidatedIdentity> RouteAfterDiscoveryAsync(string token, string issuer, CancellationToken cancellationToken)
    {
        var clusterIssuer = await kubernetes.DiscoverIssuerAsync(cancellationToken)
            ?? throw new IdentityProviderUnavailableException(issuer,
                "The cluster's service-account issuer is not known yet, so a Kubernetes token cannot be routed.");
        return await Route(token, issuer, clusterIssuer, cancellationToken);
    }

    private ValueTask<ValidatedIdentity> Route(string token, string issuer, string clusterIssuer, CancellationToken cancellationToken) =>
        string.Equals(issuer, clusterIssuer, StringComparison.Ordinal)
            ? kubernetes.ValidateAsync(token, cancellationToken)
            : generic.ValidateAsync(token, cancellationToken);

    /// <summary>
    /// Reads the unverified <c>iss</c> (a string) and whether a <c>kubernetes.io</c> object claim is present, using the same
    /// strict parser as validation; false for anything malformed, oversized or without a string <c>iss</c>.
    /// </summary>
    internal static bool TryPeek(string? token, int maxLength, out string issuer, out bool hasKubernetesClaim)
    {
        issuer = string.Empty;
        hasKubernetesClaim = false;
        if (string.IsNullOrEmpty(token) || token.Length > maxLength)
        {
            return false;
        }

        CompactJws jws;
        try
        {
            jws = CompactJws.Parse(token);
        }
        catch (TokenRejectedException)
        {
            return false;
        }

        if (StrictJson.CheckObject(jws.Payload) != StrictJson.Verdict.Valid)
        {
            return false;
        }

        var reader = new Utf8JsonReader(jws.Payload, StrictJson.ReaderOptions);
        using var payload = JsonDocument.ParseValue(ref reader);
        var root = payload.RootElement;
        if (!root.TryGetProperty("iss", out var iss) || iss.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        issuer = iss.GetString()!;
        hasKubernetesClaim = root.TryGetProperty(ServiceAccountClaims.ClaimName, out var claim) && claim.ValueKind == JsonValueKind.Object;
        return true;
    }
}
