using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.PolicySources;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>
/// Finds the trust policy for (app, scope, identity), asking each source in order. A policy that yields (a tenant's
/// TrustPolicy) is held back while later sources are asked: the scope owner's own file for the key wins over it. A
/// failure reading a later source fails the exchange rather than falling back to the yielding policy.
/// </summary>
public sealed class ResolvePolicyStep(IEnumerable<IPolicySource> sources, ServiceIdentity service) : IExchangeStep
{
    private readonly IPolicySource[] _sources = [.. sources.OrderBy(s => s.Order)];

    public int Order => ExchangeStepOrder.ResolvePolicy;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var lookup = new PolicyLookup(context.App, context.Target, context.Identity) { Audiences = context.Caller.Audiences, Issuer = context.Caller.Issuer };
        ResolvedPolicy? yielding = null;
        foreach (var source in _sources)
        {
            ResolvedPolicy? policy;
            try
            {
                policy = await source.FindAsync(lookup, cancellationToken);
            }
            catch (GitHubApiException e)
            {
                throw GitHubErrors.ToExchangeException(e, "reading the trust policy");
            }
            catch (PolicyReadRefusedException e)
            {
                throw ExchangeException.PolicyReadRefused(e.ReasonCode, e.RetryAfter, e.Message, e);
            }

            if (policy is null)
            {
                continue;
            }

            if (policy.YieldsToLaterSources)
            {
                yielding ??= policy;
                continue;
            }

            context.Policy = policy;
            return;
        }

        if (yielding is not null)
        {
            context.Policy = yielding;
            return;
        }

        // A token not meant for this service is reported as such whether or not a policy exists,
        // and a token that is meant for us gets the same 403 as a policy mismatch: no existence oracle.
        if (!service.IsAudienceOf(context.Caller))
        {
            throw ExchangeException.InvalidToken(ReasonCodes.AudienceNotForService, "token audience does not include this service");
        }

        throw ExchangeException.AccessDenied(ReasonCodes.PolicyNotFound, $"no trust policy for {context.Target}/{context.Identity}");
    }
}
