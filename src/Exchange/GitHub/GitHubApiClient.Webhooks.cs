using System.Globalization;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>The calls the webhook needs: an installation's permissions, files and changes at a commit, check runs.</summary>
public sealed partial class GitHubApiClient
{
    /// <summary>The most changed files a comparison reports (GitHub's own limit for the compare API).</summary>
    public const int MaxComparedFiles = 300;

    /// <summary>GET /app/installations/{id}: the account and the permissions the installation holds.</summary>
    /// <exception cref="GitHubNotFoundException">No such installation of this App.</exception>
    public Task<InstallationDetails> GetInstallationAsync(GitHubAppCredentials app, long installationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(installationId);
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Get,
            Uri = BuildUri(app, $"app/installations/{installationId.ToString(CultureInfo.InvariantCulture)}"),
            Operation = "installation details",
            Idempotent = true,
            RateLimitBucket = RateLimitTracker.AppBucket,
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            using var document = await SendForJsonAsync(request, token);
            return InstallationDetails.Read(document.RootElement) ?? throw Malformed(request);
        }, ct);
    }

    /// <summary>
    /// GET /repos/{owner}/{repo}/contents/{path}?ref={sha}: the file at one commit (never a branch name, which the
    /// pusher chooses). Null when the file does not exist there or is not a file.
    /// </summary>
    public Task<string?> GetRepositoryFileAtCommitAsync(
        GitHubAppCredentials app, string installationToken, string owner, string repository, string path, string commitSha, int maxBytes,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ValidateInstallationToken(installationToken);
        GitHubNames.ValidateOwner(owner);
        GitHubNames.ValidateRepository(repository);
        ValidateCommitSha(commitSha);
        return ReadFileAsync(app, installationToken, owner, repository, path, commitSha, maxBytes, ct);
    }

    /// <summary>
    /// GET /repos/{owner}/{repo}/compare/{base}...{head}: the files a pull request changes (at most
    /// <see cref="MaxComparedFiles"/>), with their status.
    /// </summary>
    public Task<IReadOnlyList<ChangedFile>> CompareCommitsAsync(
        GitHubAppCredentials app, string installationToken, string owner, string repository, string baseSha, string headSha,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ValidateInstallationToken(installationToken);
        GitHubNames.ValidateOwner(owner);
        GitHubNames.ValidateRepository(repository);
        ValidateCommitSha(baseSha);
        ValidateCommitSha(headSha);
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Get,
            Uri = BuildUri(app, $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repository)}/compare/{baseSha}...{headSha}"),
            Operation = "commit comparison",
            InstallationToken = installationToken,
            Idempotent = true,
            RateLimitBucket = RateLimitTracker.OwnerBucket(owner),
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            using var document = await SendForJsonAsync(request, token);
            return ChangedFile.ReadComparison(document.RootElement) ?? throw Malformed(request);
        }, ct);
    }

    /// <summary>POST /repos/{owner}/{repo}/check-runs with a token holding <c>checks: write</c> on that repository.</summary>
    public Task CreateCheckRunAsync(
        GitHubAppCredentials app, string installationToken, string owner, string repository, CheckRun checkRun, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(checkRun);
        ValidateInstallationToken(installationToken);
        GitHubNames.ValidateOwner(owner);
        GitHubNames.ValidateRepository(repository);
        ValidateCommitSha(checkRun.HeadSha);
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Post,
            Uri = BuildUri(app, $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repository)}/check-runs"),
            Operation = "check run creation",
            InstallationToken = installationToken,
            RateLimitBucket = RateLimitTracker.OwnerBucket(owner),
            JsonBody = checkRun.ToJson(),
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            using var response = await SendAsync(request, token);
            return true;
        }, ct);
    }

    /// <summary>A full 40-hex commit id: the only ref the webhook code ever sends.</summary>
    public static bool IsCommitSha(string? value) =>
        value is { Length: 40 } && value.All(char.IsAsciiHexDigitLower);

    private static void ValidateCommitSha(string sha)
    {
        if (!IsCommitSha(sha))
        {
            throw new ArgumentException("a commit must be named by its full lowercase SHA-1", nameof(sha));
        }
    }

    /// <summary>Adds a query built only from validated parts, after <see cref="BuildUri"/> checked the path.</summary>
}

/// <summary>What <c>GET /app/installations/{id}</c> says about an installation.</summary>
public sealed record InstallationDetails(long Id, string AccountLogin, IReadOnlyDictionary<string, string> Permissions)
{
    internal static InstallationDetails? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("id", out var id) || !id.TryGetInt64(out var installationId)
            || !root.TryGetProperty("account", out var account) || account.ValueKind != JsonValueKind.Object
            || !account.TryGetProperty("login", out var login) || login.GetString() is not { Length: > 0 } loginText
            || !root.TryGetProperty("permissions", out var permissions) || permissions.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var levels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var permission in permissions.EnumerateObject())
        {
            if (permission.Value.ValueKind == JsonValueKind.String)
            {
                levels[permission.Name] = permission.Value.GetString()!;
            }
        }

        return new InstallationDetails(installationId, loginText, levels);
    }

    /// <summary>Whether the installation holds <paramref name="name"/> at <paramref name="level"/> or above.</summary>
    public bool Grants(string name, string level) =>
        Permissions.TryGetValue(name, out var held) && PermissionLevels.IsWithin(level, held);
}

/// <summary>One file of a comparison: its path and GitHub's status (<c>added</c>, <c>modified</c>, <c>removed</c>, <c>renamed</c>…).</summary>
public sealed record ChangedFile(string Path, string Status)
{
    public bool Removed => string.Equals(Status, "removed", StringComparison.Ordinal);

    internal static IReadOnlyList<ChangedFile>? ReadComparison(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
        {
            return root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("files", out _) ? [] : null;
        }

        var result = new List<ChangedFile>();
        foreach (var file in files.EnumerateArray().Take(GitHubApiClient.MaxComparedFiles))
        {
            if (file.ValueKind != JsonValueKind.Object
                || !file.TryGetProperty("filename", out var name) || name.GetString() is not { Length: > 0 } path
                || !file.TryGetProperty("status", out var status) || status.GetString() is not { } statusText)
            {
                return null;
            }

            result.Add(new ChangedFile(path, statusText));
        }

        return result;
    }
}
