using System.Diagnostics;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.GitHub.Signing;
using GithubSts.Exchange.Pipeline;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>Minting: when a token is due, GitHub's answer, and delivering it into the Secret.</summary>
public sealed partial class GitHubTokenReconciler
{
    private const int MintRequestLimit = 500;

    private async Task<ReconcileResult> IssueIfDueAsync(ObjectKey key, GitHubToken resource, TokenRequest request, GitHubAppRuntime app, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var current = resource.Status;
        var generation = resource.Metadata.Generation;
        var sameSpec = current?.TokenFingerprint is not null && current.IssuedGeneration == generation
            && string.Equals(current.SecretName, request.Secret.Name, StringComparison.Ordinal);
        if (sameSpec && current!.ExpiresAt is { } expiresAt && expiresAt > now)
        {
            var renewAt = RenewalSchedule.RenewAt(current.RefreshedAt ?? now, expiresAt, request.RefreshBefore, resource.Metadata.Uid ?? string.Empty);
            if (renewAt > now)
            {
                // Still good (e.g. after a failover, or after the App was briefly not ready): say so, renew when due.
                await ReportAsync(resource, ConditionReasons.Issued, IssuedMessage(request, expiresAt), current, ct);
                return ReconcileResult.After(renewAt - now);
            }
        }

        TokenSecrets.Observed observed;
        try
        {
            observed = await secrets.ReadAsync(resource, request.Secret.Name, ct);
        }
        catch (KubernetesForbiddenException)
        {
            metrics.Failed(app.Name, ConditionReasons.SecretForbidden);
            await ReportAsync(resource, ConditionReasons.SecretForbidden,
                "the operator may not write Secrets in this namespace (chart value githubTokens.namespaces does not list it)", current, ct);
            return Hold(key, resource, RetryRefused);
        }

        if (observed is { Exists: true, Owned: false })
        {
            LogSecretConflict(resource.Metadata.Namespace, resource.Metadata.Name, request.Secret.Name);
            metrics.Failed(app.Name, ConditionReasons.SecretConflict);
            await ReportAsync(resource, ConditionReasons.SecretConflict,
                $"Secret {request.Secret.Name} exists and is not owned by this GitHubToken; it is left untouched (delete it or choose another secret.name)", current, ct);
            return Hold(key, resource, RetryConflict);
        }

        if (!budget.TryTake(app.Name, out var wait))
        {
            if (!sameSpec)
            {
                await ReportAsync(resource, ConditionReasons.MintBudgetExhausted,
                    $"app {app.Name} has spent its {budget.PerMinute} GitHubToken mints of the last minute; issuing in {Math.Ceiling(wait.TotalSeconds)} s", current, ct);
            }

            return Hold(key, resource, wait + Spread(resource, TimeSpan.FromSeconds(5)));
        }

        var started = Stopwatch.GetTimestamp();
        long installationId;
        InstallationToken token;
        try
        {
            installationId = await github.GetInstallationIdAsync(app.Credentials, request.Target.Owner, request.Target.Repository, ct);
            var repositories = await RepositoriesAsync(app, installationId, request, ct);
            token = await github.CreateInstallationTokenAsync(app.Credentials, installationId, request.Permissions, repositories, ct);
        }
        catch (Exception e) when (e is GitHubApiException or AppSignerException or GitHubTokenRefusedException)
        {
            return await MintFailedAsync(key, resource, app, e, ct);
        }

        var kind = sameSpec ? GitHubTokenAudit.Renewed : GitHubTokenAudit.Issued;
        var scope = request.Target.ToString();
        try
        {
            await secrets.WriteAsync(
                resource, observed, request.Secret.Name,
                SecretContent.Data(request.Secret.Format, token.Token, request.Target, GitHubWebUrl.For(app.Credentials.ApiBaseUrl)),
                SecretContent.Labels(request.Secret, resource.Metadata.Name!, request.Target),
                SecretContent.Annotations(request.Secret, token.ExpiresAt),
                ct);
        }
        catch (Exception e) when (e is KubernetesApiException or OperationCanceledException)
        {
            // Never delivered: it must not stay valid for its hour.
            await RevokeQuietlyAsync(resource, app, token.Token);
            if (e is KubernetesApiException { StatusCode: 422 } invalid)
            {
                await ReportAsync(resource, ConditionReasons.InvalidSpec, $"the Secret was refused: {invalid.Message}", current, ct);
                return ReconcileResult.Done;
            }

            throw;
        }

        _failures.TryRemove(key, out _);
        _holds.TryRemove(key, out _);
        audit.Minted(resource, app.Name, scope, installationId, token, kind, Stopwatch.GetElapsedTime(started));
        metrics.Minted(app.Name, kind);
        LogMinted(resource.Metadata.Namespace, resource.Metadata.Name, kind, app.Name, scope, token.ExpiresAt);
        if (!sameSpec && current?.TokenFingerprint is { } previous)
        {
            // A new spec: the previous token may grant what the resource no longer asks for. A renewal keeps it.
            await RevokePreviousAsync(resource, current, previous, observed, request.Secret.Name, ct);
        }

        now = time.GetUtcNow();
        var issued = new GitHubTokenStatus
        {
            ObservedGeneration = generation,
            Conditions = current?.Conditions,
            IssuedGeneration = generation,
            App = app.Name,
            Scope = scope,
            SecretName = request.Secret.Name,
            ExpiresAt = token.ExpiresAt,
            RefreshedAt = now,
            Permissions = token.Permissions.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Repositories = token.Repositories is { } granted ? [.. granted] : null,
            TokenFingerprint = TokenFingerprint.Sha256(token.Token),
        };
        await ReportAsync(resource, ConditionReasons.Issued, IssuedMessage(request, token.ExpiresAt), issued, ct);
        var next = RenewalSchedule.RenewAt(now, token.ExpiresAt, request.RefreshBefore, resource.Metadata.Uid ?? string.Empty);
        return ReconcileResult.After(next > now ? next - now : TimeSpan.FromSeconds(1));
    }

