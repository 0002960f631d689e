using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

/// <summary>Mirrors octo-sts <c>checkPatternCannotSpanHost</c> and its org_trusted_issuers tests (security.md F21).</summary>
public class IssuerPatternSpanTests
{
    [Theory]
    [InlineData(@"https://token\.actions\.githubusercontent\.com")]
    [InlineData(@"https://oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/[A-Z0-9]+")]
    [InlineData(@"https://login\.microsoftonline\.com/[0-9a-f-]+/v2\.0")]
    [InlineData(@"https://container\.googleapis\.com/v1/projects/[a-z0-9-]+/locations/[a-z0-9-]+/clusters/[a-z0-9-]+")]
    [InlineData(@"https://[a-z]+\.example\.com")]
    [InlineData(@"https://(a|b)\.example\.com")]
    [InlineData(@"https://[^/]+\.example\.com")]
    [InlineData(@"https://[^/.]+\.example\.com")]
    [InlineData(@"https:\/\/x\.example\.com")]
    [InlineData(@"https://x\.example\.com(:443)?")]
    [InlineData(@"https://[a-z\-]+\.com")]
    [InlineData(@"https://[^/\x2E]+\.example\.com")]
    [InlineData(@"https://x(/y){2}")] // a counted repetition with one count is a fixed position
    public void Patterns_that_keep_the_host_fixed_are_accepted(string pattern)
    {
        PolicyPattern.CompileIssuerPattern(pattern, "issuer_pattern");
    }

    [Theory]
    [InlineData(@"https://.*\.example\.com", "'.'")]
    [InlineData(@"https://.*.example.com", "'.'")]
    [InlineData(@"https://a.example\.com", "'.'")]
    [InlineData(@"https://[^.]+\.example\.com", "class")]
    [InlineData(@"https://[^\n]+\.example\.com", "class")]
    [InlineData(@"https://[.-9]+\.example\.com", "class")]
    [InlineData(@"https://[!-~]+\.example\.com", "class")]
    [InlineData(@"https://[a-z/]+\.com", "class")]
    [InlineData(@"https://[\x2f]\.com", "class")]
    [InlineData(@"https://[\u002F]\.com", "class")]
    [InlineData(@"https://[.-0]+\.com", "class")]
    [InlineData(@"https://x(/y){1,}", "quantifier")]
    [InlineData(@"https://x\u002F*", "quantifier")]
    [InlineData(@"https://(a/|b)\.com", "alternation")]
    [InlineData(@"https://x(/y)+", "quantifier")]
    [InlineData(@"https://x(/y)*", "quantifier")]
    [InlineData(@"https://x(/y)?", "quantifier")]
    [InlineData(@"https://x(/y){1,3}", "quantifier")]
    [InlineData(@"https://x/*", "quantifier")]
    [InlineData(@"https://x\/+", "quantifier")]
    [InlineData(@"https://x\x2F+", "quantifier")]
    [InlineData(@"https://a\.com|https://b\.com", "alternation")]
    [InlineData(@"https://a\.com/(x|(y/z))", "alternation")]
    public void Patterns_that_can_span_the_host_are_rejected(string pattern, string reason)
    {
        var error = PolicyTestKit.IssuerPatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Equal("issuer_pattern", error.Field);
        Assert.Contains("across the issuer host", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"https://\S+\.example\.com")]
    [InlineData(@"https://\w+\.example\.com")]
    public void Unicode_shorthands_are_rejected_before_the_span_rule(string pattern)
    {
        Assert.Contains("non-ASCII", PolicyTestKit.IssuerPatternError(pattern).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"https://x(?#/)\.com", "comment")] // a comment cannot hide a '/' from the rule: it is refused
    [InlineData(@"https://[a-z-[x]]+\.com", "subtraction")]
    [InlineData(@"https://[^a-[/]]\.com", "subtraction")]
    [InlineData(@"https://[[:ascii:]]\.com", "'['")]
    [InlineData(@"https://(?i)X\.com", "inline option")]
    [InlineData(@"https://(?<h>x)\.com\k<h>", "named group")]
    public void Constructs_that_could_hide_a_span_are_refused_outright(string pattern, string construct)
    {
        var error = PolicyTestKit.IssuerPatternError(pattern);

        Assert.Equal(PolicyErrorCode.InvalidPattern, error.Code);
        Assert.Contains(construct, error.Message, StringComparison.Ordinal);
        Assert.Contains("at offset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Span_rule_applies_to_issuer_pattern_in_the_compiler()
    {
        var errors = PolicyTestKit.CompileErrors("issuer_pattern: 'https://.*\\.example\\.com'\nsubject: s\npermissions: {contents: read}\n");

        var error = Assert.Single(errors);
        Assert.Equal("issuer_pattern", error.Field);
    }

    [Fact]
    public void Span_rule_does_not_apply_to_other_patterns()
    {
        PolicyTestKit.Compile("issuer: i\nsubject_pattern: 'repo:org/.*:ref:refs/heads/main'\naudience_pattern: 'a.b'\npermissions: {contents: read}\n");
    }

    [Fact]
    public void Rejected_span_example_would_otherwise_match_a_foreign_host()
    {
        // Why the rule exists: the plain anchored regex accepts an issuer on another host.
        var unchecked_ = PolicyPattern.Compile(@"https://.*\.example\.com", "issuer_pattern");

        Assert.True(unchecked_.IsMatch("https://totally-evil.com/x.example.com"));
    }
}
