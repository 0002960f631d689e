using System.Net.Http.Headers;
using System.Text;

namespace GithubSts.Exchange.GitHub;

/// <summary>Reading one file from a repository's default branch.</summary>
public sealed partial class GitHubApiClient
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// GET /repos/{owner}/{repo}/contents/{path} from the default branch (no ref is ever sent).
    /// Returns null when the file does not exist or the path is a directory or other non-file.
    /// </summary>
    /// <exception cref="ArgumentException">A name or path segment is unsafe; nothing was sent.</exception>
    /// <exception cref="GitHubApiException">The file is larger than <paramref name="maxBytes"/> or not UTF-8.</exception>
    public Task<string?> GetRepositoryFileAsync(
        GitHubAppCredentials app,
        string installationToken,
        string owner,
        string repository,
        string path,
        int maxBytes,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ValidateInstallationToken(installationToken);
        GitHubNames.ValidateOwner(owner);
        GitHubNames.ValidateRepository(repository);
        return ReadFileAsync(app, installationToken, owner, repository, path, commitSha: null, maxBytes, ct);
    }

    /// <summary>One file by contents API, from the default branch or (<paramref name="commitSha"/>, already validated) one commit.</summary>
    private Task<string?> ReadFileAsync(
        GitHubAppCredentials app, string installationToken, string owner, string repository, string path, string? commitSha, int maxBytes,
        CancellationToken ct)
    {
        var escapedPath = GitHubNames.EscapeContentPath(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var uri = BuildUri(app, $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repository)}/contents/{escapedPath}");
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Get,
            Uri = commitSha is null ? uri : new UriBuilder(uri) { Query = "ref=" + commitSha }.Uri,
            Operation = "contents read",
            InstallationToken = installationToken,
            Accept = GitHubRequest.RawMediaType,
            Idempotent = true,
            RateLimitBucket = RateLimitTracker.OwnerBucket(owner),
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            HttpResponseMessage response;
            try
            {
                response = await SendAsync(request, token);
            }
            catch (GitHubNotFoundException)
            {
                return null;
            }

            using (response)
            {
                return await ReadFileContentAsync(response, maxBytes, token);
            }
        }, ct);
    }

    private async Task<string?> ReadFileContentAsync(HttpResponseMessage response, int maxBytes, CancellationToken ct)
    {
        // The raw media type applies to files only; directories, submodules and dangling symlinks come back as JSON.
        if (IsJson(response.Content.Headers.ContentType))
        {
            LogContentsNotAFile();
            return null;
        }

        var body = await ResponseBodyReader.ReadAtMostAsync(response.Content, maxBytes, ct);
        if (body is null)
        {
            LogContentsTooLarge(maxBytes);
            throw new GitHubApiException($"GitHub contents read returned a file larger than {maxBytes} bytes.");
        }

        var content = body.AsSpan();
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        try
        {
            return StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            throw new GitHubApiException("GitHub contents read returned a file that is not UTF-8 text.", null, ex);
        }
    }

    private static bool IsJson(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } mediaType
        && (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || string.Equals(mediaType, GitHubRequest.JsonMediaType, StringComparison.OrdinalIgnoreCase));
}
