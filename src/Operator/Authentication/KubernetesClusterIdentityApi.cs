using System.Text.Json;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Authentication;

/// <summary>The cluster identity port over the operator's own authenticated API client (never via <c>jwks_uri</c>).</summary>
public sealed class KubernetesClusterIdentityApi(KubernetesApiClient client) : IClusterIdentityApi
{
    public Task<JsonDocument> GetOpenIdConfigurationAsync(CancellationToken ct) => client.GetRawJsonAsync("/.well-known/openid-configuration", ct);

    public Task<JsonDocument> GetJsonWebKeySetAsync(CancellationToken ct) => client.GetRawJsonAsync("/openid/v1/jwks", ct);

    public async Task<TokenReviewOutcome> ReviewAsync(string token, IReadOnlyList<string> audiences, CancellationToken ct)
    {
        var review = await client.CreateAsync(
            ResourceTypes.TokenReviews,
            null,
            new TokenReview
            {
                ApiVersion = ResourceTypes.TokenReviews.ApiVersion,
                Kind = ResourceTypes.TokenReviews.Kind,
                Spec = new TokenReviewSpec { Token = token, Audiences = [.. audiences] },
            },
            ct);
        var status = review.Status;
        var extra = status?.User?.Extra?.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)[.. e.Value], StringComparer.Ordinal)
            ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        return new TokenReviewOutcome(
            status?.Authenticated ?? false,
            status?.User?.Username,
            status?.User?.Uid,
            [.. status?.Audiences ?? []],
            extra,
            status?.Error);
    }
}
