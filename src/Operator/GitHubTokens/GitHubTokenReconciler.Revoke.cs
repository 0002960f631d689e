using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Pipeline;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>Taking a token back: withdrawn authority, a replaced spec, deletion.</summary>
public sealed partial class GitHubTokenReconciler
{
    /// <summary>Deletion: revoke the current token at GitHub, delete the owned Secret, release the finalizer.</summary>
    private async Task FinalizeAsync(GitHubToken resource, CancellationToken ct)
    {
        if (resource.Metadata.Finalizers?.Contains(Finalizer, StringComparer.Ordinal) != true)
        {
            return;
        }

        var name = resource.Status?.SecretName ?? resource.Spec.Secret?.Name ?? resource.Metadata.Name!;
        TokenSecrets.Observed observed;
        try
        {
            observed = await secrets.ReadAsync(resource, name, ct);
        }
        catch (KubernetesForbiddenException)
        {
            // Never allowed to write a Secret here, so it holds nothing of ours.
            observed = TokenSecrets.Observed.Absent;
        }

        // While the token is alive a failed revocation is retried (with backoff); once it has expired there is nothing left to revoke.
        var mustRevoke = resource.Status?.ExpiresAt is { } expires && expires > time.GetUtcNow();
        await RevokeAsync(resource, observed, GitHubTokenAudit.Deleted, throwOnFailure: mustRevoke, ct);
        await secrets.DeleteAsync(resource, observed, ct);
        await resources.RemoveFinalizerAsync(resource, Finalizer, ct);
    }

    /// <summary>The resource may no longer have a token: revoke the current one and empty its Secret.</summary>
    private async Task WithdrawAsync(GitHubToken resource, CancellationToken ct)
    {
        if (resource.Status?.TokenFingerprint is null || resource.Status.SecretName is not { } name)
        {
            return;
        }

        var observed = await secrets.ReadAsync(resource, name, ct);
        await RevokeAsync(resource, observed, GitHubTokenAudit.Withdrawn, throwOnFailure: false, ct);
        await secrets.EmptyAsync(resource, observed, ct);
    }

    /// <summary>After a spec change: revoke the token issued for the previous spec (and delete its Secret if it was renamed).</summary>
    private async Task RevokePreviousAsync(
        GitHubToken resource, GitHubTokenStatus previous, string fingerprint, TokenSecrets.Observed observedBeforeWrite,
        string newSecretName, CancellationToken ct)
    {
        if (previous.ExpiresAt is not { } expires || expires <= time.GetUtcNow())
        {
            return;
        }

        var renamed = previous.SecretName is { } oldName && !string.Equals(oldName, newSecretName, StringComparison.Ordinal);
        var observed = renamed ? await secrets.ReadAsync(resource, previous.SecretName!, ct) : observedBeforeWrite;
        if (observed.Token is { } token && string.Equals(TokenFingerprint.Sha256(token), fingerprint, StringComparison.Ordinal))
        {
            await RevokeAsync(resource, observed, GitHubTokenAudit.Replaced, throwOnFailure: false, ct);
        }

        if (renamed)
        {
            await secrets.DeleteAsync(resource, observed, ct);
        }
    }

    /// <summary>
    /// Revokes the token in <paramref name="observed"/> when it is the one the status names, at the GitHub of the App
    /// that minted it (the spec may name another App by now); audits and counts it.
    /// </summary>
    private async Task RevokeAsync(GitHubToken resource, TokenSecrets.Observed observed, string cause, bool throwOnFailure, CancellationToken ct)
    {
        var appName = resource.Status?.App ?? resource.Spec.App;
        var app = registry.Select(appName).App;
        var fingerprint = resource.Status?.TokenFingerprint;
        if (observed.Token is not { } token || fingerprint is null
            || !string.Equals(TokenFingerprint.Sha256(token), fingerprint, StringComparison.Ordinal))
        {
            return;
        }

        var revoked = false;
        if (app is not null)
        {
            try
            {
                await github.RevokeInstallationTokenAsync(app.Credentials, token, ct);
                revoked = true;
            }
            catch (GitHubApiException e)
            {
                LogRevokeFailed(resource.Metadata.Namespace, resource.Metadata.Name, e.StatusCode);
                if (throwOnFailure)
                {
                    throw;
                }
            }
        }

        audit.Revoked(resource, appName, resource.Status?.Scope ?? resource.Spec.Scope, fingerprint, revoked, cause);
        metrics.Revoked(appName, cause);
        LogRevoked(resource.Metadata.Namespace, resource.Metadata.Name, cause, revoked);
    }

    /// <summary>A token that was minted but could not be delivered.</summary>
    private async Task RevokeQuietlyAsync(GitHubToken resource, GitHubAppRuntime app, string token)
    {
        try
        {
            await github.RevokeInstallationTokenAsync(app.Credentials, token, CancellationToken.None);
        }
        catch (GitHubApiException e)
        {
            LogRevokeFailed(resource.Metadata.Namespace, resource.Metadata.Name, e.StatusCode);
        }
    }
}
