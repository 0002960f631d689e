using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Configuration;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Configuration;

/// <summary>Issue 11 §4: <c>sts.issuers</c> is validated whole at start-up; every mistake names its setting.</summary>
public sealed class PinnedIssuersConfigurationTests : IDisposable
{
    private const string Pinned = "https://cluster-b.example/issuer";
    private static readonly TestSigningKey Key = TestSigningKey.CreateRsa("b-1");
    private readonly string directory = Directory.CreateTempSubdirectory("githubsts-pincfg").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_yaml_mapping_a_json_string_and_a_file_all_load_and_the_issuer_needs_no_allow_list_entry()
    {
        var file = Path.Combine(directory, "jwks.json");
        File.WriteAllText(file, Jwks(Key.ToJwk()));
        var jwk = Key.ToJwk();
        var options = Load($"""
            - issuer: {Pinned}
              jwks:
                keys:
                  - kty: RSA
                    kid: b-1
                    use: sig
                    alg: RS256
                    n: "{(string)jwk["n"]!}"
                    e: "{(string)jwk["e"]!}"
              audiences: [cluster-b.sts]
              maxTokenLifetimeSeconds: 3600
              algorithms: [RS256]
            - issuer: spiffe://cluster-c.example
              jwks: '{Jwks(Key.ToJwk())}'
            - issuer: {Pinned}/d
              jwksFile: {file}
            """, allowListed: false);

        Assert.Equal([Pinned, "spiffe://cluster-c.example", Pinned + "/d"], options.Oidc.PinnedIssuers.Select(p => p.Issuer));
        Assert.Empty(options.Oidc.AllowedIssuers);
        Assert.Equal(["cluster-b.sts"], options.Oidc.PinnedIssuers[0].Audiences!);
        Assert.Null(options.Oidc.PinnedIssuers[1].Audiences);
        Assert.Equal(TimeSpan.FromHours(1), options.Oidc.IssuerMaxTokenLifetime[Pinned]);
        Assert.Contains("cluster-b.sts", options.RepositoryPolicies.RepositoryAudiences);
    }

    [Theory]
    [InlineData("- issuer: https://x.example\n  jwks: '{\"keys\":[]}'\n  jwksFile: /a", "sts.issuers[0]", "exactly one of jwks")]
    [InlineData("- issuer: https://x.example", "sts.issuers[0]", "exactly one of jwks")]
    [InlineData("- issuer: 'not a url'\n  jwks: '{}'", "sts.issuers[0].issuer", "printable")]
    [InlineData("- issuer: relative/path\n  jwks: '{}'", "sts.issuers[0].issuer", "absolute URL")]
    [InlineData("- issuer: https://x.example\n  jwks: 'not json'", "sts.issuers[0].jwks", "not valid JSON")]
    [InlineData("- issuer: https://x.example\n  jwks: '{\"keys\":[]}'", "sts.issuers[0].jwks", "1-100 keys")]
    [InlineData("- issuer: https://x.example\n  jwks: [a]", "sts.issuers[0].jwks", "mapping with keys")]
    [InlineData("- issuer: https://x.example\n  jwksFile: /does/not/exist.json", "sts.issuers[0].jwksFile", "does not exist")]
    public void Bad_entries_are_refused_naming_the_setting(string yaml, string setting, string detail)
    {
        var e = Assert.Throws<ConfigurationException>(() => Load(yaml));

        Assert.Equal(setting, e.Setting);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("algorithms: [HS256]", "sts.issuers[0].algorithms")]
    [InlineData("algorithms: [rs256]", "sts.issuers[0].algorithms")]
    [InlineData("algorithms: [RS256, RS256]", "sts.issuers[0].algorithms")]
    [InlineData("audiences: []", "sts.issuers[0].audiences")]
    [InlineData("audiences: [a, a]", "sts.issuers[0].audiences")]
    [InlineData("maxTokenLifetimeSeconds: 0", "sts.issuers[0].maxTokenLifetimeSeconds")]
    public void Bad_options_are_refused(string option, string setting)
    {
        var e = Assert.Throws<ConfigurationException>(() => Load($"- issuer: {Pinned}\n  jwks: '{Jwks(Key.ToJwk())}'\n  {option}"));

        Assert.Equal(setting, e.Setting);
    }

