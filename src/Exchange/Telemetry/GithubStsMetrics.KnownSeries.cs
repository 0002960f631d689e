using GithubSts.Exchange.Pipeline;

namespace GithubSts.Exchange.Telemetry;

public sealed partial class GithubStsMetrics
{
    /// <summary>The operation names <see cref="GitHubCall"/> is called with.</summary>
    internal static readonly string[] GitHubEndpoints = ["mint", "installation", "contents", "revoke", "app", "checks"];

    /// <summary>The results <see cref="GitHubCall"/> is called with.</summary>
    internal static readonly string[] GitHubResults = ["1xx", "2xx", "3xx", "4xx", "5xx", "error"];

    /// <summary>The results <see cref="PolicyLoaded"/> is called with (source <c>repository</c>).</summary>
    internal static readonly string[] PolicyLoadResults = ["loaded", "not_found", "error"];

    /// <summary>
    /// Adds 0 to every counter series whose labels are known in advance, so a rate() or an alert on, say, replays sees
    /// 0 from start-up rather than no series until the first one. Call it once a listener (the meter provider) is
    /// attached: measurements taken before that are not aggregated anywhere.
    /// </summary>
    /// <param name="signerAppNames">The Apps whose JWTs an external signer (KMS) signs.</param>
    internal void StartKnownSeriesAtZero(IEnumerable<string> appNames, IEnumerable<string>? signerAppNames = null)
    {
        StartSignerSeriesAtZero(signerAppNames ?? []);
        StartWebhookSeriesAtZero();
        foreach (var (result, reason) in ExchangeResults.KnownInAdvance())
        {
            _exchanges.Add(0, new KeyValuePair<string, object?>("result", result), new("reason", reason));
        }

        foreach (var reason in ExchangeResults.TokenValidationReasons())
        {
            _oidcErrors.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }

        foreach (var result in PolicyLoadResults)
        {
            _policyLoads.Add(0, new KeyValuePair<string, object?>("source", "repository"), new("result", result));
        }

        _policyCache.Add(0, new KeyValuePair<string, object?>("result", "hit"));
        _policyCache.Add(0, new KeyValuePair<string, object?>("result", "miss"));
        foreach (var endpoint in GitHubEndpoints)
        {
            foreach (var result in GitHubResults)
            {
                _gitHubCalls.Add(0, new KeyValuePair<string, object?>("endpoint", endpoint), new("result", result));
            }
        }

        foreach (var app in appNames)
        {
            _tokensIssued.Add(0, new KeyValuePair<string, object?>("app", app));
        }
    }
}
