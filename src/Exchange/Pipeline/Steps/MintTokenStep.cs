using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>
/// Mints the installation token with exactly the policy's permissions and repositories (or the caller's narrower request, see <see cref="NarrowStep"/>). Both lists are always sent,
/// except for an organization policy whose <c>repositories</c> say <c>*</c> and name the org policy repository too
/// (a deliberate grant of every repository).
/// </summary>
public sealed class MintTokenStep(GitHubApiClient github) : IExchangeStep
{
    public int Order => ExchangeStepOrder.MintToken;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var app = context.App.Credentials;
        var target = context.Target;
        var policy = context.Policy.Policy;

        // Defence in depth: sources check this when they load a policy, but the App may have been narrowed since.
        if (AppGrantRules.Check(policy, context.App) is [var first, ..])
        {
            throw ExchangeException.AccessDenied(ReasonCodes.PolicyExceedsApp, $"policy {context.Policy.Origin} exceeds app {context.App.Name}: {first}");
        }

        try
        {
            context.InstallationId = await github.GetInstallationIdAsync(app, target.Owner, target.Repository, cancellationToken);
            var repositories = await RepositoriesAsync(context, policy, cancellationToken);

            // The last point where nothing exists yet: a caller that already left gets no token minted at all.
            if (context.Request.ClientAborted.IsCancellationRequested)
            {
                throw ExchangeException.ClientDisconnected(ReasonCodes.AbortedBeforeMint, "the caller went away before the mint started");
            }

            var token = await github.CreateInstallationTokenAsync(
                app, context.InstallationId, context.Permissions ?? policy.Permissions, repositories, cancellationToken);
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

    private async ValueTask<IReadOnlyList<string>?> RepositoriesAsync(ExchangeContext context, CompiledTrustPolicy policy, CancellationToken ct)
    {
        // A narrowed request names repositories the narrowing step checked against this same plan.
        if (context.NarrowedRepositories is { } narrowed)
        {
            return narrowed;
        }

        var plan = RepositoriesFor(context.Target.Repository, policy, context.App.OrgPolicyRepository);
        if (!plan.EveryExceptOrgPolicyRepository)
        {
            return plan.Repositories;
        }

        var all = await github.ListInstallationRepositoriesAsync(context.App.Credentials, context.InstallationId, MintRequest.MaxRepositories + 1, ct);
        var names = all.Where(name => !string.Equals(name, context.App.OrgPolicyRepository, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (names.Length is 0 or > MintRequest.MaxRepositories)
        {
            throw ExchangeException.AccessDenied(
                ReasonCodes.RepositoriesUnresolved,
                $"policy {context.Policy.Origin} lists '*': the installation has {names.Length} repositories besides {context.App.OrgPolicyRepository}, "
                + $"and a token can name 1 to {MintRequest.MaxRepositories}");
        }

        return names;
    }

    /// <summary>What the mint's <c>repositories</c> must be; <c>*</c> without the org policy repository needs the installation's list.</summary>
    internal static RepositoryPlan RepositoriesFor(string? requestedRepository, CompiledTrustPolicy policy, string orgPolicyRepository)
    {
        if (policy.Kind == PolicyScopeKind.Repository)
        {
            // A repository policy serves its own repository only; it never reaches an organization-wide request.
            return new RepositoryPlan([requestedRepository ?? throw new InvalidOperationException("a repository policy served an organization scope")], false);
        }

        // Organization policies (scope org, or the org policy repository itself) grant what they list, never more.
        var listed = policy.Repositories ?? [];
        if (!policy.CoversEveryRepository)
        {
            return new RepositoryPlan(listed, false);
        }

        return listed.Contains(orgPolicyRepository, StringComparer.OrdinalIgnoreCase)
            ? new RepositoryPlan(null, false)
            : new RepositoryPlan(null, true);
    }

    internal readonly record struct RepositoryPlan(IReadOnlyList<string>? Repositories, bool EveryExceptOrgPolicyRepository);
}
