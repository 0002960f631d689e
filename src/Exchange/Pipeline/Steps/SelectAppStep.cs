using GithubSts.Exchange.Apps;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>
/// Picks the GitHub App: the one named by <c>app</c>, else the only one or the one named <c>default</c>. Runs after
/// the token was validated: a caller without a valid token cannot learn which apps exist.
/// </summary>
public sealed class SelectAppStep(IGitHubAppRegistry registry, ServiceIdentity service) : IExchangeStep
{
    public int Order => ExchangeStepOrder.SelectApp;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var selection = registry.Select(context.Request.App);
        if (selection.Result == AppSelectionResult.Selected)
        {
            context.App = selection.App!;
            return ValueTask.CompletedTask;
        }

        // A known app answers a token meant for another relying party with this 401 (no policy can match it),
        // so an unknown app must too: app names are revealed only to callers holding a token for this service.
        if (!service.IsAudienceOf(context.Caller))
        {
            throw ExchangeException.InvalidToken(ReasonCodes.AudienceNotForService, "token audience does not include this service");
        }

        throw selection.Result == AppSelectionResult.NameRequired
            ? ExchangeException.InvalidTarget(
                "app_required", "several GitHub Apps are configured and none is named 'default': the app parameter is required")
            : ExchangeException.InvalidTarget("unknown_app", "no GitHub App with that name is configured");
    }
}
