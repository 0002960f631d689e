using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Webhooks;

public sealed partial class WebhookReceiver
{
    [LoggerMessage(EventId = 7421, Level = LogLevel.Warning,
        Message = "Webhook delivery {DeliveryId} from {ClientAddress} refused: no App with that id whose secret verifies X-Hub-Signature-256")]
    private partial void LogUnauthenticated(string deliveryId, string clientAddress);

    [LoggerMessage(EventId = 7422, Level = LogLevel.Information, Message = "App {AppId}: webhook delivery {DeliveryId} ({Event}) was seen before; ignored")]
    private partial void LogDuplicate(long appId, string deliveryId, string @event);

    [LoggerMessage(EventId = 7423, Level = LogLevel.Information,
        Message = "App {App}: push {DeliveryId} to the default branch of {Owner}/{Repository} changed {Files} policy files (complete list: {Complete})")]
    private partial void LogPushInvalidates(string app, string deliveryId, string owner, string repository, int files, bool complete);

    [LoggerMessage(EventId = 7424, Level = LogLevel.Warning, Message = "App {AppId}: webhook delivery {DeliveryId} ({Event}) failed; it can be redelivered")]
    private partial void LogProcessingFailed(Exception exception, long appId, string deliveryId, string @event);

    [LoggerMessage(EventId = 7425, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} refused: the delivery store is unavailable ({Problem})")]
    private partial void LogDeliveryStoreUnavailable(string deliveryId, string problem);

    [LoggerMessage(EventId = 7426, Level = LogLevel.Warning, Message = "Forgetting a failed webhook delivery failed ({Problem}); a redelivery of it will be ignored")]
    private partial void LogForgetFailed(string problem);
}
