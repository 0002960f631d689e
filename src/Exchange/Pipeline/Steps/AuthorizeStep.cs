using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>Evaluates the policy against the caller's claims.</summary>
public sealed class AuthorizeStep(ServiceIdentity service) : IExchangeStep
{
    public int Order => ExchangeStepOrder.Authorize;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var decision = TrustPolicyEvaluator.Evaluate(context.Policy.Policy, context.Caller, service.AudiencesFor(context.Caller.Issuer));
        if (decision.Allowed)
        {
            return ValueTask.CompletedTask;
        }

        var reason = ReasonCodes.For(decision.Reason);
        var detail = $"policy {context.Policy.Origin} denied: {decision.Reason} {decision.Detail}";
        throw decision.Reason == PolicyDenialReason.AudienceNotForService
            ? ExchangeException.InvalidToken(reason, detail)
            : ExchangeException.AccessDenied(reason, detail);
    }
}
