using System.Globalization;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>Listing the repositories an installation can see (for organization policies that say <c>*</c>).</summary>
public sealed partial class GitHubApiClient
{
    private const int RepositoriesPerPage = 100;

    private static readonly IReadOnlyDictionary<string, string> MetadataRead =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata"] = "read" };

    /// <summary>
    /// The names of the installation's repositories, at most <paramref name="limit"/> + 1 (one more than the limit means
    /// "too many"). Read with a <c>metadata: read</c> token that is revoked afterwards.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListInstallationRepositoriesAsync(
        GitHubAppCredentials app, long installationId, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var readToken = await CreateInstallationTokenAsync(app, installationId, MetadataRead, null, ct);
        try
        {
            var names = new List<string>();
            for (var page = 1; names.Count <= limit; page++)
            {
                var count = await ReadRepositoryPageAsync(app, readToken.Token, page, names, ct);
                if (count < RepositoriesPerPage)
                {
                    break;
                }
            }

            return names;
        }
        finally
        {
            await RevokeQuietlyAsync(app, readToken.Token);
        }
    }

    private Task<int> ReadRepositoryPageAsync(GitHubAppCredentials app, string installationToken, int page, List<string> names, CancellationToken ct)
    {
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Get,
            Uri = new UriBuilder(BuildUri(app, "installation/repositories"))
            {
                Query = string.Create(CultureInfo.InvariantCulture, $"per_page={RepositoriesPerPage}&page={page}"),
            }.Uri,
            Operation = "installation repositories",
            InstallationToken = installationToken,
            Idempotent = true,
            RateLimitBucket = RateLimitTracker.AppBucket,
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            using var document = await SendForJsonAsync(request, token);
            if (!document.RootElement.TryGetProperty("repositories", out var repositories) || repositories.ValueKind != JsonValueKind.Array)
            {
                throw Malformed(request);
            }

            var count = 0;
            foreach (var repository in repositories.EnumerateArray())
            {
                if (repository.ValueKind != JsonValueKind.Object
                    || !repository.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 } text
                    || !GitHubNames.IsRepositoryName(text))
                {
                    throw Malformed(request);
                }

                names.Add(text);
                count++;
            }

            return count;
        }, ct);
    }
}
