using GithubSts.Exchange.Pipeline;

namespace GithubSts.Exchange.Telemetry;

/// <summary>Counts every finished exchange (result, reason, duration, tokens issued, token validation errors).</summary>
public sealed class MetricsExchangeObserver(GithubStsMetrics metrics) : IExchangeObserver
{
    public void OnCompleted(ExchangeOutcome outcome) => metrics.ExchangeCompleted(outcome);
}
