using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>Validates the caller's OIDC token (structure, issuer, signature, time). Audience is judged with the policy.</summary>
public sealed class ValidateTokenStep(IIdentityTokenValidator validator, GitHubActionsIssuers githubActions) : IExchangeStep
{
    public int Order => ExchangeStepOrder.ValidateToken;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        try
        {
            context.Caller = githubActions.Resolve(await validator.ValidateAsync(context.Request.SubjectToken!, cancellationToken));
        }
        catch (TokenRejectedException e)
        {
            throw ExchangeException.InvalidToken(ReasonCodes.For(e.Reason), e.Message, e);
        }
        catch (IdentityProviderUnavailableException e)
        {
            throw ExchangeException.IdentityProviderUnavailable(e.Message, e);
        }
    }
}
