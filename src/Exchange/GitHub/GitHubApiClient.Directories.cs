namespace GithubSts.Exchange.GitHub;

/// <summary>Listing one directory of a repository's default branch.</summary>
public sealed partial class GitHubApiClient
{
    /// <summary>
    /// GET /repos/{owner}/{repo}/contents/{directory} from the default branch (no ref is ever sent); an empty
    /// <paramref name="directory"/> lists the repository root. Returns null when the directory does not exist or the
    /// path is not a directory.
    /// </summary>
    /// <exception cref="ArgumentException">A name or path segment is unsafe; nothing was sent.</exception>
    /// <exception cref="GitHubUnavailableException">The answer is not a well-formed listing.</exception>
    public Task<RepositoryDirectoryListing?> GetRepositoryDirectoryAsync(
        GitHubAppCredentials app,
        string installationToken,
        string owner,
        string repository,
        string directory,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(directory);
        ValidateInstallationToken(installationToken);
        GitHubNames.ValidateOwner(owner);
        GitHubNames.ValidateRepository(repository);
        var escapedPath = directory.Length == 0 ? string.Empty : GitHubNames.EscapeContentPath(directory);

        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Get,
            Uri = BuildUri(app, $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repository)}/contents/{escapedPath}"),
            Operation = "contents read",
            InstallationToken = installationToken,
            Idempotent = true,
            RateLimitBucket = RateLimitTracker.OwnerBucket(owner),
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            System.Text.Json.JsonDocument document;
            try
            {
                document = await SendForJsonAsync(request, token);
            }
            catch (GitHubNotFoundException)
            {
                return null;
            }

            using (document)
            {
                try
                {
                    return RepositoryDirectoryListing.Parse(document.RootElement);
                }
                catch (FormatException)
                {
                    LogMalformedResponse(request.Operation, "malformed directory listing");
                    throw Malformed(request);
                }
            }
        }, ct);
    }
}
