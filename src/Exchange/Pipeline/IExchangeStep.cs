namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// One small step of the exchange. Steps run in ascending <see cref="Order"/>; a step fails the exchange by throwing
/// <see cref="ExchangeException"/>.
/// </summary>
public interface IExchangeStep
{
    int Order { get; }

    ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken);
}

/// <summary>
/// The built-in step order; gaps leave room for later steps (e.g. replay protection before minting). The token is
/// validated before the app is selected, so without a valid token a known and an unknown <c>app</c> look the same.
/// </summary>
public static class ExchangeStepOrder
{
    public const int ValidateRequest = 1_000;
    public const int ValidateToken = 3_000;
    public const int SelectApp = 3_500;
    public const int ResolvePolicy = 4_000;
    public const int Authorize = 5_000;
    public const int Narrow = 5_500;
    public const int ReplayProtection = 6_000;
    public const int MintToken = 7_000;
}
