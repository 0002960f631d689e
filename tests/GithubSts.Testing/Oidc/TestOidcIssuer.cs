using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Testing.Oidc;

/// <summary>
/// A fake OpenID Provider over real loopback HTTP: discovery at <c>{Iss}/.well-known/openid-configuration</c> and a JWKS
/// at <c>{Iss}/jwks</c> with real keys, switchable faults, request counters and token minting. Thread-safe.
/// </summary>
public sealed class TestOidcIssuer : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly List<JsonObject> publishedJwks = [];
    private readonly List<TestSigningKey> ownedKeys = [];
    private readonly TestOidcIssuerOptions options;
    private LoopbackHttpServer? server;
    private TestSigningKey defaultKey;
    private int keySerial = 1;
    private int discoveryRequests;
    private int jwksRequests;
    private int totalRequests;
    private volatile string? discoveryIssuerOverride;
    private volatile string? jwksUriOverride;
    private volatile IReadOnlyList<string>? signingAlgorithms;
    private volatile bool omitSigningAlgorithms;
    private volatile bool emptyKeySet;

    private TestOidcIssuer(TestOidcIssuerOptions options)
    {
        this.options = options;
        Time = options.Time ?? TimeProvider.System;
        defaultKey = options.EcDefaultKey ? TestSigningKey.CreateEc(options.DefaultKeyId) : TestSigningKey.CreateRsa(options.DefaultKeyId);
        ownedKeys.Add(defaultKey);
        Publish(defaultKey);
    }

    /// <summary>The issuer as a URI. Use <see cref="Iss"/> for the exact string (a <see cref="Uri"/> may add a '/').</summary>
    public Uri Issuer => new(Iss, UriKind.Absolute);

    /// <summary>The exact issuer string: the token <c>iss</c> and the discovery <c>issuer</c>.</summary>
    public string Iss => Server.BaseAddress.OriginalString + options.PathSuffix + (options.TrailingSlash ? "/" : string.Empty);

    public Uri BaseAddress => Server.BaseAddress;

    public string JwksUri => Server.BaseAddress.OriginalString + options.PathSuffix + "/jwks";

    public TimeProvider Time { get; }

    public EndpointFaults DiscoveryFaults { get; } = new();

    public EndpointFaults JwksFaults { get; } = new();

    /// <summary>The key <see cref="CreateToken"/> signs with unless told otherwise.</summary>
    public TestSigningKey DefaultKey
    {
        get
        {
            lock (gate)
            {
                return defaultKey;
            }
        }
    }

    /// <summary>Serve this discovery <c>issuer</c> instead of <see cref="Iss"/>.</summary>
    public string? DiscoveryIssuerOverride
    {
        get => discoveryIssuerOverride;
        set => discoveryIssuerOverride = value;
    }

    /// <summary>Serve this <c>jwks_uri</c> instead of <see cref="JwksUri"/>.</summary>
    public string? JwksUriOverride
    {
        get => jwksUriOverride;
        set => jwksUriOverride = value;
    }

    /// <summary><c>id_token_signing_alg_values_supported</c>; null derives it from the published keys' algorithms.</summary>
    public IReadOnlyList<string>? SigningAlgorithms
    {
        get => signingAlgorithms;
        set => signingAlgorithms = value;
    }

    /// <summary>Leave <c>id_token_signing_alg_values_supported</c> out of discovery (OIDC default: RS256).</summary>
    public bool OmitSigningAlgorithms
    {
        get => omitSigningAlgorithms;
        set => omitSigningAlgorithms = value;
    }

    /// <summary>Serve <c>{"keys":[]}</c>.</summary>
    public bool EmptyKeySet
    {
        get => emptyKeySet;
        set => emptyKeySet = value;
    }

    public int DiscoveryRequests => Volatile.Read(ref discoveryRequests);

    public int JwksRequests => Volatile.Read(ref jwksRequests);

    /// <summary>Every request, including ones to unknown paths.</summary>
    public int TotalRequests => Volatile.Read(ref totalRequests);

    private LoopbackHttpServer Server => server ?? throw new InvalidOperationException("The issuer is not started.");

    public static async Task<TestOidcIssuer> StartAsync(TestOidcIssuerOptions? options = null)
    {
        var issuer = new TestOidcIssuer(options ?? new TestOidcIssuerOptions());
        issuer.server = await LoopbackHttpServer.StartAsync(issuer.HandleAsync);
        return issuer;
    }

    /// <summary>A listener that counts requests, for proving that a rejected token caused no outbound call.</summary>
    public static Task<CanaryServer> StartCanaryAsync() => CanaryServer.StartAsync();

    public void ResetCounters()
    {
        Interlocked.Exchange(ref discoveryRequests, 0);
        Interlocked.Exchange(ref jwksRequests, 0);
        Interlocked.Exchange(ref totalRequests, 0);
    }

    /// <summary>Publishes a new RSA key (e.g. <paramref name="bits"/> = 1024 for a weak key).</summary>
    public TestSigningKey AddRsaKey(string? keyId = null, int bits = 2048, string algorithm = "RS256", string? publishedAlgorithm = "RS256") =>
        Own(TestSigningKey.CreateRsa(keyId ?? NextKeyId(), bits, algorithm, publishedAlgorithm));

    /// <summary>Publishes a new EC key (P-256 → ES256 by default).</summary>
    public TestSigningKey AddEcKey(string? keyId = null, string curve = "P-256", bool publishAlgorithm = true) =>
        Own(TestSigningKey.CreateEc(keyId ?? NextKeyId(), curve, publishAlgorithm));

    /// <summary>Publishes a new RSA key under a new kid and makes it the default; the old key stays unless told otherwise.</summary>
    public TestSigningKey RotateKey(bool keepOldKey = true)
    {
        var old = DefaultKey;
        var fresh = AddRsaKey();
        lock (gate)
        {
            defaultKey = fresh;
        }

        if (!keepOldKey)
        {
            Unpublish(old);
        }

        return fresh;
    }

    /// <summary>Removes a key's JWK from the JWKS.</summary>
    public void Unpublish(TestSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            publishedJwks.RemoveAll(jwk => string.Equals((string?)jwk["kid"], key.KeyId, StringComparison.Ordinal));
        }
    }

    /// <summary>Adds a key's JWK; with <paramref name="includePrivate"/> its private members too (a broken IdP).</summary>
    public void Publish(TestSigningKey key, bool includePrivate = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        PublishRaw(key.ToJwk(includePrivate));
    }

    /// <summary>Publishes a symmetric <c>oct</c> JWK (which a compliant JWKS never contains).</summary>
    public void PublishOctKey(string keyId, byte[] secret) =>
        PublishRaw(new JsonObject { ["kty"] = "oct", ["kid"] = keyId, ["alg"] = "HS256", ["use"] = "sig", ["k"] = Base64UrlText.Encode(secret) });

    /// <summary>Publishes any JWK JSON as is.</summary>
    public void PublishRaw(JsonObject jwk)
    {
        lock (gate)
        {
            publishedJwks.Add(jwk);
        }
    }

    /// <summary>Mints a token signed by one of this issuer's keys with sensible defaults, adjusted by <paramref name="configure"/>.</summary>
    public string CreateToken(Action<JwtSpec>? configure = null)
    {
        var spec = new JwtSpec();
        configure?.Invoke(spec);
        var key = spec.Key ?? DefaultKey;
        var algorithm = spec.Algorithm ?? key.Algorithm;
        var now = Time.GetUtcNow();

        var header = new JsonObject { ["alg"] = algorithm };
        if (spec.Type is not null)
        {
            header["typ"] = spec.Type;
        }

        if (!spec.OmitKeyId)
        {
            header["kid"] = spec.KeyId ?? key.KeyId;
        }

        foreach (var (name, value) in spec.Header)
        {
            header[name] = value?.DeepClone();
        }

        var payload = new JsonObject
        {
            ["iss"] = spec.Issuer ?? Iss,
            ["sub"] = spec.Subject,
            ["aud"] = spec.Audience?.DeepClone(),
            ["iat"] = (spec.IssuedAt ?? now).ToUnixTimeSeconds(),
            ["nbf"] = (spec.NotBefore ?? now).ToUnixTimeSeconds(),
            ["exp"] = (spec.ExpiresAt ?? now.AddMinutes(5)).ToUnixTimeSeconds(),
            ["jti"] = spec.TokenId ?? Guid.NewGuid().ToString("N"),
        };
        foreach (var (name, value) in spec.Claims)
        {
            payload[name] = value?.DeepClone();
        }

        foreach (var name in spec.Omit)
        {
            payload.Remove(name);
        }

        return JwtForge.Create(header.ToJsonString(), payload.ToJsonString(), SigningChoice.With(key, algorithm));
    }

    /// <summary>Base64url-encodes exactly the given JSON texts and signs them as chosen (see <see cref="JwtForge"/>).</summary>
    public static string Forge(string headerJson, string payloadJson, SigningChoice signing) => JwtForge.Create(headerJson, payloadJson, signing);

    /// <summary>A payload JSON text with valid defaults for this issuer, for hand-built hostile tokens.</summary>
    public string DefaultPayloadJson(string? subject = null)
    {
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = Iss,
            ["sub"] = subject ?? "repo:octo-org/octo-repo:ref:refs/heads/main",
            ["aud"] = "https://sts.example.com",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
        }.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        lock (gate)
        {
            foreach (var key in ownedKeys)
            {
                key.Dispose();
            }
        }
    }

    private TestSigningKey Own(TestSigningKey key)
    {
        lock (gate)
        {
            ownedKeys.Add(key);
        }

        Publish(key);
        return key;
    }

    private string NextKeyId() => "key-" + Interlocked.Increment(ref keySerial).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref totalRequests);
        var path = context.Request.Path.Value ?? string.Empty;
        if (string.Equals(path, options.PathSuffix + "/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref discoveryRequests);
            await ServeAsync(context, DiscoveryFaults, DiscoveryJson());
        }
        else if (string.Equals(path, options.PathSuffix + "/jwks", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref jwksRequests);
            await ServeAsync(context, JwksFaults, JwksJson());
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private static async Task ServeAsync(HttpContext context, EndpointFaults faults, string document)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        try
        {
            if (faults.Delay > TimeSpan.Zero)
            {
                await Task.Delay(faults.Delay, aborted);
            }

            if (faults.RedirectTo is { } location)
            {
                response.StatusCode = StatusCodes.Status302Found;
                response.Headers.Location = location;
                return;
            }

            if (faults.StatusCode is { } status)
            {
                response.StatusCode = status;
                await response.WriteAsync(EndpointFaults.SecretErrorBody, aborted);
                return;
            }

            if (faults.OversizedBodyBytes > 0)
            {
                await StreamOversizedAsync(response, faults.OversizedBodyBytes, aborted);
                return;
            }

            response.ContentType = faults.Body is null ? "application/json" : "text/html";
            await response.WriteAsync(faults.Body ?? document, aborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up (a timeout or an aborted oversized read): nothing more to send.
        }
    }

    private static async Task StreamOversizedAsync(HttpResponse response, long bytes, CancellationToken aborted)
    {
        response.ContentType = "application/json";
        var chunk = Encoding.ASCII.GetBytes("{\"keys\":[" + new string(' ', 8 * 1024 - 9));
        for (long sent = 0; sent < bytes; sent += chunk.Length)
        {
            await response.Body.WriteAsync(chunk, aborted);
            chunk.AsSpan().Fill((byte)' ');
        }
    }

    private string DiscoveryJson()
    {
        var document = new JsonObject
        {
            ["issuer"] = DiscoveryIssuerOverride ?? Iss,
            ["jwks_uri"] = JwksUriOverride ?? JwksUri,
            ["response_types_supported"] = new JsonArray("id_token"),
            ["subject_types_supported"] = new JsonArray("public"),
        };
        if (!OmitSigningAlgorithms)
        {
            var algorithms = SigningAlgorithms ?? DerivedAlgorithms();
            document["id_token_signing_alg_values_supported"] = new JsonArray(algorithms.Select(a => (JsonNode?)a).ToArray());
        }

        return document.ToJsonString();
    }

    private List<string> DerivedAlgorithms()
    {
        lock (gate)
        {
            var algorithms = publishedJwks.Select(jwk => (string?)jwk["alg"]).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            return algorithms.Count > 0 ? algorithms : ["RS256"];
        }
    }

    private string JwksJson()
    {
        lock (gate)
        {
            var keys = EmptyKeySet ? [] : publishedJwks.Select(jwk => (JsonNode?)jwk.DeepClone()).ToArray();
            return new JsonObject { ["keys"] = new JsonArray(keys) }.ToJsonString();
        }
    }
}
