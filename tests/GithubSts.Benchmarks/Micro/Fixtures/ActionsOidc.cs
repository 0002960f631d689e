using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.Benchmarks.Micro.Fixtures;

/// <summary>
/// A GitHub-Actions-shaped issuer served from memory (discovery + JWKS with one RSA-2048 and one P-256 key), and the
/// production <see cref="OidcTokenValidator"/> in front of it with its metadata already fetched and cached.
/// </summary>
internal sealed class ActionsOidc : IDisposable
{
    public const string Issuer = "https://token.actions.githubusercontent.com";
    public const string Audience = "https://github-sts.example.com";
    public const string Owner = "octo-org";
    public const string Repository = "app";

    private readonly HttpClient http;

    private ActionsOidc()
    {
        RsaKey = TestSigningKey.CreateRsa("rsa-2048-bench");
        EcKey = TestSigningKey.CreateEc("p256-bench");
        var discovery = new JsonObject
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/.well-known/jwks",
            ["subject_types_supported"] = new JsonArray("public", "pairwise"),
            ["response_types_supported"] = new JsonArray("id_token"),
            ["claims_supported"] = new JsonArray("sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository", "repository_id"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256", "ES256"),
            ["scopes_supported"] = new JsonArray("openid"),
        }.ToJsonString();
        var jwks = new JsonObject { ["keys"] = new JsonArray(RsaKey.ToJwk(), EcKey.ToJwk()) }.ToJsonString();

        Handler = new InMemoryHandler(request => ValueTask.FromResult(request.RequestUri?.AbsoluteUri switch
        {
            Issuer + "/.well-known/openid-configuration" => Json(discovery),
            Issuer + "/.well-known/jwks" => Json(jwks),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        }));
        Options = new OidcValidationOptions { AllowedIssuers = [Issuer] };
        http = new HttpClient(Handler, disposeHandler: true) { Timeout = Options.HttpTimeout };
        Cache = new OidcMetadataCache(Options, http, TimeProvider.System, NullLogger<OidcMetadataCache>.Instance);
        Validator = new OidcTokenValidator(Options, Cache, TimeProvider.System, NullLogger<OidcTokenValidator>.Instance);
    }

    public TestSigningKey RsaKey { get; }

    public TestSigningKey EcKey { get; }

    public InMemoryHandler Handler { get; }

    public OidcValidationOptions Options { get; }

    public OidcMetadataCache Cache { get; }

    public OidcTokenValidator Validator { get; }

    public static ActionsOidc Create() => new();

    /// <summary>
    /// A token shaped like a GitHub Actions ID token for a push to main of octo-org/app running release.yaml
    /// (26 claims as GitHub issues them, ~1 KB payload), valid from a minute ago for six hours.
    /// </summary>
    public static string CreateToken(TestSigningKey key, string owner = Owner, string repository = Repository)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var full = $"{owner}/{repository}";
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = key.Algorithm, ["kid"] = key.KeyId };
        var payload = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString("D"),
            ["sub"] = $"repo:{full}:ref:refs/heads/main",
            ["aud"] = Audience,
            ["ref"] = "refs/heads/main",
            ["sha"] = "8f0e4c3b2a1d9e8f7a6b5c4d3e2f1a0b9c8d7e6f",
            ["repository"] = full,
            ["repository_owner"] = owner,
            ["repository_owner_id"] = "65432100",
            ["run_id"] = "9876543210",
            ["run_number"] = "42",
            ["run_attempt"] = "1",
            ["repository_visibility"] = "private",
            ["repository_id"] = "123456789",
            ["actor_id"] = "1234567",
            ["actor"] = "octocat",
            ["workflow"] = "release",
            ["event_name"] = "push",
            ["ref_protected"] = "true",
            ["ref_type"] = "branch",
            ["workflow_ref"] = $"{full}/.github/workflows/release.yaml@refs/heads/main",
            ["job_workflow_ref"] = $"{full}/.github/workflows/release.yaml@refs/heads/main",
            ["runner_environment"] = "github-hosted",
            ["iss"] = Issuer,
            ["nbf"] = now,
            ["iat"] = now,
            ["exp"] = now + (6 * 3600),
        };
        return JwtForge.Create(header.ToJsonString(), payload.ToJsonString(), SigningChoice.With(key));
    }

    /// <summary>Validates once (fetching discovery and JWKS into the cache); throws when the token does not validate.</summary>
    public ValidatedIdentity Warm(string token) => Validator.ValidateAsync(token, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public void Dispose()
    {
        Cache.Dispose();
        http.Dispose();
        RsaKey.Dispose();
        EcKey.Dispose();
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
