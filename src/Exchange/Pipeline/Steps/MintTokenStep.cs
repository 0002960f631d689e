using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>
/// Mints the installation token with exactly the policy's permissions and repositories. Both lists are always sent,
/// except for an organization policy without <c>repositories</c> (a deliberate org-wide grant).
/// </summary>
public sealed class MintTokenStep(GitHubApiClient github) : IExchangeStep
{
    public int Order => ExchangeStepOrder.MintToken;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var app = context.App.Credentials;
        var target = context.Target;
        var policy = context.Policy.Policy;
        var repositories = RepositoriesFor(target.Repository, policy);
        try
        {
            context.InstallationId = await github.GetInstallationIdAsync(app, target.Owner, target.Repository, cancellationToken);

            // The last point where nothing exists yet: a caller that already left gets no token minted at all.
            if (context.Request.ClientAborted.IsCancellationRequested)
            {
                throw ExchangeException.ClientDisconnected(ReasonCodes.AbortedBeforeMint, "the caller went away before the mint started");
            }

            var token = await github.CreateInstallationTokenAsync(app, context.InstallationId, policy.Permissions, repositories, cancellationToken);
            context.RevokeIssued = ct => RevokeAsync(app, token.Token, ct);
            context.Result = new ExchangeResult(
                token.Token,
                token.ExpiresAt,
                token.Permissions,
                token.Repositories ?? [],
                token.RepositorySelection ?? (repositories is null ? "all" : "selected"),
                target.ToString(),
                context.Identity,
                context.App.Name);
        }
        catch (GitHubApiException e)
        {
            throw GitHubErrors.ToExchangeException(e, "minting the installation token");
        }
    }

    private async Task<bool> RevokeAsync(GitHubAppCredentials app, string token, CancellationToken cancellationToken)
    {
        try
        {
            await github.RevokeInstallationTokenAsync(app, token, cancellationToken);
            return true;
        }
        catch (GitHubApiException)
        {
            return false;
        }
    }

    internal static IReadOnlyList<string>? RepositoriesFor(string? requestedRepository, CompiledTrustPolicy policy) =>
        (requestedRepository, policy.Kind) switch
        {
            (null, _) => policy.Repositories,
            (_, PolicyScopeKind.Repository) => [requestedRepository],

            // The org policy repository itself: octo-sts seeds the grant with that repository unless the policy lists others.
            _ => policy.Repositories ?? [requestedRepository],
        };
}
