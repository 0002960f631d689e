using System.Text.Json;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Telemetry;
using GithubSts.Exchange.Webhooks.Checks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Webhooks;

/// <summary>
/// <c>POST {webhook.path}</c>: authenticates a delivery (the App named by <c>X-GitHub-Hook-Installation-Target-ID</c>,
/// its secret, <c>X-Hub-Signature-256</c> over the exact body), ignores a delivery id seen before, and acts on
/// <c>push</c> and <c>pull_request</c>. Nothing is parsed, remembered or called before the signature verified.
/// </summary>
public sealed partial class WebhookReceiver(
    IGitHubAppRegistry apps,
    WebhookOptions options,
    WebhookDeliveries deliveries,
    PolicyCacheInvalidator invalidator,
    IPolicyInvalidationChannel channel,
    PolicyCheckRunner checks,
    GithubStsMetrics metrics,
    TimeProvider time,
    ILogger<WebhookReceiver> logger)
{
    /// <summary>The processing of one delivery is bounded (GitHub itself waits 10 s for an answer).</summary>
    private static readonly TimeSpan ProcessingBudget = TimeSpan.FromSeconds(30);

    internal async Task<IResult> HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var eventName = Single(request.Headers["X-GitHub-Event"]) ?? string.Empty;
        var metricEvent = eventName is "push" or "pull_request" or "ping" ? eventName : "other";
        var deliveryId = Single(request.Headers["X-GitHub-Delivery"]);

        var body = await ReadBodyAsync(http);
        if (body is null)
        {
            return Answer(metricEvent, "too_large", StatusCodes.Status413PayloadTooLarge, deliveryId);
        }

        var matching = Authenticate(request, body);
        if (matching.Count == 0)
        {
            // The header is the sender's text: logged only when it has the shape of an id.
            LogUnauthenticated(WebhookDeliveries.IsDeliveryId(deliveryId) ? deliveryId! : "-", http.Connection.RemoteIpAddress?.ToString() ?? "-");
            return Answer(metricEvent, "unauthenticated", StatusCodes.Status401Unauthorized, null);
        }

        if (!WebhookDeliveries.IsDeliveryId(deliveryId) || eventName.Length == 0)
        {
            return Answer(metricEvent, "malformed", StatusCodes.Status400BadRequest, null);
        }

        var appId = matching[0].Credentials.AppId;
        DeliveryClaim? claim;
        try
        {
            claim = await deliveries.TryClaimAsync(appId, deliveryId!, body, http.RequestAborted);
        }
        catch (ReplayStoreUnavailableException e)
        {
            LogDeliveryStoreUnavailable(deliveryId!, e.Message);
            return Answer(metricEvent, "store_unavailable", StatusCodes.Status503ServiceUnavailable, deliveryId);
        }

        if (claim is not { } reservation)
        {
            LogDuplicate(appId, deliveryId!, eventName);
            return Answer(metricEvent, "duplicate", StatusCodes.Status200OK, deliveryId);
        }

        try
        {
            using var budget = new CancellationTokenSource(ProcessingBudget, time);
            var result = await ProcessAsync(matching, eventName, deliveryId!, body, budget.Token);
            var status = result == "malformed" ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
            if (result == "malformed")
            {
                await ForgetQuietlyAsync(reservation);
            }

            return Answer(metricEvent, result, status, deliveryId);
        }
        catch (Exception e) when (e is GitHubApiException or OperationCanceledException or ReplayStoreUnavailableException)
        {
            // Forgotten, so the App owner can redeliver it once GitHub answers again.
            LogProcessingFailed(e, appId, deliveryId!, eventName);
            await ForgetQuietlyAsync(reservation);
            return Answer(metricEvent, "error", StatusCodes.Status503ServiceUnavailable, deliveryId);
        }
    }

    private async Task<string> ProcessAsync(
        IReadOnlyList<GitHubAppRuntime> matching, string eventName, string deliveryId, byte[] body, CancellationToken ct)
    {
        if (eventName == "ping")
        {
            return "processed";
        }

        if (eventName is not ("push" or "pull_request"))
        {
            return "ignored";
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return "malformed";
        }

        using (document)
        {
            var acted = false;
            if (eventName == "push")
            {
                if (PushEvent.Read(document.RootElement) is not { } push)
                {
                    return "malformed";
                }

                foreach (var app in matching)
                {
                    acted |= await OnPushAsync(app, push, deliveryId, ct);
                }
            }
            else
            {
                if (PullRequestEvent.Read(document.RootElement) is not { } pull)
                {
                    return "malformed";
                }

                foreach (var app in matching.Where(a => pull.AsksForCheck && a.RepositoryPoliciesEnabled))
                {
                    var outcome = await checks.RunAsync(
                        new PolicyCheckRequest(app, pull.Repository.InstallationId, pull.Repository.Owner, pull.Repository.Name, pull.HeadSha, pull.BaseSha, null),
                        ct);
                    acted |= outcome is not (PolicyCheckOutcome.NothingToCheck or PolicyCheckOutcome.UnknownInstallation);
                }
            }

            return acted ? "processed" : "ignored";
        }
    }

    /// <summary>The default branch: invalidate what changed. Another branch: check what changed.</summary>
    private async Task<bool> OnPushAsync(GitHubAppRuntime app, PushEvent push, string deliveryId, CancellationToken ct)
    {
        if (!app.RepositoryPoliciesEnabled || !push.IsBranch)
        {
            return false;
        }

        var repository = push.Repository;
        var matcher = new PolicyFileMatcher(app);
        if (push.IsToDefaultBranch)
        {
            var touched = push.Changed.Where(matcher.IsPolicyFile).ToList();
            if (push.Complete && touched.Count == 0)
            {
                return false;
            }

            var invalidation = new PolicyInvalidation(app.Name, repository.Owner, repository.Name, matcher.Directory, push.Complete ? touched : []);
            LogPushInvalidates(app.Name, deliveryId, repository.Owner, repository.Name, touched.Count, push.Complete);
            invalidator.Apply(invalidation, PolicyCacheInvalidator.FromWebhook);
            await channel.PublishAsync(invalidation, ct);
            return true;
        }

        if (push.Deleted || !GitHubApiClient.IsCommitSha(push.After))
        {
            return false;
        }

        var present = push.Changed.Except(push.Removed, StringComparer.Ordinal).Where(matcher.IsUnderPolicyDirectory).ToList();
        if (present.Count == 0)
        {
            return false;
        }

        var outcome = await checks.RunAsync(
            new PolicyCheckRequest(app, repository.InstallationId, repository.Owner, repository.Name, push.After, null, present), ct);
        return outcome is not (PolicyCheckOutcome.NothingToCheck or PolicyCheckOutcome.UnknownInstallation);
    }

    /// <summary>The Apps with the delivery's App id whose secret verifies the signature (several only if configured twice).</summary>
    private List<GitHubAppRuntime> Authenticate(HttpRequest request, byte[] body)
    {
        var signature = Single(request.Headers["X-Hub-Signature-256"]);
        if (signature is null
            || Single(request.Headers["X-GitHub-Hook-Installation-Target-ID"]) is not { } target
            || !long.TryParse(target, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var appId))
        {
            return [];
        }

        return [.. apps.Apps.Where(a => a.Credentials.AppId == appId && a.WebhookSecret is { } secret && secret.Verifies(body, signature))];
    }

    /// <summary>The body, or null when it is larger than the limit (refused by its length or while reading).</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        var limit = options.MaxBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    private async Task ForgetQuietlyAsync(DeliveryClaim reservation)
    {
        try
        {
            await deliveries.ForgetAsync(reservation, CancellationToken.None);
        }
        catch (ReplayStoreUnavailableException e)
        {
            LogForgetFailed(e.Message);
        }
    }

    private JsonHttpResult<WebhookResponse> Answer(string eventName, string result, int status, string? deliveryId)
    {
        metrics.WebhookDelivery(eventName, result);
        return TypedResults.Json(
            new WebhookResponse(result, WebhookDeliveries.IsDeliveryId(deliveryId) ? deliveryId : null),
            WebhookJsonContext.Default.WebhookResponse,
            statusCode: status);
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;
}
