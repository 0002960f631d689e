using System.Text.Json;
using GithubSts.Operator.Kubernetes;
using k8s;
using k8s.Models;

namespace GithubSts.Operator.Authentication;

/// <summary>The cluster identity port over the operator's own authenticated API client (never via <c>jwks_uri</c>).</summary>
public sealed class KubernetesClusterIdentityApi(KubernetesApiClient client) : IClusterIdentityApi
{
    public Task<JsonDocument> GetOpenIdConfigurationAsync(CancellationToken ct) => client.GetRawJsonAsync("/.well-known/openid-configuration", ct);

    public Task<JsonDocument> GetJsonWebKeySetAsync(CancellationToken ct) => client.GetRawJsonAsync("/openid/v1/jwks", ct);

    public async Task<TokenReviewOutcome> ReviewAsync(string token, IReadOnlyList<string> audiences, CancellationToken ct)
    {
        // KubernetesClient's typed TokenReview model and call, through CallAsync for our deadline, 429 retry and error typing.
        var review = await client.CallAsync(
            "create TokenReview",
            (k, c) => k.AuthenticationV1.CreateTokenReviewAsync(
                new V1TokenReview
                {
                    ApiVersion = "authentication.k8s.io/v1",
                    Kind = "TokenReview",
                    Spec = new V1TokenReviewSpec { Token = token, Audiences = [.. audiences] },
                },
                cancellationToken: c),
            ct);
        var status = review.Status;
        var extra = status?.User?.Extra?.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)(e.Value?.ToArray() ?? []), StringComparer.Ordinal)
            ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        return new TokenReviewOutcome(
            status?.Authenticated ?? false,
            status?.User?.Username,
            status?.User?.Uid,
            status?.Audiences?.ToArray() ?? [],
            extra,
            status?.Error);
    }
}
