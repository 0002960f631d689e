using System.Diagnostics;
using GithubSts.Exchange.Policies;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 9 item 1 over HTTP against the real service and the GitHub simulator: repository policy files whose patterns
/// would exhaust CPU or memory (exponential shapes, constructs the whitelist refuses, too many or too long patterns)
/// grant nothing and answer quickly; an accepted worst case still grants exactly what it allows; one owner cannot
/// exceed the heavy-pattern budget by spreading patterns over many files.
/// </summary>
public sealed class PatternBudgetSecurityTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    /// <summary>Far above what a denial costs here (milliseconds), far below what the attacks cost unbounded (seconds).</summary>
    private static readonly TimeSpan WallBound = TimeSpan.FromSeconds(5);

    /// <summary>An 8 KiB claim shaped to make every hostile pattern below backtrack or grow its automaton.</summary>
    private static readonly string HostileClaim = new string('a', 8 * 1024) + "!";

    private readonly StsTestHost _host = fixture.Host.StartTest();

    [Theory]
    [InlineData("pb-alt-same", "(a|a)*")]
    [InlineData("pb-alt-prefix", "(a|aa)*b")]
    [InlineData("pb-nested", "(a+)+$")]
    [InlineData("pb-stars", "a.*a.*a.*a.*b")]
    [InlineData("pb-counted", "(.*a.{8}){3}")]
    [InlineData("pb-counted-alt", "(a|b)*a(a|b){12}")]
    [InlineData("pb-optional", "(.?){50}")]
    [InlineData("pb-comment", "(a(?#x)*)*b")]
    [InlineData("pb-comment-atom", "a(?#x)+b")]
    [InlineData("pb-named-ref", @"(a)\k<1>")]
    [InlineData("pb-angle-ref", @"(a)\<1>")]
    [InlineData("pb-quote-ref", @"(a)\''1''")]
    [InlineData("pb-numbered-ref", @"(a)\1")]
    [InlineData("pb-inline-option", "(?i)a*")]
    [InlineData("pb-inline-group", "(?i:a)*")]
    [InlineData("pb-lookahead", "(?=a)a*")]
    [InlineData("pb-lookbehind", "a*(?<=a)")]
    [InlineData("pb-negative-look", "(?!b)a*")]
    [InlineData("pb-atomic", "(?>a*)")]
    [InlineData("pb-conditional", "(a)?(?(1)a|b)")]
    [InlineData("pb-balancing", "(?<o>a)(?<-o>a)")]
    [InlineData("pb-unicode-class", @"\w*")]
    [InlineData("pb-unrolled", "([a-z]{100}){10}")]
    [InlineData("pb-wide-alphabet", ".*a.*b.*c.*d.*e.*f.*g.*h.*i.*j.*k.*l.*m.*n.*o.*p.*q.*r.*s.*t.*u.*v.*w.*x.*y.*z")]
    [InlineData("pb-long-chain", "(.*a){100}")]
    [InlineData("pb-wide-literals", "octo-org/.*/\\.github/workflows/.*@refs/heads/main")]
    [InlineData("pb-interpreter-work", ".*d.{60}")]
    public async Task A_hostile_claim_pattern_grants_nothing_and_answers_quickly(string identity, string pattern)
    {
        // Single-quoted YAML: the pattern's backslashes reach the parser as written ('' is one quote).
        _host.SetPolicy(identity, StsTestHost.Policy(extra: $"claim_pattern:\n  x: '{pattern}'"));
        var token = _host.Issuer.CreateToken(t => t.Claims["x"] = HostileClaim);

        var started = Stopwatch.StartNew();
        using var response = await _host.ExchangeAsync(token, identity: identity);
        await response.AssertErrorAsync(403, "access_denied");
        Assert.True(started.Elapsed < WallBound, $"{pattern} took {started.Elapsed}");
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("pb-subject-comment", "repo:octo-org/octo-repo:ref:refs/heads/(m(?#x)*)*")]
    [InlineData("pb-subject-option", "(?i)repo:octo-org/octo-repo:ref:refs/heads/main")]
    [InlineData("pb-subject-ref", @"repo:octo-org/(octo)-repo:ref:refs/heads/\k<1>")]
    [InlineData("pb-subject-look", "repo:octo-org/octo-repo:ref:refs/heads/(?=main)main")]
    public async Task A_refused_subject_pattern_makes_the_policy_invalid_even_for_a_subject_it_would_match(string identity, string pattern)
    {
        var yaml = StsTestHost.Policy().Replace(
            "subject: repo:octo-org/octo-repo:ref:refs/heads/main", $"subject_pattern: '{pattern}'", StringComparison.Ordinal);
        _host.SetPolicy(identity, yaml);

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: identity);

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A_policy_over_the_pattern_count_or_length_grants_nothing()
    {
        var tooMany = string.Concat(Enumerable.Range(0, TrustPolicyCompiler.MaxPatternsPerPolicy + 1).Select(i => $"\n  c{i}: v"));
        _host.SetPolicy("pb-count", StsTestHost.Policy(extra: "claim_pattern:" + tooMany));
        _host.SetPolicy("pb-length", StsTestHost.Policy(extra: $"claim_pattern:\n  c0: '{new string('v', 300)}'"));
        var token = _host.Issuer.CreateToken(t =>
        {
            for (var i = 0; i <= TrustPolicyCompiler.MaxPatternsPerPolicy; i++)
            {
                t.Claims[$"c{i}"] = "v";
            }
        });

        foreach (var identity in new[] { "pb-count", "pb-length" })
        {
            using var response = await _host.ExchangeAsync(token, identity: identity);
            await response.AssertErrorAsync(403, "access_denied");
        }

        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task More_heavy_patterns_than_a_policy_may_hold_grant_nothing()
    {
        // Five patterns for the linear-time engine, every one matching: only the per-policy heavy budget refuses it.
        _host.SetPolicy("pb-heavy5", StsTestHost.Policy(extra: HeavyClaims(5)));
        using var response = await _host.ExchangeAsync(HeavyToken(5), identity: "pb-heavy5");

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task Heavy_patterns_over_the_policy_memory_budget_together_grant_nothing_though_each_fits_alone()
    {
        // About 1.0 and 1.5 MB in the linear-time engine: either one is a valid policy, both exceed 2 MB.
        const string Subject = "repo:octo-org/.*:ref:refs/heads/.*";
        const string Workflow = "https://token\\.actions\\.githubusercontent\\.com/.*/.*";
        _host.SetPolicy("pb-mem-one", StsTestHost.Policy(extra: $"claim_pattern:\n  a: '{Subject}'"));
        _host.SetPolicy("pb-mem-two", StsTestHost.Policy(extra: $"claim_pattern:\n  a: '{Subject}'\n  b: '{Workflow}'"));
        var token = _host.Issuer.CreateToken(t =>
        {
            t.Claims["a"] = "repo:octo-org/octo-repo:ref:refs/heads/main";
            t.Claims["b"] = "https://token.actions.githubusercontent.com/octo-org/x";
        });

        using var both = await _host.ExchangeAsync(token, identity: "pb-mem-two");
        await both.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();

        using var one = await _host.ExchangeAsync(token, identity: "pb-mem-one");
        await one.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("""{"permissions":{"contents":"read"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson));
    }

    [Fact]
    public async Task The_worst_accepted_policy_file_grants_exactly_what_it_allows_and_denies_a_hostile_claim_quickly()
    {
        // The budget's worst case: the maximum of heavy patterns, the rest of the pattern count on the interpreter.
        var interpreted = string.Concat(Enumerable.Range(0, TrustPolicyCompiler.MaxPatternsPerPolicy - 2 - HeavyPerPolicy)
            .Select(i => $"\n  w{i}: '[a-z]*a{{0,2}}!'"));
        _host.SetPolicy("pb-worst", StsTestHost.Policy("contents: read\n  issues: write", HeavyClaims(HeavyPerPolicy) + interpreted));
        var matching = _host.Issuer.CreateToken(t =>
        {
            AddHeavyClaims(t.Claims, HeavyPerPolicy);
            for (var i = 0; i < TrustPolicyCompiler.MaxPatternsPerPolicy - 2 - HeavyPerPolicy; i++)
            {
                t.Claims[$"w{i}"] = "aaaa!";
            }
        });

        using var allowed = await _host.ExchangeAsync(matching, identity: "pb-worst");
        await allowed.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("""{"permissions":{"contents":"read","issues":"write"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson));

        var hostile = _host.Issuer.CreateToken(t =>
        {
            AddHeavyClaims(t.Claims, HeavyPerPolicy);
            t.Claims["h0"] = HostileClaim;
            for (var i = 0; i < TrustPolicyCompiler.MaxPatternsPerPolicy - 2 - HeavyPerPolicy; i++)
            {
                t.Claims[$"w{i}"] = "aaaa!";
            }
        });
        var started = Stopwatch.StartNew();
        using var denied = await _host.ExchangeAsync(hostile, identity: "pb-worst");
        await denied.AssertErrorAsync(403, "access_denied");
        Assert.True(started.Elapsed < WallBound, $"took {started.Elapsed}");
        Assert.Single(_host.IssuedMints());
    }

    [Fact]
    public async Task An_owner_cannot_spread_heavy_patterns_over_more_files_than_its_budget()
    {
        // A host of its own: the owner's budget is per replica, and this test fills it.
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "0");
        host.StartTest();
        var withinBudget = HeavyPatternBudget.PerOwner / HeavyPerPolicy;
        for (var i = 0; i <= withinBudget; i++)
        {
            host.SetPolicy($"pb-owner-{i}", StsTestHost.Policy(extra: HeavyClaims(HeavyPerPolicy)));
        }

        for (var i = 0; i < withinBudget; i++)
        {
            using var response = await host.ExchangeAsync(HeavyToken(HeavyPerPolicy, host), identity: $"pb-owner-{i}");
            await response.AssertSuccessAsync();
        }

        Assert.Equal(withinBudget, host.IssuedMints().Count);

        // The next file of the same owner, valid on its own, would take the owner past the budget: it grants nothing,
        // and the files already serving keep serving.
        using var beyond = await host.ExchangeAsync(HeavyToken(HeavyPerPolicy, host), identity: $"pb-owner-{withinBudget}");
        await beyond.AssertErrorAsync(403, "access_denied");
        Assert.Equal(withinBudget, host.IssuedMints().Count);
        using var still = await host.ExchangeAsync(HeavyToken(HeavyPerPolicy, host), identity: "pb-owner-0");
        await still.AssertSuccessAsync();
    }

    /// <summary>Heavy patterns a policy may hold (README, Pattern language).</summary>
    private const int HeavyPerPolicy = 4;

    /// <summary>Each pattern is heavy (not provably linear) yet accepted, and each matches <see cref="HeavyValue"/>.</summary>
    private static readonly string[] HeavyPatterns = ["(a|aa)*b", "(ab|a)*c", "(a+)+d", "a.*b.*c.*e", "(a|b|ab)*f"];

    private static string HeavyValue(int i) => i switch
    {
        0 => "aab",
        1 => "abac",
        2 => "aad",
        3 => "abce",
        _ => "abf",
    };

    private static string HeavyClaims(int count) =>
        "claim_pattern:" + string.Concat(Enumerable.Range(0, count).Select(i => $"\n  h{i}: '{HeavyPatterns[i]}'"));

    private static void AddHeavyClaims(Dictionary<string, System.Text.Json.Nodes.JsonNode?> claims, int count)
    {
        for (var i = 0; i < count; i++)
        {
            claims[$"h{i}"] = HeavyValue(i);
        }
    }

    private string HeavyToken(int count, StsTestHost? host = null) =>
        (host ?? _host).Issuer.CreateToken(t => AddHeavyClaims(t.Claims, count));
}
