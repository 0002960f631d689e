using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Operator.Authentication;
using GithubSts.Testing;
using GithubSts.Testing.Oidc;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>A fake API server with one RSA key, a manual clock, and a factory for projected service-account tokens.</summary>
public abstract class KubernetesTokenTestBase : IDisposable
{
    internal const string Audience = "https://sts.example.com";
    internal const string ApiServerAudience = "https://kubernetes.default.svc.cluster.local";
    internal const string Namespace = "team-a";
    internal const string ServiceAccountName = "builder";
    internal const string ServiceAccountUid = "5a2f6c1e-8d1b-4c53-9a0e-3f1f0d7c2b11";
    internal const string PodName = "builder-7d9f8-x2k4q";
    internal const string PodUid = "0c9b7a8e-1f2d-4e3c-b5a6-7d8e9f0a1b2c";
    internal const string Subject = "system:serviceaccount:team-a:builder";

    protected KubernetesTokenTestBase()
    {
        Key = TestSigningKey.CreateRsa("k1");
        Api.Keys.Add(Key);
    }

    internal ManualTimeProvider Time { get; } = new();

    internal FakeClusterApi Api { get; } = new();

    internal TestSigningKey Key { get; }

    internal CapturingLogger<KubernetesTokenValidator> Logger { get; } = new();

    public void Dispose()
    {
        Key.Dispose();
        foreach (var key in Api.Keys)
        {
            key.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    internal KubernetesTokenValidator CreateValidator(
        bool tokenReview = true, bool requirePodBinding = false, TimeSpan? reviewCacheTtl = null, int reviewCacheCapacity = 10_000) =>
        new(Api, new KubernetesTokenOptions
        {
            Audience = Audience,
            TokenReviewEnabled = tokenReview,
            RequirePodBinding = requirePodBinding,
            ReviewCacheTtl = reviewCacheTtl ?? TimeSpan.FromSeconds(30),
            ReviewCacheCapacity = reviewCacheCapacity,
        }, Time, Logger);

    /// <summary>A validator that has already discovered the fake cluster; the API counters are zeroed.</summary>
    internal async Task<KubernetesTokenValidator> CreateInitializedAsync(
        bool tokenReview = true, bool requirePodBinding = false, TimeSpan? reviewCacheTtl = null, int reviewCacheCapacity = 10_000)
    {
        var validator = CreateValidator(tokenReview, requirePodBinding, reviewCacheTtl, reviewCacheCapacity);
        await validator.InitializeAsync(CancellationToken.None);
        Assert.Equal(FakeClusterApi.DefaultIssuer, validator.ClusterIssuer);
        Api.ResetCounters();
        return validator;
    }

    /// <summary>
    /// A pod-bound projected token as kube-apiserver issues it (RS256, kid k1, our audience, 1 h, with node info).
    /// <paramref name="edit"/> may change the header and payload before signing.
    /// </summary>
    internal string CreateToken(Action<JsonObject, JsonObject>? edit = null, TestSigningKey? key = null)
    {
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = (key ?? Key).KeyId };
        var payload = new JsonObject
        {
            ["aud"] = new JsonArray(Audience),
            ["exp"] = now + 3600,
            ["iat"] = now,
            ["iss"] = Api.Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = Namespace,
                ["node"] = new JsonObject { ["name"] = "node-1", ["uid"] = "4b1e9a3c-0000-4000-8000-000000000001" },
                ["pod"] = new JsonObject { ["name"] = PodName, ["uid"] = PodUid },
                ["serviceaccount"] = new JsonObject { ["name"] = ServiceAccountName, ["uid"] = ServiceAccountUid },
            },
            ["nbf"] = now,
            ["sub"] = Subject,
        };
        edit?.Invoke(header, payload);
        return JwtForge.Create(header.ToJsonString(), payload.ToJsonString(), SigningChoice.With(key ?? Key, header["alg"]!.GetValue<string>()));
    }

    /// <summary>A token from <c>kubectl create token</c>: not bound to a pod.</summary>
    internal string CreateUnboundToken() => CreateToken((_, p) =>
    {
        var kubernetes = p["kubernetes.io"]!.AsObject();
        kubernetes.Remove("pod");
        kubernetes.Remove("node");
    });

    internal static async Task<TokenRejectedException> RejectsAsync(KubernetesTokenValidator validator, string token, TokenRejectionReason reason)
    {
        var e = await Assert.ThrowsAsync<TokenRejectedException>(() => validator.ValidateAsync(token, CancellationToken.None).AsTask());
        Assert.Equal(reason, e.Reason);
        return e;
    }

    internal static string Sha256Hex(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}
