using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Pipeline;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Replay;

/// <summary>
/// Reserves the token before minting and releases it when a later step fails, so only a successful exchange consumes
/// a token. A store that cannot answer fails the exchange closed (503).
/// </summary>
public sealed partial class ReplayProtectionStep(
    IReplayStore store, GithubStsOptions options, TimeProvider time, ILogger<ReplayProtectionStep> logger) : IExchangeStep
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

        var key = ReplayKey.For(caller);
        var ttl = ReplayKey.Ttl(caller, time.GetUtcNow(), options.Oidc.MaxLifetimeFor(caller.Issuer), options.Oidc.ClockSkew);
        bool reserved;
        try
        {
            reserved = await store.TryReserveAsync(key, ttl, cancellationToken);
        }
        catch (ReplayStoreUnavailableException e)
        {
            throw ExchangeException.ReplayStoreUnavailable("replay store unavailable: " + e.Message, e);
        }

        if (!reserved)
        {
            throw ExchangeException.Replayed($"token {caller.TokenHash} already exchanged");
        }

        context.OnFailure(() => ReleaseAsync(key));
    }

    private async Task ReleaseAsync(string key)
    {
        try
        {
            await store.ReleaseAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (e is ReplayStoreUnavailableException or OperationCanceledException)
        {
            // The entry expires with the token; a retry before then is answered as a replay.
            LogReleaseFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not release a replay reservation after a failed exchange")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
