namespace GithubSts.Operator.Hosting;

internal sealed partial class ShutdownDrain
{
    [LoggerMessage(EventId = 107, Level = LogLevel.Information,
        Message = "Shutting down: /readyz answers 503; the listeners keep serving for {Seconds} s (shutdown.drainDelaySeconds) before they close")]
    private static partial void LogDraining(ILogger logger, double seconds);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Drain delay over: closing the listeners, waiting for in-flight exchanges")]
    private static partial void LogDrained(ILogger logger);
}
