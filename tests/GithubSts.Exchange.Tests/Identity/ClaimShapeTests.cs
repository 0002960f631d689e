using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>
/// Registered-claim types and shapes (security.md §5.E E01/E06, §5.F F02/F03 character rules). Which audience is
/// acceptable is the trust policy's decision; the validator only guarantees a non-empty list of non-empty strings.
/// </summary>
public sealed class ClaimShapeTests : IdentityTestBase
{
    [Fact]
    public async Task E01_missing_aud_is_refused()
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Omit.Add("aud")), TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("[\"\"]")]
    [InlineData("[123]")]
    [InlineData("[\"ok\",null]")]
    [InlineData("[[\"nested\"]]")]
    [InlineData("true")]
    public async Task E06_aud_that_is_not_a_string_or_non_empty_string_array_is_refused(string raw)
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Audience = JsonNode.Parse(raw)), TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("https://sts.example.com", "https://evil")]
    [InlineData("https://evil", "https://sts.example.com")]
    public async Task E05_multiple_audiences_are_carried_in_order_for_the_policy_to_judge(string first, string second)
    {
        var identity = await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Audience = new JsonArray(first, second)));
        Assert.Equal([first, second], identity.Audiences);
    }

    [Fact]
    public async Task Audience_with_trailing_slash_is_carried_verbatim()
    {
        var identity = await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Audience = "https://sts.example.com/"));
        Assert.Equal(["https://sts.example.com/"], identity.Audiences);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("[\"a\"]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("true")]
    public async Task Non_string_sub_is_refused(string raw)
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Claims["sub"] = JsonNode.Parse(raw)), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Missing_sub_is_refused()
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Omit.Add("sub")), TokenRejectionReason.InvalidClaim);
    }

    public static TheoryData<string> ForbiddenSubjects => new()
    {
        string.Empty,
        new string('a', 256),
        new string('a', 255) + "\u00e9",
        "repo:org/repo:ref:refs/heads/main\n",
        "\nrepo:org/evil",
        "repo:org/repo\u0000",
        "repo:org/repo\r",
        "repo:org/repo\t",
        "repo:org/repo x",
        "repo:org/\u001b[31mrepo",
        "repo:org/re\u200Bpo",
        "repo:org/repo\u00A0",
        "repo:org/repo\u2028",
        "repo:org/repo\uFEFF",
        "repo:org/repo\uE000",
        "repo:org/repo\u0085",
        "user\"123",
        "user'123",
        "user`123",
        "user\\123",
        "user<script>",
        "user>1",
        "user;123",
        "user&123",
        "user$123",
        "user(123)",
        "user{123}",
        "user[123]",
    };

    [Theory]
    [MemberData(nameof(ForbiddenSubjects))]
    public async Task F02_F03_sub_with_forbidden_characters_or_length_is_refused(string subject)
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Subject = subject), TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("repo:octo-org/octo-repo:ref:refs/heads/main")]
    [InlineData("system:serviceaccount:prod:deployer")]
    [InlineData("okta|00uhzsq8pw5e6bWGe0h7")]
    [InlineData("user+tag=value@example.com")]
    [InlineData("repo:octo-org@123456/app:environment:prod")]
    [InlineData("10769150350006150715113082367")]
    [InlineData("caf\u00e9")]
    [InlineData("cafe\u0301")]
    public async Task Ordinary_subjects_are_accepted_verbatim(string subject)
    {
        var identity = await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Subject = subject));
        Assert.Equal(subject, identity.Subject);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("null")]
    [InlineData("[\"x\"]")]
    [InlineData("\"\"")]
    public async Task Non_string_or_empty_iss_is_refused(string raw)
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Claims["iss"] = JsonNode.Parse(raw)), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Missing_iss_is_refused()
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Omit.Add("iss")), TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("\"\"")]
    [InlineData("null")]
    public async Task Non_string_or_empty_jti_is_refused(string raw)
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Claims["jti"] = JsonNode.Parse(raw)), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Jti_is_capped_at_256_characters()
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.TokenId = new string('j', 257)), TokenRejectionReason.InvalidClaim);
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.TokenId = new string('j', 256)));
    }

    [Fact]
    public async Task Custom_claims_of_any_JSON_type_are_kept_for_the_policy()
    {
        var identity = await Harness.ValidateAsync(Idp.CreateToken(spec =>
        {
            spec.Claims["run_attempt"] = 1;
            spec.Claims["email_verified"] = true;
            spec.Claims["groups"] = new JsonArray("a", "b");
            spec.Claims["nothing"] = null;
        }));

        Assert.True(identity.TryGetClaim("run_attempt", out var attempt));
        Assert.Equal(1, attempt.GetInt32());
        Assert.True(identity.TryGetClaim("email_verified", out var verified));
        Assert.True(verified.GetBoolean());
        Assert.True(identity.TryGetClaim("nothing", out var nothing));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, nothing.ValueKind);
    }

    private async Task RejectsOfflineAsync(string token, TokenRejectionReason reason)
    {
        await Harness.RejectsAsync(token, reason);
        Assert.Equal(0, Idp.TotalRequests);
    }
}
