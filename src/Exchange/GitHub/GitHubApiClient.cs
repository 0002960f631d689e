using System.Text.Json;
using GithubSts.Exchange.Telemetry;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.GitHub;

/// <summary>The GitHub REST calls the STS needs, for any number of configured Apps.</summary>
/// <remarks>
/// Thread-safe; create one per process. Every failure surfaces as a <see cref="GitHubApiException"/> subtype whose
/// message never contains a response body or a token.
/// </remarks>
public sealed partial class GitHubApiClient
{
    private const int MaxJsonResponseBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly AppJwtFactory _jwt;
    private readonly TimeProvider _time;
    private readonly ILogger<GitHubApiClient> _logger;
    private readonly GitHubClientOptions _options;
    private readonly RateLimitTracker _rateLimits = new();
    private readonly GithubStsMetrics? _metrics;

    public GitHubApiClient(
        HttpClient http, AppJwtFactory jwt, TimeProvider time, ILogger<GitHubApiClient> logger, GitHubClientOptions? options = null,
        GithubStsMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _jwt = jwt;
        _time = time;
        _logger = logger;
        _options = ValidateOptions(options ?? new GitHubClientOptions());
        _metrics = metrics;
    }

    /// <summary>An HttpClient suited to GitHub: no redirects (tokens must not follow them), bounded connects and pooling.</summary>
    /// <remarks>The per-call timeout is applied by <see cref="GitHubApiClient"/> itself, so HttpClient.Timeout is infinite.</remarks>
    /// <param name="traced">
    /// Spans are exported (OTLP): keep the handler that makes one per call (and propagates the trace context, as
    /// before). Without tracing it is left out: it made a child Activity and wrote a <c>traceparent</c> header to GitHub
    /// on every call, since ASP.NET Core starts an Activity per request whenever its logging is on.
    /// </param>
    public static HttpClient CreateHttpClient(bool traced = false)
    {
        var handler = new SocketsHttpHandler
        {
            ActivityHeadersPropagator = traced ? System.Diagnostics.DistributedContextPropagator.Current : null,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 50,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>GET /app: the App the credentials authenticate as.</summary>
    public Task<GitHubAppInfo> GetAppAsync(GitHubAppCredentials app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var request = new GitHubRequest
        {
            App = app,
            Method = HttpMethod.Get,
            Uri = BuildUri(app, "app"),
            Operation = "app lookup",
            Idempotent = true,
            RateLimitBucket = RateLimitTracker.AppBucket,
        };
        return WithTimeoutAsync(request.Operation, async token =>
        {
            using var document = await SendForJsonAsync(request, token);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("id", out var id) && id.TryGetInt64(out var appId)
                && root.TryGetProperty("slug", out var slug) && slug.GetString() is { Length: > 0 } slugText)
            {
                return new GitHubAppInfo(appId, slugText);
            }

            throw Malformed(request);
        }, ct);
    }

    /// <summary>The x-ratelimit-remaining GitHub last reported for calls signed with this App's JWT.</summary>
    public int? GetRateLimitRemaining(GitHubAppCredentials app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return _rateLimits.GetRemaining(app);
    }

    private static GitHubClientOptions ValidateOptions(GitHubClientOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.RequestTimeout, MaxRequestTimeout, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.InstallationCacheTtl, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InstallationNotFoundTtl, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.InstallationCacheCapacity, nameof(options));
        if (string.IsNullOrWhiteSpace(options.UserAgent) || options.UserAgent.Any(char.IsControl))
        {
            throw new ArgumentException("The User-Agent must be non-empty printable text.", nameof(options));
        }

        // Copied so later changes to the caller's instance cannot alter a running client.
        return new GitHubClientOptions
        {
            RequestTimeout = options.RequestTimeout,
            InstallationCacheTtl = options.InstallationCacheTtl,
            InstallationNotFoundTtl = options.InstallationNotFoundTtl,
            InstallationCacheCapacity = options.InstallationCacheCapacity,
            RetryDelay = options.RetryDelay,
            UserAgent = options.UserAgent,
        };
    }

    /// <summary>Resolves a path below the App's API base; the path is built only from validated, escaped parts.</summary>
    private static Uri BuildUri(GitHubAppCredentials app, string relativePath)
    {
        var uri = new Uri(app.ApiBaseUrl, relativePath);
        // Defence in depth: a path that escaped the base URL or grew a query would reach an endpoint we never meant to call.
        if (!uri.AbsoluteUri.StartsWith(app.ApiBaseUrl.AbsoluteUri, StringComparison.Ordinal) || uri.Query.Length > 0)
        {
            throw new ArgumentException("The GitHub API path is not valid.", nameof(relativePath));
        }

        return uri;
    }

    private static GitHubUnavailableException Malformed(GitHubRequest request) =>
        new($"GitHub {request.Operation} returned a malformed response.");
}
