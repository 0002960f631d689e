using System.Globalization;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>Minting and revoking installation access tokens.</summary>
public sealed partial class GitHubApiClient
{
    /// <summary>
    /// POST /app/installations/{id}/access_tokens with exactly <paramref name="permissions"/> and
    /// <paramref name="repositories"/>. Pass null repositories only for a deliberate org-wide grant.
    /// </summary>
    /// <remarks>
    /// Never retried: a POST that timed out may still have minted a token. A grant broader than the request is
    /// revoked at once and reported as <see cref="GitHubUnavailableException"/>.
    /// </remarks>
    public Task<InstallationToken> CreateInstallationTokenAsync(
        GitHubAppCredentials app,
        long installationId,
        IReadOnlyDictionary<string, string> permissions,
        IReadOnlyList<string>? repositories,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(installationId);
        MintRequest.Validate(permissions, repositories);

        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Post,
            Uri = BuildUri(app, $"app/installations/{installationId.ToString(CultureInfo.InvariantCulture)}/access_tokens"),
            Operation = "installation token mint",
            RateLimitBucket = RateLimitTracker.AppBucket,
            JsonBody = MintRequest.Write(permissions, repositories),
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            JsonDocument document;
            try
            {
                document = await SendForJsonAsync(request, token);
            }
            catch (GitHubNotFoundException)
            {
                // The installation is gone (uninstalled or suspended): do not keep routing owners to it.
                InstallationsOf(app).RemoveInstallation(installationId);
                throw;
            }

            using (document)
            {
                return await ReadMintedTokenAsync(request, installationId, document.RootElement, permissions, repositories);
            }
        }, ct);
    }

    /// <summary>DELETE /installation/token. A token GitHub no longer knows (401/404) counts as revoked.</summary>
    public Task RevokeInstallationTokenAsync(GitHubAppCredentials app, string installationToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ValidateInstallationToken(installationToken);
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Delete,
            Uri = BuildUri(app, "installation/token"),
            Operation = "token revocation",
            InstallationToken = installationToken,
            Idempotent = true,
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            try
            {
                using var response = await SendAsync(request, token);
            }
            catch (GitHubApiException ex) when (ex.StatusCode is 401 or 404)
            {
                // Already expired or revoked: the goal is reached.
            }

            return true;
        }, ct);
    }

    private async Task<InstallationToken> ReadMintedTokenAsync(
        GitHubRequest request,
        long installationId,
        JsonElement root,
        IReadOnlyDictionary<string, string> permissions,
        IReadOnlyList<string>? repositories)
    {
        if (MintResponse.ReadToken(root) is not { } token)
        {
            LogMalformedResponse(request.Operation, "no token");
            throw Malformed(request);
        }

        var grant = MintResponse.ReadGrant(root, token);
        var escalation = grant is null ? null : MintResponse.FindEscalation(grant, permissions, repositories);
        if (grant is not null && escalation is null)
        {
            return grant;
        }

        // A token we will not hand out must not stay valid for its hour.
        await RevokeQuietlyAsync(request.App, token);
        if (grant is null)
        {
            LogMalformedResponse(request.Operation, "missing or invalid expires_at, permissions or repositories");
            throw Malformed(request);
        }

        LogMintEscalation(installationId, request.App.Name, escalation!);
        throw new GitHubUnavailableException($"GitHub {request.Operation} granted more than was requested; the token was revoked.");
    }

    // Uses its own timeout: the mint's may be nearly spent, and the revocation matters more than the caller's wait.
    private async Task RevokeQuietlyAsync(GitHubAppCredentials app, string token)
    {
        try
        {
            await RevokeInstallationTokenAsync(app, token, CancellationToken.None);
        }
        catch (GitHubApiException ex)
        {
            LogRevokeFailed(ex, app.Name);
        }
    }

    private static void ValidateInstallationToken(string installationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(installationToken);
        // Opaque, any length; but it goes into a header, so no whitespace or control characters.
        if (installationToken.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException("The installation token contains invalid characters.", nameof(installationToken));
        }
    }
}
