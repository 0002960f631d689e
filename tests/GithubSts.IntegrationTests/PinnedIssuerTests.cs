using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Configuration;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 11 §4 over HTTP: <c>sts.issuers</c> pins an issuer's keys (inline or a file reloaded when it changes), so an
/// issuer this service cannot reach still exchanges, without one request to it; and nothing else gets easier.
/// The pinned issuer is a second test issuer on loopback whose request counters prove no discovery or JWKS fetch.
/// </summary>
public sealed class PinnedIssuerTests : IDisposable
{
    private const string PinnedAudience = "cluster-b.sts";
    private readonly string directory = Directory.CreateTempSubdirectory("githubsts-pin").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task An_inline_yaml_mapping_pins_the_keys_and_the_issuer_is_never_contacted()
    {
        await using var remote = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { PathSuffix = "/cluster-b" });
        var entry = $"""
            - issuer: {remote.Iss}
              jwks:
            {YamlMapping(Jwks(remote.DefaultKey), "      ")}
            """;
        await using var host = await StartAsync(entry);
        host.StartTest();
        host.SetPolicy("ci", PinnedPolicy(remote));
        host.SetPolicy("discovered", StsTestHost.Policy());

        using (var pinned = await host.ExchangeAsync(remote.CreateToken()))
        {
            await pinned.AssertSuccessAsync();
        }

