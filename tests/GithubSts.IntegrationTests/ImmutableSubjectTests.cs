using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.Oidc;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 11 §3: GitHub Actions subjects in the immutable form (<c>repo:owner@id/repo@id:…</c>) against policies in the
/// name form and the id form, over HTTP, with the test issuer listed in <c>sts.githubActionsIssuers</c>.
/// </summary>
public sealed class ImmutableSubjectTests(ImmutableSubjectTests.Fixture fixture) : IClassFixture<ImmutableSubjectTests.Fixture>
{
    private const string NameFormSubject = "repo:octo-org/octo-repo:ref:refs/heads/main";
    private const string IdFormSubject = "repo:octo-org@111/octo-repo@222:ref:refs/heads/main";
    private readonly StsTestHost _host = fixture.Host.StartTest();

    private static void GitHubClaims(JwtSpec t, string subject, string ownerId = "111", string repositoryId = "222", string owner = "octo-org", string repository = "octo-org/octo-repo")
    {
        t.Subject = subject;
        t.Claims["repository_owner"] = owner;
        t.Claims["repository_owner_id"] = ownerId;
        t.Claims["repository"] = repository;
        t.Claims["repository_id"] = repositoryId;
    }

    [Theory]
    [InlineData("name-exact", IdFormSubject)]
    [InlineData("name-exact", NameFormSubject)]
    [InlineData("name-pattern", IdFormSubject)]
    [InlineData("name-pattern", NameFormSubject)]
    [InlineData("id-exact", IdFormSubject)]
    [InlineData("id-pattern", IdFormSubject)]
    public async Task A_subject_in_either_form_matches_a_policy_written_for_it(string identity, string subject)
    {
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => GitHubClaims(t, subject)), identity: identity);

        await response.AssertSuccessAsync();
        Assert.Single(_host.IssuedMints());
    }

    public static TheoryData<string, Action<JwtSpec>> Refused => new()
    {
        // A policy in the id form matches only the id form.
        { "id-exact", t => GitHubClaims(t, NameFormSubject) },
        { "id-pattern", t => GitHubClaims(t, NameFormSubject) },

        // Ids in the subject that the signed claims do not confirm.
        { "name-exact", t => GitHubClaims(t, IdFormSubject, ownerId: "999") },
        { "name-exact", t => GitHubClaims(t, IdFormSubject, repositoryId: "999") },
        { "name-pattern", t => GitHubClaims(t, IdFormSubject, repositoryId: "2220") },

        // Names in the subject that the claims do not carry (a renamed or another repository).
        { "name-exact", t => GitHubClaims(t, IdFormSubject, repository: "octo-org/renamed") },
        { "name-exact", t => GitHubClaims(t, IdFormSubject, owner: "other-org") },
        { "name-exact", t => GitHubClaims(t, "repo:evil-org@111/octo-repo@222:ref:refs/heads/main", owner: "evil-org", repository: "evil-org/octo-repo") },
        { "name-pattern", t => GitHubClaims(t, "repo:Octo-Org@111/octo-repo@222:ref:refs/heads/main") },

        // The claims missing, or not strings.
        { "name-exact", t => t.Subject = IdFormSubject },
        { "name-exact", t => { GitHubClaims(t, IdFormSubject); t.Claims["repository_id"] = 222; } },

        // The rest of the subject differs.
        { "name-exact", t => GitHubClaims(t, "repo:octo-org@111/octo-repo@222:ref:refs/heads/evil") },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_subject_the_claims_do_not_confirm_is_refused_and_nothing_is_minted(string identity, Action<JwtSpec> token)
    {
        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(token), identity: identity);

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task An_issuer_that_is_not_a_github_actions_issuer_keeps_its_subjects_as_they_are()
    {
        await using var other = await StsTestHost.StartAsync(env => env["GITHUBSTS_STS_GITHUB_ACTIONS_ISSUERS"] = "https://token.actions.githubusercontent.com");
        other.SetPolicy("name-exact", StsTestHost.Policy());
        other.StartTest();

        using var response = await other.ExchangeAsync(other.Issuer.CreateToken(t => GitHubClaims(t, IdFormSubject)), identity: "name-exact");

        await response.AssertErrorAsync(403, "access_denied");
        other.AssertNothingIssued();
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public StsTestHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // The test issuer (already in the allow-list when this runs) is a GitHub Actions issuer here.
            Host = await StsTestHost.StartAsync(env =>
            {
                env["GITHUBSTS_REPLAY_BACKEND"] = "memory";
                env["GITHUBSTS_STS_GITHUB_ACTIONS_ISSUERS"] = env["GITHUBSTS_STS_ALLOWED_ISSUERS"];
            });
            Host.SetPolicy("name-exact", StsTestHost.Policy());
            Host.SetPolicy("name-pattern", StsTestHost.Policy().Replace(
                "subject: repo:octo-org/octo-repo:ref:refs/heads/main", "subject_pattern: 'repo:octo-org/octo-repo:ref:refs/heads/(main|release/.+)'", StringComparison.Ordinal));
            Host.SetPolicy("id-exact", StsTestHost.Policy().Replace(
                "subject: repo:octo-org/octo-repo:ref:refs/heads/main", "subject: " + IdFormSubject, StringComparison.Ordinal));
            Host.SetPolicy("id-pattern", StsTestHost.Policy().Replace(
                "subject: repo:octo-org/octo-repo:ref:refs/heads/main", "subject_pattern: 'repo:octo-org@111/octo-repo@222:ref:refs/heads/.+'", StringComparison.Ordinal));
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
