using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Pipeline;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Replay;

/// <summary>
/// Reserves the token before minting and releases it when a later step fails, so only a successful exchange consumes
/// a token. A store that cannot answer fails the exchange closed (503); a reserve whose outcome is unknown (the reply
/// timed out, the request was cancelled) and a release that failed are handed to <see cref="ReplayReleaser"/>, so a
/// failed exchange does not consume the token once the store recovers.
/// </summary>
public sealed partial class ReplayProtectionStep(
    IReplayStore store, ReplayReleaser releaser, GithubStsOptions options, TimeProvider time, ILogger<ReplayProtectionStep> logger)
    : IExchangeStep
{
    private readonly HashSet<string> _exempt = new(options.Replay.ExemptIssuers, StringComparer.Ordinal);

    public int Order => ExchangeStepOrder.ReplayProtection;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var caller = context.Caller;
        if (_exempt.Contains(caller.Issuer))
        {
            return;
        }

        var reservation = ReplayReservation.Create(ReplayKey.For(caller));
        var now = time.GetUtcNow();
        var ttl = ReplayKey.Ttl(caller, now, options.Oidc.MaxLifetimeFor(caller.Issuer), options.Oidc.ClockSkew);
        var expiresAt = now + ttl;
        bool reserved;
        try
        {
            reserved = await store.TryReserveAsync(reservation, ttl, cancellationToken);
        }
        catch (ReplayStoreUnavailableException e)
        {
            if (e.OutcomeUnknown)
            {
                releaser.Schedule(reservation, expiresAt);
            }

            throw ExchangeException.ReplayStoreUnavailable("replay store unavailable: " + e.Message, e);
        }
        catch (OperationCanceledException)
        {
            releaser.Schedule(reservation, expiresAt);
            throw;
        }

        if (!reserved)
        {
            throw ExchangeException.Replayed($"token {caller.TokenHash} already exchanged");
        }

        context.OnFailure(() => ReleaseAsync(reservation, expiresAt));
    }

    private async Task ReleaseAsync(ReplayReservation reservation, DateTimeOffset expiresAt)
    {
        try
        {
            await store.ReleaseAsync(reservation, CancellationToken.None);
        }
        catch (Exception e) when (e is ReplayStoreUnavailableException or OperationCanceledException)
        {
            LogReleaseDeferred(logger, e);
            releaser.Schedule(reservation, expiresAt);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not release a replay reservation after a failed exchange; retrying in the background")]
    private static partial void LogReleaseDeferred(ILogger logger, Exception exception);
}
