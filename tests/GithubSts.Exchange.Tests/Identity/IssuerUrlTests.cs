using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>Issuer URL shape rules (security.md §2.C, §5.D D02/D03; octo-sts oidcvalidate cases).</summary>
public sealed class IssuerUrlTests
{
    public static TheoryData<string> AcceptedForAnyIssuer => new()
    {
        "https://token.actions.githubusercontent.com",
        "https://accounts.google.com",
        "https://example.com",
        "https://example.com/",
        "https://example.com/path",
        "https://example.com/path/",
        "https://example.com/auth/realms/master",
        "https://keycloak.example.com:8443/auth/realms/master",
        "https://example.com/user~name/path",
        "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
        "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
        "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        "https://dev-123.okta.com/oauth2/aus1abcd_x.y",
        "https://example.com/" + new string('a', 150),
    };

    public static TheoryData<string> AcceptedOnlyWhenListed => new()
    {
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
        "http://127.0.0.1",
        "https://xn--e1afmkfd.xn--p1ai",
        "https://keycloak.corp.internal",
        "https://metadata",
    };

    public static TheoryData<string> RejectedEvenWhenListed => new()
    {
        string.Empty,
        "not-a-url",
        "example.com",
        "ftp://example.com",
        "HTTPS://example.com",
        "Https://example.com",
        "https://Example.com",
        "https://EXAMPLE.COM",
        "http://example.com",
        "http://10.0.0.1",
        "http://169.254.169.254",
        "http://127.0.0.2",
        "https://127.0.0.1",
        "https://2130706433",
        "https://0x7f000001",
        "https://127.1",
        "https://[::ffff:127.0.0.1]",
        "https://[::1]",
        "https://169.254.169.254/latest/meta-data",
        "https://\u0435xample.com", // Cyrillic е
        "https://ex\u00e4mple.com",
        "https://e\u24cdample.com",
        "https://user:pass@example.com",
        "https://user@example.com",
        "https://example.com:443@evil.example",
        "https://example.com?x=1",
        "https://example.com?",
        "https://example.com#",
        "https://example.com#fragment",
        "https://example.com/controllablepath#",
        "https://example.com/path?query=value#fragment",
        "https://example.com/..",
        "https://example.com/../admin",
        "https://example.com/auth/../admin",
        "https://example.com/a..b",
        "https://example.com//admin",
        "https://example.com///admin",
        "https://example.com/./admin",
        "https://example.com/.",
        "https://example.com/~/admin",
        "https://example.com/config~",
        "https://example.com/~",
        "https://example.com/path~~backup",
        "https://example.com/%2e%2e/admin",
        "https://example.com/path%2F..%2Fadmin",
        "https://example.com/a\\b",
        "https://example.com/<script>",
        "https://example .com",
        "https://example\t.com",
        "https://example.com\n",
        "https://example.com/\u0000",
        "https://example.com/" + new string('a', 151),
        "https://" + new string('a', 300) + ".com",
        "https://",
        "https:///path",
        "https://example.com:",
        "https://example.com:0443",
        "https://example.com:99999",
        "https://example.com:80a",
        "https://-example.com",
        "https://example-.com",
        "https://example..com",
        "https://example.com.",
        "https://exa_mple.com",
        "https://[::1",
    };

    public static TheoryData<string> RejectedUnlessListed => new()
    {
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
        "https://localhost",
        "https://metadata",
        "https://metadata.google.internal",
        "https://idp.local",
        "https://router.lan",
        "https://1.0.0.127.in-addr.arpa",
        "https://xn--e1afmkfd.xn--p1ai",
        "https://xn--80ak6aa92e.com",
    };

    [Theory]
    [MemberData(nameof(AcceptedForAnyIssuer))]
    public void Accepts_well_formed_https_issuers_whether_listed_or_not(string issuer)
    {
        Assert.True(IssuerUrl.IsAcceptable(issuer, explicitlyListed: false, out var reason), reason);
        Assert.True(IssuerUrl.IsAcceptable(issuer, explicitlyListed: true, out reason), reason);
        Assert.Empty(reason);
    }

    [Theory]
    [MemberData(nameof(AcceptedOnlyWhenListed))]
    public void Accepts_loopback_http_private_and_IDN_hosts_only_when_listed(string issuer)
    {
        Assert.True(IssuerUrl.IsAcceptable(issuer, explicitlyListed: true, out var reason), reason);
    }

    [Theory]
    [MemberData(nameof(RejectedUnlessListed))]
    public void Rejects_loopback_http_private_and_IDN_hosts_when_not_listed(string issuer)
    {
        Assert.False(IssuerUrl.IsAcceptable(issuer, explicitlyListed: false, out var reason));
        Assert.NotEmpty(reason);
    }

    [Theory]
    [MemberData(nameof(RejectedEvenWhenListed))]
    public void Rejects_malformed_or_dangerous_issuers_even_when_listed(string issuer)
    {
        Assert.False(IssuerUrl.IsAcceptable(issuer, explicitlyListed: true, out var reason));
        Assert.False(IssuerUrl.IsAcceptable(issuer, explicitlyListed: false, out _));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Reason_never_echoes_the_input()
    {
        const string hostile = "https://example.com/<script>alert(1)</script>";
        Assert.False(IssuerUrl.IsAcceptable(hostile, explicitlyListed: false, out var reason));
        Assert.DoesNotContain("script", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_exactly_255_characters_and_rejects_256()
    {
        var prefix = "https://example.com/";
        var at255 = prefix + string.Join('/', Enumerable.Repeat(new string('a', 50), 5))[..(255 - prefix.Length)];
        Assert.Equal(255, at255.Length);
        Assert.True(IssuerUrl.IsAcceptable(at255, false, out var reason), reason);
        Assert.False(IssuerUrl.IsAcceptable(at255 + "a", false, out _));
    }
}
