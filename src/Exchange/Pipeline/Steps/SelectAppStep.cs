using GithubSts.Exchange.Apps;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>Picks the GitHub App: the one named by <c>app</c>, else the only one or the one named <c>default</c>.</summary>
public sealed class SelectAppStep(IGitHubAppRegistry registry) : IExchangeStep
{
    public int Order => ExchangeStepOrder.SelectApp;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var selection = registry.Select(context.Request.App);
        context.App = selection.Result switch
        {
            AppSelectionResult.Selected => selection.App!,
            AppSelectionResult.NameRequired => throw ExchangeException.InvalidTarget(
                "app_required", "several GitHub Apps are configured and none is named 'default': the app parameter is required"),
            _ => throw ExchangeException.InvalidTarget("unknown_app", "no GitHub App with that name is configured"),
        };
        return ValueTask.CompletedTask;
    }
}
