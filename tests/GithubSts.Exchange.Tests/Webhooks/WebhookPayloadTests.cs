using System.Text.Json;
using GithubSts.Exchange.Webhooks;

namespace GithubSts.Exchange.Tests.Webhooks;

public sealed class WebhookPayloadTests
{
    private const string Repository = """
        "repository": {"name": "octo-repo", "default_branch": "main", "owner": {"login": "octo-org"}},
        "installation": {"id": 42}
        """;

    [Fact]
    public void A_push_lists_every_changed_path_and_what_is_gone_at_its_head()
    {
        var push = Read($$"""
            {"ref": "refs/heads/main", "after": "{{new string('a', 40)}}", "commits": [
              {"added": ["a.yaml"], "modified": [], "removed": ["b.yaml"]},
              {"added": ["b.yaml"], "modified": ["c.yaml"], "removed": ["a.yaml"]}
            ], {{Repository}}}
            """);
        Assert.True(push.IsToDefaultBranch);
        Assert.True(push.Complete);
        Assert.Equal(["a.yaml", "b.yaml", "c.yaml"], push.Changed.Order(StringComparer.Ordinal));
        Assert.Equal(["a.yaml"], push.Removed);
        Assert.Equal(42, push.Repository.InstallationId);
    }

    [Fact]
    public void A_forced_push_is_not_a_complete_list()
    {
        var push = Read($$"""{"ref": "refs/heads/feature", "after": "x", "forced": true, "commits": [], {{Repository}}}""");
        Assert.False(push.Complete);
        Assert.False(push.IsToDefaultBranch);
    }

    [Theory]
    [InlineData("""{"ref": "refs/heads/main", "after": "x", "commits": [], "repository": {"name": "../x", "default_branch": "main", "owner": {"login": "octo-org"}}, "installation": {"id": 1}}""")]
    [InlineData("""{"ref": "refs/heads/main", "after": "x", "commits": [], "repository": {"name": "r", "default_branch": "main", "owner": {"login": "a/b"}}, "installation": {"id": 1}}""")]
    [InlineData("""{"ref": "refs/heads/main", "after": "x", "commits": [], "repository": {"name": "r", "default_branch": "main", "owner": {"login": "o"}}, "installation": {"id": 0}}""")]
    [InlineData("""{"ref": "refs/heads/main", "after": "x", "commits": [{"added": "a.yaml"}], "repository": {"name": "r", "default_branch": "main", "owner": {"login": "o"}}, "installation": {"id": 1}}""")]
    [InlineData("""{"ref": "refs/heads/main", "after": "x", "repository": {"name": "r", "default_branch": "main", "owner": {"login": "o"}}, "installation": {"id": 1}}""")]
    [InlineData("""[]""")]
    public void A_push_outside_the_grammar_is_not_read(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Null(PushEvent.Read(document.RootElement));
    }

    [Fact]
    public void A_pull_request_needs_full_commit_shas()
    {
        using var good = JsonDocument.Parse($$"""
            {"action": "opened", "pull_request": {"base": {"sha": "{{new string('1', 40)}}" }, "head": {"sha": "{{new string('2', 40)}}" } }, {{Repository}} }
            """);
        Assert.True(PullRequestEvent.Read(good.RootElement)!.AsksForCheck);

        using var branchName = JsonDocument.Parse($$"""
            {"action": "opened", "pull_request": {"base": {"sha": "main" }, "head": {"sha": "{{new string('2', 40)}}" } }, {{Repository}} }
            """);
        Assert.Null(PullRequestEvent.Read(branchName.RootElement));
    }

    private static PushEvent Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return PushEvent.Read(document.RootElement)!;
    }
}
