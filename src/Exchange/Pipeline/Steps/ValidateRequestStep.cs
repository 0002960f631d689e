using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>Checks scope, identity and app against the strict grammar before anything touches a URL.</summary>
public sealed class ValidateRequestStep : IExchangeStep
{
    public int Order => ExchangeStepOrder.ValidateRequest;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.RequestProblem is { } unusable)
        {
            throw unusable;
        }

        if (request.AuthorizationProblem is { } problem)
        {
            throw ExchangeException.InvalidToken(problem, "the Authorization header holds no usable bearer token");
        }

        if (string.IsNullOrEmpty(request.Scope))
        {
            throw ExchangeException.InvalidRequest("missing_scope", "scope is required ('org' or 'org/repo')");
        }

        if (!ExchangeTarget.TryParse(request.Scope, out var target))
        {
            throw ExchangeException.InvalidScope();
        }

        if (string.IsNullOrEmpty(request.Identity))
        {
            throw ExchangeException.InvalidRequest("missing_identity", "identity is required");
        }

        if (!NameGrammar.IsIdentity(request.Identity))
        {
            throw ExchangeException.InvalidRequest(
                "invalid_identity", "identity must be 1-100 characters of [A-Za-z0-9._-], not starting with '.' and without '..'");
        }

        if (request.App is not null && !NameGrammar.IsIdentity(request.App))
        {
            throw ExchangeException.InvalidRequest("invalid_app", "app must be 1-100 characters of [A-Za-z0-9._-]");
        }

        if (string.IsNullOrEmpty(request.SubjectToken))
        {
            throw ExchangeException.InvalidToken("missing_token", "no bearer token");
        }

        context.Target = target;
        context.Identity = request.Identity;
        return ValueTask.CompletedTask;
    }
}
