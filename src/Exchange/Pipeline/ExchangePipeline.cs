using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Pipeline;

/// <summary>Runs the exchange steps in order and reports one outcome per request.</summary>
public sealed partial class ExchangePipeline
{
    private readonly IExchangeStep[] _steps;
    private readonly string[] _spanNames;
    private readonly IExchangeObserver[] _observers;
    private readonly ILogger<ExchangePipeline> _logger;
    private readonly TimeProvider _time;
    private readonly InFlightExchanges _inFlight;

    public ExchangePipeline(
        IEnumerable<IExchangeStep> steps, IEnumerable<IExchangeObserver> observers, TimeProvider time, ILogger<ExchangePipeline> logger,
        InFlightExchanges? inFlight = null)
    {
        _steps = [.. steps.OrderBy(s => s.Order)];
        _spanNames = [.. _steps.Select(ExchangeTracing.SpanName)];
        _observers = [.. observers];
        _time = time;
        _logger = logger;
        _inFlight = inFlight ?? new InFlightExchanges(time);
    }

    /// <summary>Returns the minted token, or throws <see cref="ExchangeException"/> describing why nothing was issued.</summary>
    public Task<ExchangeResult> ExecuteAsync(ExchangeRequest request, CancellationToken cancellationToken) =>
        ExecuteCoreAsync(request, null, cancellationToken);

    /// <summary>
    /// Runs the exchange to the end whatever the caller does (counted in <see cref="InFlightExchanges"/>, on its bounded
    /// token rather than the caller's), then hands the token to <paramref name="deliver"/>. When that reports the caller
    /// gone, the token is revoked, the reservation released (if the revoke succeeded) and the attempt audited as
    /// <c>client_disconnected</c>/<c>not_delivered</c>. Throws <see cref="ExchangeException"/> for failures before that.
    /// </summary>
    public async Task ExecuteAndDeliverAsync(ExchangeRequest request, Func<ExchangeResult, Task<bool>> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        using var lease = _inFlight.Begin();
        await ExecuteCoreAsync(request, deliver, lease.Token);
    }

    private async Task<ExchangeResult> ExecuteCoreAsync(
        ExchangeRequest request, Func<ExchangeResult, Task<bool>>? deliver, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var context = new ExchangeContext(request);
        try
        {
            // Without a trace listener (no OTLP export) the steps run as before: no wrapper state machine per step.
            var traced = ExchangeTracing.Source.HasListeners();
            for (var i = 0; i < _steps.Length; i++)
            {
                await (traced ? RunTracedStepAsync(i, context, cancellationToken) : _steps[i].ExecuteAsync(context, cancellationToken));
            }

            var result = context.Result ?? throw new UnreachableException("the minting step did not produce a token");
            if (deliver is not null && !await deliver(result))
            {
                throw await UndeliveredAsync(context, cancellationToken);
            }

            if (_logger.IsEnabled(LogLevel.Information))
            {
                var fingerprint = context.TokenSha256(result.Token);
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

    private async ValueTask RunTracedStepAsync(int index, ExchangeContext context, CancellationToken cancellationToken)
    {
        // Null when the span is not sampled (a caller's traceparent said so).
        using var activity = ExchangeTracing.Source.StartActivity(_spanNames[index]);
        try
        {
            await _steps[index].ExecuteAsync(context, cancellationToken);
        }
        catch (ExchangeException e)
        {
            ExchangeTracing.Failed(activity, e);
            throw;
        }
    }

    /// <summary>Revokes a token its caller never received; true when GitHub confirmed.</summary>
    private static async Task<ExchangeException> UndeliveredAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var revoked = false;
        if (context.RevokeIssued is { } revoke)
        {
            try
            {
                revoked = await revoke(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                revoked = false;
            }
        }

        context.IssuedTokenRevoked = revoked;
        if (!revoked)
        {
            // The token may still be live: keep its reservation, so the same identity token cannot get a second one.
            context.ClearFailureCallbacks();
        }

        return ExchangeException.ClientDisconnected(
            ReasonCodes.NotDelivered,
            revoked
                ? "the caller went away before the token was delivered; it was revoked"
                : "the caller went away before the token was delivered; revoking it failed, it expires on its own");
    }

    private void Notify(ExchangeOutcome outcome)
    {
        foreach (var observer in _observers)
        {
            observer.OnCompleted(outcome);
        }
    }
}
