using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GithubSts.Exchange.Telemetry;

namespace GithubSts.Exchange.GitHub;

/// <summary>Sending, retrying, timing out and classifying GitHub calls.</summary>
public sealed partial class GitHubApiClient
{
    private const int ErrorBodyPrefixBytes = 4096;
    private const int LoggedErrorBodyChars = 512;
    private const string ApiVersion = "2022-11-28";

    /// <summary>Runs one logical call under the configured timeout; a timeout (not a caller cancel) means GitHub is unavailable.</summary>
    private async Task<T> WithTimeoutAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await call(linked.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            LogTimedOut(operation, _options.RequestTimeout.TotalSeconds);
            throw new GitHubUnavailableException($"GitHub {operation} timed out.", null, ex);
        }
    }

    /// <summary>Sends the call and returns a 2xx response (the caller disposes it); everything else becomes an exception.</summary>
    private async Task<HttpResponseMessage> SendAsync(GitHubRequest request, CancellationToken ct)
    {
        ThrowIfPaused(request);
        for (var attempt = 1; ; attempt++)
        {
            var canRetry = request.Idempotent && attempt == 1;
            HttpResponseMessage response;
            string? appJwt = null;
            try
            {
                appJwt = request.UsesAppJwt ? await _jwt.GetTokenAsync(request.App, ct) : null;
                using var message = CreateMessage(request, appJwt);
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
            {
                _metrics?.GitHubCall(MetricsEndpoint(request), "error");
                if (canRetry)
                {
                    LogRetrying(request.Operation, "connection failure");
                    await DelayBeforeRetryAsync(ct);
                    continue;
                }

                LogUnreachable(ex, request.Operation);
                throw new GitHubUnavailableException($"GitHub {request.Operation} could not be reached.", null, ex);
            }

            _metrics?.GitHubCall(MetricsEndpoint(request), GithubStsMetrics.StatusClass((int)response.StatusCode));
            ObserveQuota(request, response);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                if ((int)response.StatusCode >= 500 && canRetry)
                {
                    LogRetrying(request.Operation, "server error");
                    await DelayBeforeRetryAsync(ct);
                    continue;
                }

                throw await ClassifyFailureAsync(request, response, appJwt, ct);
            }
        }
    }

    /// <summary>The fixed metrics label for a call: never its URL.</summary>
    private static string MetricsEndpoint(GitHubRequest request) => request.Operation switch
    {
        "installation token mint" => "mint",
        "token revocation" => "revoke",
        "contents read" => "contents",
        "installation lookup" => "installation",
        "app lookup" => "app",
        "installation repositories" => "repositories",
        "installation details" => "installation",
        "commit comparison" => "contents",
        "check run creation" => "checks",
        _ => "other",
    };

    private async Task<JsonDocument> SendForJsonAsync(GitHubRequest request, CancellationToken ct)
    {
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync(request, response, ct);
    }

    private async Task<JsonDocument> ReadJsonAsync(GitHubRequest request, HttpResponseMessage response, CancellationToken ct)
    {
        var body = await ResponseBodyReader.ReadAtMostAsync(response.Content, MaxJsonResponseBytes, ct);
        if (body is null)
        {
            LogMalformedResponse(request.Operation, "body too large");
            throw Malformed(request);
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            LogMalformedResponse(request.Operation, "invalid JSON");
            throw new GitHubUnavailableException($"GitHub {request.Operation} returned a malformed response.", null, ex);
        }
    }

    private HttpRequestMessage CreateMessage(GitHubRequest request, string? appJwt)
    {
        var message = new HttpRequestMessage(request.Method, request.Uri);
        message.Headers.Accept.ParseAdd(request.Accept);
        message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        message.Headers.Add("X-GitHub-Api-Version", ApiVersion);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", appJwt ?? request.InstallationToken);
        if (request.JsonBody is not null)
        {
            message.Content = new ByteArrayContent(request.JsonBody);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return message;
    }

    private void ThrowIfPaused(GitHubRequest request)
    {
        if (request.RateLimitBucket is { } bucket
            && _rateLimits.GetRemainingPause(request.App, bucket, _time.GetUtcNow()) is { } remaining)
        {
            var wait = RateLimitClassifier.Clamp(remaining);
            LogRefusedWhilePaused(request.App.Name, request.Operation, wait.TotalSeconds);
            throw new GitHubRateLimitedException(
                $"GitHub {request.Operation} was not attempted: the App is rate limited.", null, wait);
        }
    }

    // Every response reports the quota; an exhausted one pauses the bucket before GitHub has to refuse us.
    private void ObserveQuota(GitHubRequest request, HttpResponseMessage response)
    {
        if (request.UsesAppJwt && RateLimitClassifier.GetRemaining(response) is { } remaining)
        {
            _rateLimits.RecordRemaining(request.App, remaining);
        }

        var now = _time.GetUtcNow();
        if (request.RateLimitBucket is { } bucket && RateLimitClassifier.GetExhaustedQuotaReset(response) is { } reset && reset > now)
        {
            _rateLimits.Pause(request.App, bucket, now + RateLimitClassifier.Clamp(reset - now), now);
        }
    }

    private async Task<GitHubApiException> ClassifyFailureAsync(
        GitHubRequest request, HttpResponseMessage response, string? appJwt, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var bodyPrefix = await ReadErrorBodyPrefixAsync(response, ct);
        LogUpstreamFailure(request.Operation, status);
        if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            var body = DescribeBodyForDebug(bodyPrefix);
            LogUpstreamErrorBody(request.Operation, status, body);
        }

        var now = _time.GetUtcNow();
        if (RateLimitClassifier.GetWait(response, bodyPrefix, now) is { } wait)
        {
            if (request.RateLimitBucket is { } bucket)
            {
                _rateLimits.Pause(request.App, bucket, now + wait, now);
            }

            LogRateLimited(request.App.Name, request.Operation, status, wait.TotalSeconds);
            return new GitHubRateLimitedException($"GitHub {request.Operation} was rate limited ({status}).", status, wait);
        }

        if (status == 401 && appJwt is not null)
        {
            _jwt.Invalidate(request.App, appJwt);
        }

        var message = $"GitHub {request.Operation} failed with status {status}.";
        return status switch
        {
            401 => new GitHubAuthenticationException(message),
            404 => new GitHubNotFoundException(message),
            422 => new GitHubUnprocessableException(message),
            >= 500 => new GitHubUnavailableException(message, status),
            _ => new GitHubApiException(message, status),
        };
    }

    private static async Task<byte[]> ReadErrorBodyPrefixAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await ResponseBodyReader.ReadPrefixAsync(response.Content, ErrorBodyPrefixBytes, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status alone is enough to classify the failure.
            return [];
        }
    }

    // Debug only and truncated: error bodies are GitHub's text, useful to diagnose, never fit for Info logs or messages.
    private static string DescribeBodyForDebug(byte[] bodyPrefix)
    {
        var text = Encoding.UTF8.GetString(bodyPrefix);
        if (text.Length > LoggedErrorBodyChars)
        {
            text = text[..LoggedErrorBodyChars];
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }

    private Task DelayBeforeRetryAsync(CancellationToken ct)
    {
        if (_options.RetryDelay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        // Jitter keeps many instances that failed together from retrying together.
        var delay = _options.RetryDelay * (1 + Random.Shared.NextDouble());
        return Task.Delay(delay, _time, ct);
    }
}
