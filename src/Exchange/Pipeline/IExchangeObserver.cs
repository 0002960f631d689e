namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// Told about every finished exchange attempt, success or failure (metrics, audit trail). Must be quick and must not
/// throw: it runs on the request path after the outcome is decided.
/// </summary>
public interface IExchangeObserver
{
    void OnCompleted(ExchangeOutcome outcome);
}

/// <summary>What happened in one exchange attempt. <see cref="Context"/> holds whatever the steps got to set.</summary>
public sealed record ExchangeOutcome(ExchangeContext Context, ExchangeResult? Result, ExchangeException? Error, TimeSpan Duration)
{
    public bool Succeeded => Result is not null;
}
