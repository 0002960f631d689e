using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Operator.Authentication;
using GithubSts.Testing.Oidc;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>
/// An in-memory API server: discovery and JWKS built from real keys, and a programmable TokenReview that by default
/// answers as kube-apiserver would for a token it issued (username = sub, uid = the service account's UID, audiences =
/// the requested ones the token carries, pod extras for pod-bound tokens).
/// </summary>
internal sealed class FakeClusterApi : IClusterIdentityApi
{
    public const string DefaultIssuer = "https://kubernetes.default.svc.cluster.local";

    private int discoveryCalls;
    private int jwksCalls;
    private int reviewCalls;

    public string Issuer { get; set; } = DefaultIssuer;

    public List<TestSigningKey> Keys { get; } = [];

    /// <summary><c>id_token_signing_alg_values_supported</c>; null omits the member.</summary>
    public string[]? Algorithms { get; set; } = ["RS256"];

    /// <summary>Thrown by the discovery and JWKS GETs (API server down, 5xx, RBAC).</summary>
    public Exception? MetadataFailure { get; set; }

    /// <summary>When set, served instead of the JWKS built from <see cref="Keys"/>.</summary>
    public JsonObject? JwksOverride { get; set; }

    /// <summary>When set, this exact JWKS text is served (it may hold duplicate members).</summary>
    public string? JwksText { get; set; }

    /// <summary>When set, the discovery GET waits for this task (or the call's cancellation) before answering.</summary>
    public Task? MetadataGate { get; set; }

    /// <summary>Replaces the default TokenReview answer; may throw or wait for cancellation.</summary>
    public Func<string, IReadOnlyList<string>, CancellationToken, Task<TokenReviewOutcome>>? Review { get; set; }

    public int DiscoveryCalls => Volatile.Read(ref discoveryCalls);

    public int JwksCalls => Volatile.Read(ref jwksCalls);

    public int ReviewCalls => Volatile.Read(ref reviewCalls);

    public List<IReadOnlyList<string>> ReviewedAudiences { get; } = [];

    public async Task<JsonDocument> GetOpenIdConfigurationAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref discoveryCalls);
        if (MetadataGate is { } gate)
        {
            await gate.WaitAsync(ct);
        }

        if (MetadataFailure is { } failure)
        {
            throw failure;
        }

        var document = new JsonObject
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = "https://10.0.0.1:6443/openid/v1/jwks", // Never dereferenced.
            ["response_types_supported"] = new JsonArray("id_token"),
            ["subject_types_supported"] = new JsonArray("public"),
        };
        if (Algorithms is not null)
        {
            document["id_token_signing_alg_values_supported"] = new JsonArray(Algorithms.Select(a => (JsonNode?)a).ToArray());
        }

        return JsonDocument.Parse(document.ToJsonString());
    }

    public Task<JsonDocument> GetJsonWebKeySetAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref jwksCalls);
        if (MetadataFailure is { } failure)
        {
            return Task.FromException<JsonDocument>(failure);
        }

        if (JwksText is { } text)
        {
            return Task.FromResult(JsonDocument.Parse(text));
        }

        var jwks = JwksOverride ?? new JsonObject { ["keys"] = new JsonArray(Keys.Select(k => (JsonNode?)k.ToJwk()).ToArray()) };
        return Task.FromResult(JsonDocument.Parse(jwks.ToJsonString()));
    }

    public Task<TokenReviewOutcome> ReviewAsync(string token, IReadOnlyList<string> audiences, CancellationToken ct)
    {
        Interlocked.Increment(ref reviewCalls);
        lock (ReviewedAudiences)
        {
            ReviewedAudiences.Add(audiences.ToArray());
        }

        return Review is { } review ? review(token, audiences, ct) : Task.FromResult(AnswerAsApiServer(token, audiences));
    }

    /// <summary>What kube-apiserver answers for a live token it issued.</summary>
    public static TokenReviewOutcome AnswerAsApiServer(string token, IReadOnlyList<string> audiences)
    {
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();
        var kubernetes = payload["kubernetes.io"]!.AsObject();
        var tokenAudiences = payload["aud"] is JsonArray array ? array.Select(a => a!.GetValue<string>()).ToArray() : [payload["aud"]!.GetValue<string>()];
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (kubernetes["pod"] is JsonObject pod)
        {
            extra["authentication.kubernetes.io/pod-name"] = [pod["name"]!.GetValue<string>()];
            extra["authentication.kubernetes.io/pod-uid"] = [pod["uid"]!.GetValue<string>()];
        }

        return new TokenReviewOutcome(
            true,
            payload["sub"]!.GetValue<string>(),
            kubernetes["serviceaccount"]!["uid"]!.GetValue<string>(),
            audiences.Intersect(tokenAudiences, StringComparer.Ordinal).ToArray(),
            extra,
            null);
    }

    public static TokenReviewOutcome Unauthenticated(string error) =>
        new(false, null, null, [], new Dictionary<string, IReadOnlyList<string>>(), error);

    public void ResetCounters()
    {
        Interlocked.Exchange(ref discoveryCalls, 0);
        Interlocked.Exchange(ref jwksCalls, 0);
        Interlocked.Exchange(ref reviewCalls, 0);
    }
}
