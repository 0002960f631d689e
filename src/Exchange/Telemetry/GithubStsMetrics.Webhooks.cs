using System.Diagnostics.Metrics;

namespace GithubSts.Exchange.Telemetry;

public sealed partial class GithubStsMetrics
{
    /// <summary>The <c>event</c> labels of <see cref="WebhookDelivery"/>: the events acted on, and <c>other</c> for the rest.</summary>
    internal static readonly string[] WebhookEvents = ["push", "pull_request", "ping", "other"];

    /// <summary>The <c>result</c> labels of <see cref="WebhookDelivery"/>.</summary>
    internal static readonly string[] WebhookResults =
        ["processed", "ignored", "duplicate", "unauthenticated", "too_large", "malformed", "store_unavailable", "error"];

    /// <summary>The <c>origin</c> labels of <see cref="PolicyInvalidated"/>.</summary>
    internal static readonly string[] InvalidationOrigins = ["webhook", "peer"];

    /// <summary>The <c>conclusion</c> labels of <see cref="PolicyCheckRun"/>.</summary>
    internal static readonly string[] CheckRunConclusions = ["success", "failure", "not_permitted", "error"];

    private readonly WebhookInstruments _webhooks;

    /// <param name="eventName">A value of <see cref="WebhookEvents"/>.</param>
    /// <param name="result">A value of <see cref="WebhookResults"/>.</param>
    public void WebhookDelivery(string eventName, string result) =>
        _webhooks.Deliveries.Add(1, new KeyValuePair<string, object?>("event", eventName), new("result", result));

    /// <summary>One cached policy file (or a whole repository's, when the push did not say which files) dropped.</summary>
    /// <param name="origin"><c>webhook</c>: a delivery to this replica; <c>peer</c>: announced by another replica.</param>
    public void PolicyInvalidated(string origin) =>
        _webhooks.Invalidations.Add(1, new KeyValuePair<string, object?>("origin", origin));

    /// <param name="conclusion">A value of <see cref="CheckRunConclusions"/>.</param>
    public void PolicyCheckRun(string conclusion) =>
        _webhooks.CheckRuns.Add(1, new KeyValuePair<string, object?>("conclusion", conclusion));

    private static WebhookInstruments CreateWebhookInstruments(Meter meter) => new(
        meter.CreateCounter<long>("githubsts_webhook_deliveries", "{delivery}", "GitHub webhook deliveries by event and result."),
        meter.CreateCounter<long>("githubsts_policy_invalidations", "{invalidation}", "Cached repository policies dropped because a push changed them, by origin."),
        meter.CreateCounter<long>("githubsts_policy_check_runs", "{check_run}", "Policy check runs by conclusion (not_permitted: the App lacks checks: write)."));

    private void StartWebhookSeriesAtZero()
    {
        foreach (var eventName in WebhookEvents)
        {
            foreach (var result in WebhookResults)
            {
                _webhooks.Deliveries.Add(0, new KeyValuePair<string, object?>("event", eventName), new("result", result));
            }
        }

        foreach (var origin in InvalidationOrigins)
        {
            _webhooks.Invalidations.Add(0, new KeyValuePair<string, object?>("origin", origin));
        }

        foreach (var conclusion in CheckRunConclusions)
        {
            _webhooks.CheckRuns.Add(0, new KeyValuePair<string, object?>("conclusion", conclusion));
        }
    }

    private sealed record WebhookInstruments(Counter<long> Deliveries, Counter<long> Invalidations, Counter<long> CheckRuns);
}
