using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>Tells GitHub's rate-limit answers apart from real permission failures and works out how long to wait.</summary>
/// <remarks>
/// GitHub signals rate limits with 429, or with 403 plus x-ratelimit-remaining: 0, a retry-after header, or a
/// "secondary rate limit" message. A 403 with none of these is a genuine permission problem.
/// </remarks>
internal static class RateLimitClassifier
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);

    // The primary window is one hour; a reset further out than that is a broken header, not a reason to stop for days.
    public static readonly TimeSpan MaximumWait = TimeSpan.FromHours(1);

    public static int? GetRemaining(HttpResponseMessage response) =>
        TryGetHeader(response, "x-ratelimit-remaining", out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var remaining) ? remaining : null;

    /// <summary>The reset time when the response says the quota is exhausted, else null.</summary>
    public static DateTimeOffset? GetExhaustedQuotaReset(HttpResponseMessage response) =>
        GetRemaining(response) == 0
        && TryGetHeader(response, "x-ratelimit-reset", out var text)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epochSeconds)
        && epochSeconds < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(epochSeconds)
            : null;

    /// <summary>How long to wait when the failed response is a rate limit; null when it is not one.</summary>
    public static TimeSpan? GetWait(HttpResponseMessage response, ReadOnlySpan<byte> bodyPrefix, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        var hasRetryAfter = response.Headers.NonValidated.Contains("Retry-After");
        var isRateLimit = status == 429
            || (status == 403 && (GetRemaining(response) == 0 || hasRetryAfter || MentionsRateLimit(bodyPrefix)));
        return isRateLimit ? Clamp(ComputeWait(response, now)) : null;
    }

    public static TimeSpan Clamp(TimeSpan wait) =>
        wait < MinimumWait ? MinimumWait : wait > MaximumWait ? MaximumWait : wait;

    private static TimeSpan ComputeWait(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : DefaultWait);
        }

        return GetExhaustedQuotaReset(response) is { } reset ? reset - now : DefaultWait;
    }

    // GitHub sometimes answers a secondary limit with a bare 403 whose message is the only signal.
    private static bool MentionsRateLimit(ReadOnlySpan<byte> bodyPrefix)
    {
        try
        {
            var reader = new Utf8JsonReader(bodyPrefix);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && (FieldContains(document.RootElement, "message", "rate limit")
                    || FieldContains(document.RootElement, "documentation_url", "rate-limit"));
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(bodyPrefix).Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase);
        }
    }

    private static bool FieldContains(JsonElement root, string name, string text) =>
        root.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && value.GetString()!.Contains(text, StringComparison.OrdinalIgnoreCase);

    private static bool TryGetHeader(HttpResponseMessage response, string name, out string value)
    {
        value = string.Empty;
        if (!response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            return false;
        }

        foreach (var item in values)
        {
            value = item.Trim();
            return true;
        }

        return false;
    }
}
