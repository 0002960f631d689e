using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.PolicySources;

public sealed partial class RepositoryPolicySource
{
    private static readonly IReadOnlyDictionary<string, string> ReadContents =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "read" };

    /// <summary>
    /// One policy load's GitHub reads: admitted once (reserve and owner budget), at most one read-token mint shared by
    /// the directory listing and the file read, and that token revoked when the load ends.
    /// </summary>
    private sealed class PolicyReadSession(RepositoryPolicySource source, GitHubAppCredentials app, RepositoryPolicyLocation location)
        : IAsyncDisposable
    {
        // Shared loads are not cancelled by one caller; the client's own timeouts bound them.
        private static readonly CancellationToken NoCancel = CancellationToken.None;

        private bool _admitted;
        private bool _inaccessible;
        private string? _token;

        public async Task<PolicyDirectory> ListDirectoryAsync()
        {
            if (await GetTokenAsync() is not { } token)
            {
                return new PolicyDirectory(null);
            }

            var listing = await source._github.GetRepositoryDirectoryAsync(
                app, token, location.Owner, location.Repository, location.Directory, NoCancel);
            return new PolicyDirectory(listing);
        }

        public async Task<string?> ReadFileAsync(int maxBytes)
        {
            if (await GetTokenAsync() is not { } token)
            {
                return null;
            }

            return await source._github.GetRepositoryFileAsync(
                app, token, location.Owner, location.Repository, location.Path, maxBytes, NoCancel);
        }

        public async ValueTask DisposeAsync()
        {
            if (_token is not { } token)
            {
                return;
            }

            try
            {
                await source._github.RevokeInstallationTokenAsync(app, token, NoCancel);
            }
            catch (GitHubApiException e)
            {
                // The read token expires within the hour anyway; a failed revoke must not fail the exchange.
                source.LogRevokeFailed(e.StatusCode);
            }
        }

        /// <summary>A contents-read token for the policy repository, or null when the App cannot read it at all.</summary>
        private async Task<string?> GetTokenAsync()
        {
            if (_token is not null || _inaccessible)
            {
                return _token;
            }

            if (!_admitted)
            {
                source.AdmitRead(app, location.Owner);
                _admitted = true;
            }

            long installationId;
            try
            {
                installationId = await source._github.GetInstallationIdAsync(app, location.Owner, location.Repository, NoCancel);
            }
            catch (GitHubNotFoundException)
            {
                source.LogNoInstallation(app.Name, location.Owner);
                _inaccessible = true;
                return null;
            }

            try
            {
                var readToken = await source._github.CreateInstallationTokenAsync(
                    app, installationId, ReadContents, [location.Repository], NoCancel);
                _token = readToken.Token;
                return _token;
            }
            catch (Exception e) when (e is GitHubUnprocessableException or GitHubNotFoundException)
            {
                // The repository does not exist or the installation cannot see it.
                source.LogPolicyRepositoryNotAccessible(location.Owner, location.Repository);
                _inaccessible = true;
                return null;
            }
        }
    }
}
