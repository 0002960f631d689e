using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GithubSts.Exchange.Warmup;

/// <summary>
/// The warm-up's own OIDC issuer: an RSA-2048 key made for this process, its discovery document and JWKS answered from
/// memory (no socket, so nothing outside the process is asked), and GitHub-Actions-shaped tokens signed with it. Its
/// name is under <c>.invalid</c> (RFC 6761) and it is trusted only by the warm-up's private validator.
/// </summary>
internal sealed class WarmupIssuer : IDisposable
{
    public const string Issuer = "https://warmup.github-sts.invalid";
    public const string Audience = "https://warmup.github-sts.invalid/sts";
    private const string KeyId = "warmup";

    private readonly RSA key = RSA.Create(2048);
    private readonly byte[] discovery;
    private readonly byte[] jwks;
    private readonly byte[] header = Encoding.UTF8.GetBytes($$"""{"typ":"JWT","alg":"RS256","kid":"{{KeyId}}"}""");

    public WarmupIssuer()
    {
        discovery = Encoding.UTF8.GetBytes($$"""
            {"issuer":"{{Issuer}}","jwks_uri":"{{Issuer}}/.well-known/jwks","subject_types_supported":["public"],
             "response_types_supported":["id_token"],"id_token_signing_alg_values_supported":["RS256"]}
            """);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        jwks = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = KeyId,
                    ["n"] = Base64Url.EncodeToString(parameters.Modulus), ["e"] = Base64Url.EncodeToString(parameters.Exponent),
                },
            },
        });
        Handler = new DiscoveryHandler(this);
    }

    /// <summary>Answers discovery and JWKS of <see cref="Issuer"/>, 404 for anything else.</summary>
    public HttpMessageHandler Handler { get; }

    /// <summary>A token of <paramref name="owner"/>/<paramref name="repository"/>'s main branch, valid for ten minutes, with a fresh jti.</summary>
    public string CreateToken(string owner, string repository, DateTimeOffset now)
    {
        var full = owner + "/" + repository;
        var issuedAt = now.AddSeconds(-5).ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["jti"] = Guid.NewGuid().ToString("D"),
            ["sub"] = $"repo:{full}:ref:refs/heads/main",
            ["aud"] = Audience,
            ["ref"] = "refs/heads/main",
            ["repository"] = full,
            ["repository_owner"] = owner,
            ["repository_id"] = "1",
            ["workflow_ref"] = $"{full}/.github/workflows/warmup.yaml@refs/heads/main",
            ["event_name"] = "push",
            ["iss"] = Issuer,
            ["nbf"] = issuedAt,
            ["iat"] = issuedAt,
            ["exp"] = issuedAt + 600,
        });
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose()
    {
        Handler.Dispose();
        key.Dispose();
    }

    private sealed class DiscoveryHandler(WarmupIssuer issuer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.RequestUri?.AbsoluteUri switch
            {
                Issuer + "/.well-known/openid-configuration" => issuer.discovery,
                Issuer + "/.well-known/jwks" => issuer.jwks,
                _ => null,
            };
            var response = new HttpResponseMessage(body is null ? HttpStatusCode.NotFound : HttpStatusCode.OK) { RequestMessage = request };
            if (body is not null)
            {
                response.Content = new ByteArrayContent(body);
                response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            }

            return Task.FromResult(response);
        }
    }
}
