using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>security.md §5.C with a manual clock and the default 60 s skew (S).</summary>
public sealed class TimeClaimTests : IdentityTestBase
{
    private const int S = 60;

    private DateTimeOffset Now => Time.GetUtcNow();

    [Fact]
    public async Task C01_expired_beyond_the_skew_is_refused()
    {
        await RejectsOfflineAsync(Token(exp: Now.AddSeconds(-S - 1), iat: Now.AddMinutes(-5)), TokenRejectionReason.Expired);
    }

    [Fact]
    public async Task C01_expiry_exactly_at_now_minus_skew_is_refused()
    {
        await RejectsOfflineAsync(Token(exp: Now.AddSeconds(-S), iat: Now.AddMinutes(-5)), TokenRejectionReason.Expired);
    }

    [Fact]
    public async Task C02_expired_within_the_skew_is_accepted()
    {
        await Harness.ValidateAsync(Token(exp: Now.AddSeconds(-S + 1), iat: Now.AddMinutes(-5)));
    }

    [Fact]
    public async Task C03_expired_four_minutes_ago_is_refused_although_IdentityModel_would_accept_it()
    {
        await RejectsOfflineAsync(Token(exp: Now.AddSeconds(-240), iat: Now.AddMinutes(-10)), TokenRejectionReason.Expired);
    }