    [Fact]
    public void Private_and_symmetric_key_material_is_a_configuration_error()
    {
        var withPrivate = Key.ToJwk(includePrivate: true);
        var e = Assert.Throws<ConfigurationException>(() => Load($"- issuer: {Pinned}\n  jwks: '{Jwks(withPrivate)}'"));
        Assert.Equal("sts.issuers[0].jwks", e.Setting);
        Assert.Contains("'d'", e.Message, StringComparison.Ordinal);

        var oct = new JsonObject { ["kty"] = "oct", ["kid"] = "h", ["k"] = "c2VjcmV0" };
        e = Assert.Throws<ConfigurationException>(() => Load($"- issuer: {Pinned}\n  jwks: '{Jwks(oct)}'"));
        Assert.Contains("'k'", e.Message, StringComparison.Ordinal);

        // Even next to a good key: nothing is skipped silently in configuration.
        e = Assert.Throws<ConfigurationException>(() => Load($"- issuer: {Pinned}\n  jwks: '{Jwks(Key.ToJwk(), new JsonObject { ["kty"] = "OKP" })}'"));
        Assert.Contains("Key 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_issuer_with_two_sources_names_both()
    {
        var jwks = Jwks(Key.ToJwk());
        var twice = Assert.Throws<ConfigurationException>(() => Load($"- issuer: {Pinned}\n  jwks: '{jwks}'\n- issuer: {Pinned}\n  jwks: '{jwks}'"));
        Assert.Contains("sts.issuers[0] and sts.issuers[1]", twice.Message, StringComparison.Ordinal);

        var environment = Env();
        environment["GITHUBSTS_STS_ALLOWED_ISSUERS"] = $"https://token.actions.githubusercontent.com,{Pinned}";
        var discovered = Assert.Throws<ConfigurationException>(() => Load($"- issuer: {Pinned}\n  jwks: '{jwks}'", environment: environment));
        Assert.Contains("sts.allowedIssuers[1] (discovery) and sts.issuers[0]", discovered.Message, StringComparison.Ordinal);

        // Ordinal: a trailing slash is another issuer, not a duplicate.
        Load($"- issuer: {Pinned}\n  jwks: '{jwks}'\n- issuer: {Pinned}/\n  jwks: '{jwks}'");
    }

    [Fact]
    public void Both_lifetime_settings_for_one_pinned_issuer_is_an_error()
    {
        var path = Path.Combine(directory, "config.yaml");
        File.WriteAllText(path, $"sts:\n  issuerMaxTokenLifetimeSeconds:\n    '{Pinned}': 60\n  issuers:\n    - issuer: {Pinned}\n      jwks: '{Jwks(Key.ToJwk())}'\n      maxTokenLifetimeSeconds: 60\n");

        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(path, Env()));

        Assert.Equal("sts.issuers[0].maxTokenLifetimeSeconds", e.Setting);
    }

    private GithubStsOptions Load(string issuersYaml, bool allowListed = true, Dictionary<string, string>? environment = null)
    {
        var path = Path.Combine(directory, $"config-{Guid.NewGuid():N}.yaml");
        var indented = string.Join('\n', issuersYaml.Split('\n').Select(l => "    " + l));
        File.WriteAllText(path, $"sts:\n  issuers:\n{indented}\n");
        environment ??= Env();
        if (!allowListed)
        {
            environment.Remove("GITHUBSTS_STS_ALLOWED_ISSUERS");
        }

        return GithubStsConfigurationLoader.Load(path, environment);
    }

    private static string Jwks(params JsonObject[] keys) => new JsonObject { ["keys"] = new JsonArray([.. keys]) }.ToJsonString();

    private static Dictionary<string, string> Env() => MinimalEnvironment.Create();
}
