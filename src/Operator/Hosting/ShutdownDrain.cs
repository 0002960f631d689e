using GithubSts.Exchange.Health;

namespace GithubSts.Operator.Hosting;

/// <summary>
/// Keeps the listeners open for <c>shutdown.drainDelaySeconds</c> after a stop is requested, with <c>/readyz</c>
/// already answering 503. Kubernetes sends SIGTERM while the Endpoints, kube-proxy and ingress changes that take the
/// pod out of rotation are still propagating: a listener that closed at once would refuse the connections still sent
/// here in those seconds. <see cref="IHostedLifecycleService.StoppingAsync"/> runs before any hosted service stops, so
/// Kestrel (and everything an exchange needs) keeps serving during the delay; the in-flight drain
/// (<see cref="Exchange.Pipeline.InFlightExchanges"/>) and Kestrel's own graceful stop follow it.
/// </summary>
internal sealed partial class ShutdownDrain(ServiceReadiness readiness, TimeSpan delay, TimeProvider time, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // On SIGTERM ApplicationStopping has already done this; a host stopped by StopAsync alone reaches here first.
        readiness.MarkStopping();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ended the delay early: stop now.
        }

        LogDrained(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
