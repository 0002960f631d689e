using System.Diagnostics.Metrics;
using GithubSts.Exchange.Pipeline;

namespace GithubSts.Exchange.Telemetry;

/// <summary>
/// The service's instruments, on one <see cref="Meter"/> named <c>GithubSts</c> per service instance. Every label is
/// drawn from a small fixed set (route templates, methods, status codes, error kinds, reason codes, operation
/// names, configured app names): never a subject, repository, scope, identity, token or issuer.
/// </summary>
public sealed partial class GithubStsMetrics : IDisposable
{
    public const string MeterName = "GithubSts";

    internal static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _httpRequests;
    private readonly Histogram<double> _httpDuration;
    private readonly UpDownCounter<long> _httpInFlight;
    private readonly Counter<long> _exchanges;
    private readonly Histogram<double> _exchangeDuration;
    private readonly Counter<long> _oidcErrors;
    private readonly Counter<long> _policyLoads;
    private readonly Counter<long> _policyCache;
    private readonly Counter<long> _gitHubCalls;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _signerCalls;

    public GithubStsMetrics()
    {
        Meter = new Meter(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        _httpRequests = Meter.CreateCounter<long>("githubsts_http_requests", "{request}", "HTTP requests by route template, method and status code.");
        _httpDuration = Meter.CreateHistogram("githubsts_http_request_duration", "s", "HTTP request duration by route template and method.", null, seconds);
        _httpInFlight = Meter.CreateUpDownCounter<long>("githubsts_http_requests_in_flight", "{request}", "HTTP requests being served.");
        _exchanges = Meter.CreateCounter<long>("githubsts_token_exchanges", "{exchange}", "Token exchanges by result and reason code.");
        _exchangeDuration = Meter.CreateHistogram("githubsts_token_exchange_duration", "s", "Token exchange duration by result.", null, seconds);
        _oidcErrors = Meter.CreateCounter<long>("githubsts_oidc_validation_errors", "{error}", "Rejected identity tokens by reason code.");
        _policyLoads = Meter.CreateCounter<long>("githubsts_policy_loads", "{load}", "Trust policy loads by source and result.");
        _policyCache = Meter.CreateCounter<long>("githubsts_policy_cache_lookups", "{lookup}", "Compiled policy cache lookups by result (hit or miss).");
        _gitHubCalls = Meter.CreateCounter<long>("githubsts_github_api_calls", "{call}", "GitHub API calls by endpoint and result (status class or error).");
        _tokensIssued = Meter.CreateCounter<long>("githubsts_tokens_issued", "{token}", "Installation tokens issued by app.");
        _signerCalls = Meter.CreateCounter<long>("githubsts_signer_calls", "{call}", "App JWT signatures asked of an external signer (KMS) by app and result.");
        _webhooks = CreateWebhookInstruments(Meter);
    }

    public Meter Meter { get; }

    public void HttpRequestStarted() => _httpInFlight.Add(1);

    public void HttpRequestFinished(string endpoint, string method, int statusCode, TimeSpan duration)
    {
        _httpInFlight.Add(-1);
        _httpRequests.Add(1, new("endpoint", endpoint), new("method", method), new("code", statusCode));
        _httpDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint), new("method", method));
    }

    public void ExchangeCompleted(ExchangeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var result = ExchangeResults.NameOf(outcome);
        var reason = outcome.Error?.ReasonCode ?? ExchangeResults.NoReason;
        _exchanges.Add(1, new KeyValuePair<string, object?>("result", result), new("reason", reason));
        _exchangeDuration.Record(outcome.Duration.TotalSeconds, new KeyValuePair<string, object?>("result", result));
        if (outcome.Error is { } error && ExchangeResults.IsTokenValidationError(error))
        {
            _oidcErrors.Add(1, new KeyValuePair<string, object?>("reason", error.ReasonCode));
        }

        if (outcome.Result is not null && outcome.Context.App is { } app)
        {
            _tokensIssued.Add(1, new KeyValuePair<string, object?>("app", app.Name));
        }
    }

    /// <param name="source">A fixed source name such as <c>repository</c>.</param>
    /// <param name="result">A fixed result such as <c>loaded</c>, <c>not_found</c>, <c>invalid</c>, <c>error</c>.</param>
    public void PolicyLoaded(string source, string result) =>
        _policyLoads.Add(1, new KeyValuePair<string, object?>("source", source), new("result", result));

    public void PolicyCacheLookup(bool hit) => _policyCache.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    /// <param name="endpoint">A fixed operation name: <c>mint</c>, <c>installation</c>, <c>contents</c>, <c>revoke</c>, <c>app</c>.</param>
    /// <param name="result">A status class (<c>2xx</c>…) or <c>error</c>.</param>
    public void GitHubCall(string endpoint, string result) =>
        _gitHubCalls.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new("result", result));

    public static string StatusClass(int statusCode) => statusCode switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "error",
    };

    /// <summary><see cref="ExchangeErrorKind"/> in snake_case (<c>AccessDenied</c> → <c>access_denied</c>), as in audit lines.</summary>
    public static string ResultName(ExchangeErrorKind kind) => ExchangeResults.NameOf(kind);

    public void Dispose() => Meter.Dispose();
}
