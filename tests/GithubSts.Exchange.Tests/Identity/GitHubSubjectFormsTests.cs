using System.Text.Json;
using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Tests.Identity;

public class GitHubSubjectFormsTests
{
    private const string IdForm = "repo:octo-org@123/app@456:ref:refs/heads/main";

    private static JsonElement Claims(string owner = "octo-org", string ownerId = "123", string repository = "octo-org/app", string repositoryId = "456") =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["repository_owner"] = owner,
            ["repository_owner_id"] = ownerId,
            ["repository"] = repository,
            ["repository_id"] = repositoryId,
        });

    [Theory]
    [InlineData(IdForm, "repo:octo-org/app:ref:refs/heads/main")]
    [InlineData("repo:octo-org@123/app@456:environment:production", "repo:octo-org/app:environment:production")]
    [InlineData("repo:octo-org@123/app@456:pull_request", "repo:octo-org/app:pull_request")]
    [InlineData("repo:octo-org@123/app@456:ref:refs/heads/feature/a@b:c", "repo:octo-org/app:ref:refs/heads/feature/a@b:c")]
    public void An_id_form_subject_confirmed_by_the_claims_has_a_name_form(string subject, string expected) =>
        Assert.Equal(expected, GitHubSubjectForms.NameFormOf(subject, Claims()));

    public static TheoryData<string, JsonElement> Unconfirmed => new()
    {
        { IdForm, Claims(ownerId: "124") },
        { IdForm, Claims(repositoryId: "457") },
        { IdForm, Claims(repositoryId: "0456") },
        { IdForm, Claims(owner: "Octo-Org") },
        { IdForm, Claims(owner: "evil-org") },
        { IdForm, Claims(repository: "octo-org/App") },
        { IdForm, Claims(repository: "evil-org/app") },
        { IdForm, Claims(repository: "octo-org/app2") },
        { IdForm, Claims(repository: "octo-org/xapp") },
        { IdForm, Claims(repository: "octo-orgx/app") },
        { IdForm, Claims(repository: "octo-org") },
        { IdForm, JsonSerializer.SerializeToElement(new { repository_owner = "octo-org", repository_owner_id = 123, repository = "octo-org/app", repository_id = 456 }) },
        { IdForm, JsonSerializer.SerializeToElement(new { repository_owner = "octo-org", repository = "octo-org/app" }) },
        { IdForm, JsonSerializer.SerializeToElement(new { sub = IdForm }) },
        { "repo:octo-org/app:ref:refs/heads/main", Claims() },
        { "repo:octo-org@123/app:ref:refs/heads/main", Claims() },
        { "repo:octo-org/app@456:ref:refs/heads/main", Claims() },
        { "repo:octo-org@/app@456:ref:refs/heads/main", Claims(ownerId: "") },
        { "repo:octo-org@12a/app@456:ref:refs/heads/main", Claims(ownerId: "12a") },
        { "repo:octo-org@123@123/app@456:ref:refs/heads/main", Claims() },
        { "repo:octo-org@123/app@456", Claims() },
        { "repo:@123/app@456:ref:refs/heads/main", Claims(owner: "") },
        { "Repo:octo-org@123/app@456:ref:refs/heads/main", Claims() },
        { "system:serviceaccount:octo-org@123/app@456:x", Claims() },
        { "repo:octo-org@\uFF11\uFF12\uFF13/app@456:ref:refs/heads/main", Claims(ownerId: "\uFF11\uFF12\uFF13") },
    };

    [Theory]
    [MemberData(nameof(Unconfirmed))]
    public void Without_claims_that_confirm_every_part_there_is_no_name_form(string subject, JsonElement claims) =>
        Assert.Null(GitHubSubjectForms.NameFormOf(subject, claims));

    [Fact]
    public void Only_listed_github_actions_issuers_get_a_name_form()
    {
        var issuers = new GitHubActionsIssuers([GitHubActionsIssuers.GitHubCom]);
        Assert.True(issuers.Contains("https://token.actions.githubusercontent.com"));
        Assert.False(issuers.Contains("https://token.actions.githubusercontent.com/"));
        Assert.False(issuers.Contains("https://TOKEN.actions.githubusercontent.com"));
        Assert.False(issuers.Contains("https://example.com"));
    }
}