    /// <summary>What the mint's <c>repositories</c> are: the repository of a repository scope, or the organization scope's list.</summary>
    private async Task<IReadOnlyList<string>?> RepositoriesAsync(GitHubAppRuntime app, long installationId, TokenRequest request, CancellationToken ct)
    {
        if (request.Target.Repository is { } repository)
        {
            return [repository];
        }

        var listed = request.Repositories ?? [];
        if (!request.EveryRepository)
        {
            return listed;
        }

        // "*" (the explicit opt-in to the whole installation), as for organization policies: the org policy repository
        // is included only when it is listed too.
        if (listed.Contains(app.OrgPolicyRepository, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var all = await github.ListInstallationRepositoriesAsync(app.Credentials, installationId, MintRequestLimit + 1, ct);
        var names = all.Where(name => !string.Equals(name, app.OrgPolicyRepository, StringComparison.OrdinalIgnoreCase)).ToArray();
        return names.Length is 0 or > MintRequestLimit
            ? throw new GitHubTokenRefusedException(
                $"repositories lists '*': the installation has {names.Length} repositories besides {app.OrgPolicyRepository}, and a token can name 1 to {MintRequestLimit}")
            : names;
    }

    private async Task<ReconcileResult> MintFailedAsync(ObjectKey key, GitHubToken resource, GitHubAppRuntime app, Exception e, CancellationToken ct)
    {
        var (reason, delay, message) = e switch
        {
            // Retry-After honoured, plus a spread of up to as much again (at most 30 s) so the App's resources do not return together.
            GitHubRateLimitedException limited => (ConditionReasons.RateLimited,
                limited.RetryAfter + Spread(resource, limited.RetryAfter < TimeSpan.FromSeconds(30) ? limited.RetryAfter : TimeSpan.FromSeconds(30)),
                $"GitHub rate-limited app {app.Name}; retrying after its Retry-After"),
            GitHubUnavailableException or AppSignerException => (ConditionReasons.GitHubUnavailable, Backoff(key), $"GitHub could not be used: {e.Message}"),
            GitHubApiException { StatusCode: >= 500 } => (ConditionReasons.GitHubUnavailable, Backoff(key), $"GitHub could not be used: {e.Message}"),
            GitHubNotFoundException => (ConditionReasons.GitHubRefused, RetryRefused,
                $"app {app.Name} is not installed on {resource.Spec.Scope}, or cannot see it"),
            _ => (ConditionReasons.GitHubRefused, RetryRefused, $"GitHub refused the token: {e.Message}"),
        };
        metrics.Failed(app.Name, reason);
        LogMintFailed(resource.Metadata.Namespace, resource.Metadata.Name, reason, delay.TotalSeconds);
        await ReportAsync(resource, reason, message + (resource.Status?.TokenFingerprint is null ? string.Empty : "; the current token is kept until it expires"),
            resource.Status, ct);
        return Hold(key, resource, delay);
    }

    /// <summary>A delay in [0, <paramref name="window"/>) fixed per resource: retries of many resources do not line up.</summary>
    private static TimeSpan Spread(GitHubToken resource, TimeSpan window) => RenewalSchedule.Jitter(resource.Metadata.Uid ?? string.Empty, window);

    private static string IssuedMessage(TokenRequest request, DateTimeOffset expiresAt) =>
        $"a token for {request.Target} is in Secret {request.Secret.Name} until {expiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, renewed {request.RefreshBefore.TotalMinutes:0.#} min before it expires";
}
