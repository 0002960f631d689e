using System.Text.Json.Nodes;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.PolicySources;
using GithubSts.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 11 §1 over HTTP, the way a caller would try it: a token is for this service when at least one of its
/// <c>aud</c> values is acceptable; <c>sts.audiences</c> add the defaults other clients send, and nothing else. Each
/// exchange asserts status, error and what the GitHub simulator minted: nothing, or exactly one token.
/// </summary>
public sealed class AudienceTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    /// <summary>What the known clients send by default (README "Audiences").</summary>
    private const string OctoSts = "sts.example.com";
    private const string StsCat = StsTestHost.Identifier;
    private const string Depthmark = "github-sts";
    private const string DataDog = "dd-octo-sts";

    private readonly StsTestHost _host = fixture.Host.StartTest();

    [Theory]
    [InlineData("[\"https://sts.example.com\",\"sts.amazonaws.com\"]")]
    [InlineData("[\"sts.amazonaws.com\",\"https://sts.example.com\"]")]
    [InlineData("[\"https://github.com/octo-org\",\"https://sts.example.com\",\"https://sts.example.com/\"]")]
    [InlineData("\"https://sts.example.com\"")]
    [InlineData("[\"https://sts.example.com\"]")]
    public async Task A_token_with_one_acceptable_audience_is_exchanged(string aud)
    {
        _host.SetPolicy("aud-one", StsTestHost.Policy());

        using var response = await _host.ExchangeAsync(Token(_host, aud), identity: "aud-one");

        await response.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("read", mint.RequestedPermissions!["contents"]);
    }

    [Theory]
    [InlineData("[\"sts.amazonaws.com\",\"https://github.com/octo-org\"]")]
    [InlineData("\"sts.amazonaws.com\"")]
    [InlineData("\"https://sts.example.com/\"")]
    [InlineData("\"HTTPS://STS.EXAMPLE.COM\"")]
    [InlineData("\"https://STS.example.com\"")]
    [InlineData("\" https://sts.example.com\"")]
    [InlineData("\"https://sts.example.com \"")]
    [InlineData("\"https://sts.example.com\\n\"")]
    [InlineData("[\"https://sts.example.com/\",\"HTTPS://STS.EXAMPLE.COM\",\"https://sts.example.com.evil\"]")]
    [InlineData("[]")]
    [InlineData("[\"https://sts.example.com\",5]")]
    [InlineData("[\"https://sts.example.com\",null]")]
    [InlineData("[\"https://sts.example.com\",\"\"]")]
    [InlineData("[[\"https://sts.example.com\"]]")]
    [InlineData("{\"aud\":\"https://sts.example.com\"}")]
    [InlineData("\"\"")]
    public async Task A_token_without_an_acceptable_audience_is_refused_and_nothing_is_minted(string aud)
    {
        _host.SetPolicy("aud-none", StsTestHost.Policy());

        using var response = await _host.ExchangeAsync(Token(_host, aud), identity: "aud-none");

        await response.AssertErrorAsync(401, "invalid_token");
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData(OctoSts)]
    [InlineData(Depthmark)]
    [InlineData(DataDog)]
    public async Task Other_clients_defaults_are_refused_unless_configured(string aud)
    {
        _host.SetPolicy("aud-unconfigured", StsTestHost.Policy());

        using var response = await _host.ExchangeAsync(Token(_host, $"\"{aud}\""), identity: "aud-unconfigured");

        await response.AssertErrorAsync(401, "invalid_token");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task Each_known_clients_default_is_accepted_when_listed_in_sts_audiences()
    {
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_STS_AUDIENCES"] = $"{OctoSts},{Depthmark},{DataDog}");
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());
        foreach (var aud in new[] { OctoSts, StsCat, Depthmark, DataDog })
        {
            var before = host.IssuedMints().Count;
            using var response = await host.ExchangeAsync(Token(host, $"\"{aud}\""));
            await response.AssertSuccessAsync();
            Assert.Equal(before + 1, host.IssuedMints().Count);
        }

        // Listed means exactly that value: no case, slash, whitespace or prefix folding, alone or with a foreign audience.
        var before2 = host.IssuedMints().Count;
        foreach (var aud in new[] { "\"GitHub-sts\"", "\"STS.example.com\"", "\"sts.example.com/\"", "\"dd-octo-sts \"", "\"github-sts-evil\"", "[\"Dd-Octo-Sts\",\"sts.amazonaws.com\"]" })
        {
            using var refused = await host.ExchangeAsync(Token(host, aud));
            await refused.AssertErrorAsync(401, "invalid_token");
        }

        Assert.Equal(before2, host.IssuedMints().Count);

        // A multi-audience token with one listed default and a foreign one is exchanged once.
        using var multi = await host.ExchangeAsync(Token(host, $"[\"sts.amazonaws.com\",\"{Depthmark}\"]"));
        await multi.AssertSuccessAsync();
        Assert.Equal(before2 + 1, host.IssuedMints().Count);
    }

    [Fact]
    public async Task A_policy_audience_needs_one_matching_aud_and_sts_audiences_do_not_widen_it()
    {
        await using var host = await StsTestHost.StartAsync(env =>
        {
            env["GITHUBSTS_STS_AUDIENCES"] = Depthmark;
            env["GITHUBSTS_POLICIES_REPOSITORY_AUDIENCES"] = $"{StsTestHost.Identifier},{Depthmark},octo-sts.dev";
        });
        host.StartTest();
        host.SetPolicy("named", StsTestHost.Policy(extra: "audience: octo-sts.dev"));

        using (var multi = await host.ExchangeAsync(Token(host, "[\"sts.amazonaws.com\",\"octo-sts.dev\"]"), identity: "named"))
        {
            await multi.AssertSuccessAsync();
        }

        Assert.Single(host.IssuedMints());

        // The service's own audiences are not the policy's: a 403 (meant for us, not for this policy).
        foreach (var aud in new[] { $"\"{StsTestHost.Identifier}\"", $"\"{Depthmark}\"", $"[\"{StsTestHost.Identifier}\",\"OCTO-STS.dev\"]" })
        {
            using var mismatch = await host.ExchangeAsync(Token(host, aud), identity: "named");
            await mismatch.AssertErrorAsync(403, "access_denied");
        }

        // Meant for nobody here at all: a 401, as when no policy exists.
        using var foreign = await host.ExchangeAsync(Token(host, "[\"octo-sts.dev/\",\"sts.amazonaws.com\"]"), identity: "named");
        await foreign.AssertErrorAsync(401, "invalid_token");
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task Repository_files_get_only_the_default_audiences_policies_repositoryAudiences_allows()
    {
        // The operator gave repository files the identifier and octo-sts.dev, not github-sts: a file naming no audience
        // accepts the identifier only, while a TrustPolicy or another source would accept github-sts too.
        await using var host = await StsTestHost.StartAsync(env =>
        {
            env["GITHUBSTS_STS_AUDIENCES"] = Depthmark;
            env["GITHUBSTS_POLICIES_REPOSITORY_AUDIENCES"] = $"{StsTestHost.Identifier},octo-sts.dev";
        });
        host.StartTest();
        host.SetPolicy("ci", StsTestHost.Policy());

        foreach (var aud in new[] { $"\"{Depthmark}\"", $"[\"{Depthmark}\",\"octo-sts.dev\"]" })
        {
            using var refused = await host.ExchangeAsync(Token(host, aud));
            await refused.AssertErrorAsync(403, "access_denied");
        }

        host.AssertNothingIssued();
        using var allowed = await host.ExchangeAsync(Token(host, $"[\"{Depthmark}\",\"{StsTestHost.Identifier}\"]"));
        await allowed.AssertSuccessAsync();
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task An_audience_pattern_needs_one_matching_aud()
    {
        // Repository files cannot hold audience_pattern (TrustPolicies can): serve one from a source of the test's own.
        await using var host = await StsTestHost.StartAsync(
            services: s => s.AddSingleton<IPolicySource>(new FixedPolicySource("pattern", "audience_pattern: 'aud-[a-z]+'")));
        host.StartTest();

        foreach (var aud in new[] { "\"aud-x\"", "[\"aud-1\",\"aud-x\"]", "[\"aud-x\",\"sts.amazonaws.com\"]" })
        {
            var before = host.IssuedMints().Count;
            using var allowed = await host.ExchangeAsync(Token(host, aud), identity: "pattern");
            await allowed.AssertSuccessAsync();
            Assert.Equal(before + 1, host.IssuedMints().Count);
        }

        var count = host.IssuedMints().Count;
        foreach (var aud in new[] { $"[\"{StsTestHost.Identifier}\",\"aud-1\"]", $"\"{StsTestHost.Identifier}\"" })
        {
            using var mismatch = await host.ExchangeAsync(Token(host, aud), identity: "pattern");
            await mismatch.AssertErrorAsync(403, "access_denied");
        }

        foreach (var aud in new[] { "[\"aud-1\",\"AUD-X\"]", "\"aud-x \"", "\"aud-x/\"", "[]", "[\"aud-x\",7]" })
        {
            using var foreign = await host.ExchangeAsync(Token(host, aud), identity: "pattern");
            await foreign.AssertErrorAsync(401, "invalid_token");
        }

        Assert.Equal(count, host.IssuedMints().Count);
    }

    private static string Token(StsTestHost host, string aud) => host.Issuer.CreateToken(t => t.Audience = JsonNode.Parse(aud));

    /// <summary>One compiled policy for one identity, consulted before repository files.</summary>
    private sealed class FixedPolicySource(string identity, string extra) : IPolicySource
    {
        private readonly ResolvedPolicy _policy = new(
            TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(StsTestHost.Policy(extra: extra)), PolicyScopeKind.Repository).Policy!,
            "test:" + identity);

        public int Order => RepositoryPolicySource.DefaultOrder - 1;

        public ValueTask<ResolvedPolicy?> FindAsync(PolicyLookup lookup, CancellationToken cancellationToken) =>
            ValueTask.FromResult(string.Equals(lookup.Identity, identity, StringComparison.Ordinal) ? _policy : null);
    }
}
