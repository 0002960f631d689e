using System.Text.Json;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Webhooks;

/// <summary>The repository and installation every event this endpoint acts on carries.</summary>
internal sealed record WebhookRepository(string Owner, string Name, string DefaultBranch, long InstallationId)
{
    /// <summary>Null unless the names pass the same grammar as exchange requests and the installation id is positive.</summary>
    public static WebhookRepository? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("repository", out var repository) || repository.ValueKind != JsonValueKind.Object
            || String(repository, "name") is not { } name || !NameGrammar.IsRepository(name)
            || String(repository, "default_branch") is not { Length: > 0 } defaultBranch
            || !repository.TryGetProperty("owner", out var owner) || owner.ValueKind != JsonValueKind.Object
            || String(owner, "login") is not { } login || !NameGrammar.IsOwner(login)
            || !root.TryGetProperty("installation", out var installation) || installation.ValueKind != JsonValueKind.Object
            || !installation.TryGetProperty("id", out var id) || !id.TryGetInt64(out var installationId) || installationId <= 0)
        {
            return null;
        }

        return new WebhookRepository(login, name, defaultBranch, installationId);
    }

    internal static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A <c>push</c>: the branch, the new head, and the paths its commits changed.</summary>
/// <param name="Complete">
/// False when the paths may not be all that changed: a forced push (commits that vanished from the branch are not
/// listed) or GitHub's 2048-commit cap.
/// </param>
internal sealed record PushEvent(
    WebhookRepository Repository, string Ref, string After, bool Deleted, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed, bool Complete)
{
    public const int MaxListedCommits = 2048;

    public bool IsToDefaultBranch => string.Equals(Ref, "refs/heads/" + Repository.DefaultBranch, StringComparison.Ordinal);

    public bool IsBranch => Ref.StartsWith("refs/heads/", StringComparison.Ordinal);

    public static PushEvent? Read(JsonElement root)
    {
        if (WebhookRepository.Read(root) is not { } repository
            || WebhookRepository.String(root, "ref") is not { Length: > 0 } reference
            || WebhookRepository.String(root, "after") is not { } after
            || !root.TryGetProperty("commits", out var commits) || commits.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var deleted = root.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
        var forced = root.TryGetProperty("forced", out var f) && f.ValueKind == JsonValueKind.True;
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var commit in commits.EnumerateArray())
        {
            count++;
            if (commit.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // In commit order: a file removed and then added again exists at the head, and the reverse does not.
            foreach (var (list, isRemoval) in new[] { ("added", false), ("modified", false), ("removed", true) })
            {
                if (!commit.TryGetProperty(list, out var paths))
                {
                    continue;
                }

                if (paths.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                foreach (var path in paths.EnumerateArray())
                {
                    if (path.ValueKind != JsonValueKind.String || path.GetString() is not { Length: > 0 } text)
                    {
                        return null;
                    }

                    changed.Add(text);
                    if (isRemoval)
                    {
                        removed.Add(text);
                    }
                    else
                    {
                        removed.Remove(text);
                    }
                }
            }
        }

        return new PushEvent(repository, reference, after, deleted, [.. changed], [.. removed], !forced && count < MaxListedCommits);
    }
}

/// <summary>A <c>pull_request</c>: the action and the two commits to compare.</summary>
internal sealed record PullRequestEvent(WebhookRepository Repository, string Action, string BaseSha, string HeadSha)
{
    public bool AsksForCheck => Action is "opened" or "synchronize" or "reopened";

    public static PullRequestEvent? Read(JsonElement root)
    {
        if (WebhookRepository.Read(root) is not { } repository
            || WebhookRepository.String(root, "action") is not { Length: > 0 } action
            || !root.TryGetProperty("pull_request", out var pull) || pull.ValueKind != JsonValueKind.Object
            || Sha(pull, "base") is not { } baseSha || Sha(pull, "head") is not { } headSha)
        {
            return null;
        }

        return new PullRequestEvent(repository, action, baseSha, headSha);
    }

    private static string? Sha(JsonElement pull, string side) =>
        pull.TryGetProperty(side, out var end) && end.ValueKind == JsonValueKind.Object
        && WebhookRepository.String(end, "sha") is { } sha && GitHubApiClient.IsCommitSha(sha) ? sha : null;
}
