using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Pipeline;

/// <summary>Runs the exchange steps in order and reports one outcome per request.</summary>
public sealed partial class ExchangePipeline
{
    private readonly IExchangeStep[] _steps;
    private readonly IExchangeObserver[] _observers;
    private readonly ILogger<ExchangePipeline> _logger;
    private readonly TimeProvider _time;

    public ExchangePipeline(
        IEnumerable<IExchangeStep> steps, IEnumerable<IExchangeObserver> observers, TimeProvider time, ILogger<ExchangePipeline> logger)
    {
        _steps = [.. steps.OrderBy(s => s.Order)];
        _observers = [.. observers];
        _time = time;
        _logger = logger;
    }

    /// <summary>Returns the minted token, or throws <see cref="ExchangeException"/> describing why nothing was issued.</summary>
    public async Task<ExchangeResult> ExecuteAsync(ExchangeRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var context = new ExchangeContext(request);
        try
        {
            foreach (var step in _steps)
            {
                await step.ExecuteAsync(context, cancellationToken);
            }

            var result = context.Result ?? throw new UnreachableException("the minting step did not produce a token");
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var fingerprint = TokenFingerprint.Sha256(result.Token);
                var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
                LogExchangeSucceeded(
                    request.RequestId, request.Endpoint, result.App, result.Scope, result.Identity, context.Caller.Issuer,
                    context.Caller.Subject, context.Caller.TokenId, context.Policy.Origin, context.InstallationId, fingerprint, elapsed);
            }

            Notify(new ExchangeOutcome(context, result, null, _time.GetElapsedTime(started)));
            return result;
        }
        catch (ExchangeException e)
        {
            await context.RunFailureCallbacksAsync();
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var (app, scope, identity) = (LogText.Clean(request.App), LogText.Clean(request.Scope), LogText.Clean(request.Identity));
                var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
                LogExchangeDenied(
                    request.RequestId, request.Endpoint, e.ReasonCode, app, scope, identity, context.Caller?.Issuer,
                    context.Caller?.Subject, e.Message, elapsed);
            }

            Notify(new ExchangeOutcome(context, null, e, _time.GetElapsedTime(started)));
            throw;
        }
        catch
        {
            // Cancellation or a bug: still undo reservations, then let the host answer 500 / drop the request.
            await context.RunFailureCallbacksAsync();
            throw;
        }
    }

    private void Notify(ExchangeOutcome outcome)
    {
        foreach (var observer in _observers)
        {
            observer.OnCompleted(outcome);
        }
    }
}