        // The discovered issuer is unaffected.
        using (var discovered = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "discovered"))
        {
            await discovered.AssertSuccessAsync();
        }

        Assert.Equal(2, host.IssuedMints().Count);
        Assert.Equal(0, remote.TotalRequests);
    }

    [Fact]
    public async Task A_json_string_pins_the_keys_its_audiences_replace_the_defaults_and_near_misses_are_refused_unfetched()
    {
        await using var remote = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { PathSuffix = "/cluster-b" });
        var entry = $"""
            - issuer: {remote.Iss}
              jwks: '{Jwks(remote.DefaultKey).ToJsonString()}'
              audiences: [{PinnedAudience}]
            """;
        await using var host = await StartAsync(entry);
        host.StartTest();
        host.SetPolicy("ci", PinnedPolicy(remote));
        host.SetPolicy("discovered", StsTestHost.Policy());

        // sts.identifier is not among this issuer's audiences: its token is not meant for this service.
        using (var identifier = await host.ExchangeAsync(remote.CreateToken(t => t.Audience = StsTestHost.Identifier)))
        {
            await identifier.AssertErrorAsync(401, "invalid_token");
        }

        host.AssertNothingIssued();
        using (var own = await host.ExchangeAsync(remote.CreateToken(t => t.Audience = PinnedAudience)))
        {
            await own.AssertSuccessAsync();
        }

        Assert.Single(host.IssuedMints());

        // The discovered issuer keeps the service-wide defaults: the pinned issuer's audience is not one of them.
        using (var other = await host.ExchangeAsync(host.Issuer.CreateToken(t => t.Audience = PinnedAudience), identity: "discovered"))
        {
            await other.AssertErrorAsync(401, "invalid_token");
        }

        // Exact issuer only: a trailing slash or another case is an unknown issuer, refused without a fetch.
        foreach (var variant in new[] { remote.Iss + "/", remote.Iss.ToUpperInvariant(), remote.Iss.Replace("/cluster-b", "/Cluster-B", StringComparison.Ordinal) })
        {
            using var response = await host.ExchangeAsync(remote.CreateToken(t =>
            {
                t.Issuer = variant;
                t.Audience = PinnedAudience;
            }));
            await response.AssertErrorAsync(401, "invalid_token");
        }

        Assert.Single(host.IssuedMints());
        Assert.Equal(0, remote.TotalRequests);
    }

    [Fact]
    public async Task Algorithms_and_max_token_lifetime_are_enforced_per_issuer()
    {
        await using var remote = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { PathSuffix = "/cluster-b" });
        var ec = remote.AddEcKey("ec-1");
        var entry = $"""
            - issuer: {remote.Iss}
              jwks: '{Jwks(remote.DefaultKey, ec).ToJsonString()}'
              algorithms: [RS256]
              maxTokenLifetimeSeconds: 600
            """;
        await using var host = await StartAsync(entry);
        host.StartTest();
        host.SetPolicy("ci", PinnedPolicy(remote));
        host.SetPolicy("discovered", StsTestHost.Policy());

        using (var es256 = await host.ExchangeAsync(remote.CreateToken(t => t.Key = ec)))
        {
            await es256.AssertErrorAsync(401, "invalid_token");
        }

        var now = remote.Time.GetUtcNow();
        using (var tooLong = await host.ExchangeAsync(remote.CreateToken(t =>
        {
            t.IssuedAt = now;
            t.NotBefore = now;
            t.ExpiresAt = now.AddSeconds(601);
        })))
        {
            await tooLong.AssertErrorAsync(401, "invalid_token");
        }

        host.AssertNothingIssued();
        using (var ok = await host.ExchangeAsync(remote.CreateToken(t => t.ExpiresAt = now.AddSeconds(590))))
        {
            await ok.AssertSuccessAsync();
        }

        Assert.Single(host.IssuedMints());
        Assert.Equal(0, remote.TotalRequests);
    }

    [Fact]
    public async Task A_mounted_file_is_reloaded_when_swapped_and_a_broken_rewrite_keeps_the_keys()
    {
        await using var remote = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { PathSuffix = "/cluster-b" });
        var mount = Path.Combine(directory, "jwks");
        Directory.CreateDirectory(mount);
        SwapConfigMap(mount, 1, Jwks(remote.DefaultKey).ToJsonString());
        var log = new CapturingLoggerProvider();
        await using var host = await StartAsync(
            $"""
            - issuer: {remote.Iss}
              jwksFile: {Path.Combine(mount, "jwks.json")}
            """,
            services => services.AddSingleton<ILoggerProvider>(log));
        host.StartTest();
        host.SetPolicy("ci", PinnedPolicy(remote));
        host.SetPolicy("discovered", StsTestHost.Policy());
        var oldKey = remote.DefaultKey;
        using (var first = await host.ExchangeAsync(remote.CreateToken()))
        {
            await first.AssertSuccessAsync();
        }

        // The ConfigMap is updated the way the kubelet does it: a new ..data directory swapped in by rename.
        using var newKey = TestSigningKey.CreateRsa("key-2");
        SwapConfigMap(mount, 2, Jwks(newKey).ToJsonString());
        await EventuallyAsync(async () =>
        {
            using var response = await host.ExchangeAsync(remote.CreateToken(t => t.Key = newKey));
            return response.IsSuccessStatusCode;
        });
        using (var old = await host.ExchangeAsync(remote.CreateToken(t => t.Key = oldKey)))
        {
            await old.AssertErrorAsync(401, "invalid_token");
        }

        SwapConfigMap(mount, 3, "{\"keys\": [");
        await EventuallyAsync(() => Task.FromResult(log.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("previous keys stay in use", StringComparison.Ordinal))));
        using (var kept = await host.ExchangeAsync(remote.CreateToken(t => t.Key = newKey)))
        {
            await kept.AssertSuccessAsync();
        }

        Assert.Equal(3, host.IssuedMints().Count);
        Assert.Equal(0, remote.TotalRequests);
    }

    [Fact]
    public async Task Two_sources_for_one_issuer_and_secret_key_material_stop_startup()
    {
        await using var remote = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { PathSuffix = "/cluster-b" });
        var jwks = Jwks(remote.DefaultKey).ToJsonString();
        var twice = await Assert.ThrowsAsync<ConfigurationException>(() => StartAsync($"""
            - issuer: {remote.Iss}
              jwks: '{jwks}'
            - issuer: {remote.Iss}
              jwks: '{jwks}'
            """));
        Assert.Contains("sts.issuers[0] and sts.issuers[1]", twice.Message, StringComparison.Ordinal);

        var discovered = await Assert.ThrowsAsync<ConfigurationException>(() => StartAsync(
            $"""
            - issuer: {remote.Iss}
              jwks: '{jwks}'
            """,
            environment: env => env["GITHUBSTS_STS_ALLOWED_ISSUERS"] = remote.Iss));
        Assert.Contains("sts.allowedIssuers[0] (discovery) and sts.issuers[0]", discovered.Message, StringComparison.Ordinal);

        var withPrivate = new JsonObject { ["keys"] = new JsonArray(remote.DefaultKey.ToJwk(includePrivate: true)) };
        var secret = await Assert.ThrowsAsync<ConfigurationException>(() => StartAsync($"""
            - issuer: {remote.Iss}
              jwks: '{withPrivate.ToJsonString()}'
            """));
        Assert.Equal("sts.issuers[0].jwks", secret.Setting);
        Assert.Contains("'d'", secret.Message, StringComparison.Ordinal);

        var oct = new JsonObject { ["keys"] = new JsonArray(new JsonObject { ["kty"] = "oct", ["kid"] = "h", ["k"] = "c2VjcmV0c2VjcmV0c2VjcmV0" }) };
        var symmetric = await Assert.ThrowsAsync<ConfigurationException>(() => StartAsync($"""
            - issuer: {remote.Iss}
              jwks: '{oct.ToJsonString()}'
            """));
        Assert.Contains("'k'", symmetric.Message, StringComparison.Ordinal);
        Assert.Equal(0, remote.TotalRequests);
    }

    private async Task<StsTestHost> StartAsync(
        string issuersYaml, Action<IServiceCollection>? services = null, Action<Dictionary<string, string>>? environment = null)
    {
        var config = Path.Combine(directory, $"config-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(config, "sts:\n  issuers:\n" + Indent(issuersYaml, "    "));
        return await StsTestHost.StartAsync(
            env =>
            {
                env["GITHUBSTS_CONFIG"] = config;
                environment?.Invoke(env);
            },
            services);
    }

    private static string PinnedPolicy(TestOidcIssuer remote) => $"""
        issuer: {remote.Iss}
        subject: repo:octo-org/octo-repo:ref:refs/heads/main
        permissions:
          contents: read
        """;

    private static JsonObject Jwks(params TestSigningKey[] keys) =>
        new() { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)k.ToJwk())]) };

    /// <summary>The JWKS as a block-style YAML mapping (every JWK member is a string or a list of strings).</summary>
    private static string YamlMapping(JsonObject jwks, string indent)
    {
        var text = new StringBuilder();
        text.Append(indent).Append("keys:\n");
        foreach (var jwk in jwks["keys"]!.AsArray())
        {
            var first = true;
            foreach (var (name, value) in jwk!.AsObject())
            {
                text.Append(indent).Append(first ? "  - " : "    ").Append(name).Append(": \"").Append((string)value!).Append("\"\n");
                first = false;
            }
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string Indent(string text, string indent) =>
        string.Join('\n', text.Split('\n').Select(line => indent + line)) + "\n";

    /// <summary>Writes <c>..data_N/jwks.json</c>, then renames a new <c>..data</c> symlink over the old one (atomic).</summary>
    private static void SwapConfigMap(string mount, int generation, string content)
    {
        var data = Path.Combine(mount, $"..data_{generation}");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "jwks.json"), content);
        var next = Path.Combine(mount, "..data_tmp");
        Directory.CreateSymbolicLink(next, data);

        // rename(2) over the old link, as the kubelet does (File.Move refuses a link to a directory).
        using (var mv = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mv") { ArgumentList = { "-Tf", next, Path.Combine(mount, "..data") } })!)
        {
            mv.WaitForExit();
            Assert.Equal(0, mv.ExitCode);
        }

        var link = Path.Combine(mount, "jwks.json");
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, Path.Combine("..data", "jwks.json"));
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "not reached within 20 s");
            await Task.Delay(250);
        }
    }
}