    [Fact]
    public async Task C04_missing_exp_is_refused()
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Omit.Add("exp")), TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("\"1795300711\"")]
    [InlineData("1795300711.5")]
    [InlineData("1795300711.0")]
    [InlineData("1e300")]
    [InlineData("1E9")]
    [InlineData("1795300711e0")]
    [InlineData("-1")]
    [InlineData("9223372036854775808")]
    [InlineData("253402300800")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[1795300711]")]
    [InlineData("{}")]
    public async Task C05_exp_that_is_not_an_integer_NumericDate_in_range_is_refused(string raw)
    {
        await RejectsOfflineAsync(WithRawClaim("exp", raw), TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("nbf", "\"0\"")]
    [InlineData("nbf", "1.5")]
    [InlineData("iat", "\"now\"")]
    [InlineData("iat", "-5")]
    [InlineData("iat", "null")]
    public async Task Non_integer_nbf_or_iat_is_refused(string claim, string raw)
    {
        await RejectsOfflineAsync(WithRawClaim(claim, raw), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task C06_not_before_beyond_the_skew_is_refused()
    {
        await RejectsOfflineAsync(Token(nbf: Now.AddSeconds(S + 1), iat: Now), TokenRejectionReason.NotYetValid);
    }

    [Fact]
    public async Task C06_not_before_at_the_skew_boundary_is_accepted()
    {
        await Harness.ValidateAsync(Token(nbf: Now.AddSeconds(S), iat: Now));
    }

    [Fact]
    public async Task C07_issued_in_the_future_beyond_the_skew_is_refused()
    {
        await RejectsOfflineAsync(Token(iat: Now.AddSeconds(S + 1), omitNbf: true), TokenRejectionReason.IssuedInFuture);
        await RejectsOfflineAsync(Token(iat: Now.AddDays(1), exp: Now.AddDays(1).AddMinutes(5), omitNbf: true), TokenRejectionReason.IssuedInFuture);
    }

    [Fact]
    public async Task C07_issued_at_the_skew_boundary_is_accepted()
    {
        await Harness.ValidateAsync(Token(iat: Now.AddSeconds(S), omitNbf: true));
    }

    [Fact]
    public async Task C08_lifetime_above_the_issuer_override_is_refused_and_at_it_accepted()
    {
        using var harness = ValidatorHarness.Create(Time, new OidcValidationOptions
        {
            AllowedIssuers = [Idp.Iss],
            IssuerMaxTokenLifetime = new Dictionary<string, TimeSpan>(StringComparer.Ordinal) { [Idp.Iss] = TimeSpan.FromHours(1) },
        });

        await harness.RejectsAsync(Token(iat: Now, exp: Now.AddSeconds(3601)), TokenRejectionReason.LifetimeTooLong);
        await harness.ValidateAsync(Token(iat: Now, exp: Now.AddSeconds(3600)));
    }

    [Fact]
    public async Task C09_ten_year_lifetime_is_refused()
    {
        await RejectsOfflineAsync(Token(iat: Now, exp: Now.AddYears(10)), TokenRejectionReason.LifetimeTooLong);
    }

    [Fact]
    public async Task Lifetime_counts_from_nbf_first_then_iat_then_now()
    {
        // nbf wins over iat: nbf = now, exp = now + 23 h is fine even with iat an hour earlier.
        await Harness.ValidateAsync(Token(iat: Now.AddHours(-1), nbf: Now, exp: Now.AddHours(23)));

        // Without nbf and iat the lifetime counts from now.
        await RejectsOfflineAsync(TokenWithout(["iat", "nbf"], exp: Now.AddHours(24).AddSeconds(1)), TokenRejectionReason.LifetimeTooLong);
        await Harness.ValidateAsync(TokenWithout(["iat", "nbf"], exp: Now.AddHours(24)));
    }

    [Theory]
    [InlineData("nbf")]
    [InlineData("iat")]
    public async Task C10_exp_before_nbf_or_iat_is_refused(string claim)
    {
        var token = claim == "nbf"
            ? Token(nbf: Now, iat: Now.AddSeconds(-30), exp: Now.AddSeconds(-1))
            : Token(iat: Now, exp: Now.AddSeconds(-1), omitNbf: true);
        await RejectsOfflineAsync(token, TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task C11_old_token_is_refused_through_the_lifetime_bound()
    {
        // Dex-style 24 h token issued 23 h ago against a 1 h issuer maximum.
        using var harness = ValidatorHarness.Create(Time, new OidcValidationOptions
        {
            AllowedIssuers = [Idp.Iss],
            IssuerMaxTokenLifetime = new Dictionary<string, TimeSpan>(StringComparer.Ordinal) { [Idp.Iss] = TimeSpan.FromHours(1) },
        });
        await harness.RejectsAsync(Token(iat: Now.AddHours(-23), exp: Now.AddHours(1)), TokenRejectionReason.LifetimeTooLong);

        // With the default 24 h maximum, a token can be at most 24 h + skew old.
        await RejectsOfflineAsync(Token(iat: Now.AddHours(-24), exp: Now.AddSeconds(1)), TokenRejectionReason.LifetimeTooLong);
        await Harness.ValidateAsync(Token(iat: Now.AddHours(-23), exp: Now.AddHours(1)));
    }

    [Fact]
    public async Task C12_server_clock_ahead_of_the_issuer_fails_predictably()
    {
        await WarmAsync();
        var issuedByIdp = Token(iat: Now, exp: Now.AddMinutes(5));
        Time.Advance(TimeSpan.FromMinutes(10));
        await Harness.RejectsAsync(issuedByIdp, TokenRejectionReason.Expired);
    }

    [Fact]
    public async Task Skew_is_configurable_down_to_zero()
    {
        using var strict = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowedIssuers = [Idp.Iss], ClockSkew = TimeSpan.Zero });
        await strict.RejectsAsync(Token(exp: Now, iat: Now.AddMinutes(-1)), TokenRejectionReason.Expired);
        await strict.RejectsAsync(Token(nbf: Now.AddSeconds(1), iat: Now), TokenRejectionReason.NotYetValid);
        await strict.ValidateAsync(Token(exp: Now.AddSeconds(1), iat: Now.AddMinutes(-1)));
    }

    private string Token(DateTimeOffset? exp = null, DateTimeOffset? iat = null, DateTimeOffset? nbf = null, bool omitNbf = false) =>
        Idp.CreateToken(spec =>
        {
            spec.ExpiresAt = exp ?? Now.AddMinutes(5);
            spec.IssuedAt = iat ?? Now;
            spec.NotBefore = nbf ?? iat ?? Now;
            if (omitNbf || (nbf is null && iat is not null && exp is not null && exp < iat))
            {
                spec.Omit.Add("nbf");
            }
        });

    private string TokenWithout(string[] omitted, DateTimeOffset exp) => Idp.CreateToken(spec =>
    {
        spec.ExpiresAt = exp;
        spec.Omit.UnionWith(omitted);
    });

    /// <summary>A signed token whose claim has this exact JSON text (no re-serialisation).</summary>
    private string WithRawClaim(string name, string raw)
    {
        var now = Now.ToUnixTimeSeconds();
        var claims = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["iss"] = $"\"{Idp.Iss}\"",
            ["sub"] = "\"repo:org/repo\"",
            ["aud"] = "\"https://sts.example.com\"",
            ["iat"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["exp"] = (now + 300).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [name] = raw,
        };
        var payload = "{" + string.Join(',', claims.Select(c => $"\"{c.Key}\":{c.Value}")) + "}";
        return TestOidcIssuer.Forge($$"""{"alg":"RS256","kid":"{{Idp.DefaultKey.KeyId}}"}""", payload, SigningChoice.With(Idp.DefaultKey));
    }

    private async Task RejectsOfflineAsync(string token, TokenRejectionReason reason)
    {
        var before = Idp.TotalRequests;
        await Harness.RejectsAsync(token, reason);
        Assert.Equal(before, Idp.TotalRequests);
    }
}
