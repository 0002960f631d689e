using System.Security.Cryptography;
using System.Text;
using GithubSts.Exchange.Replay;

namespace GithubSts.Exchange.Webhooks;

/// <summary>
/// Which delivery ids were already acted on, per App: with the Redis replay store configured, in Redis (so a delivery
/// replayed to another replica is caught too, under the replay store's key prefix and ACL); otherwise in this process.
/// A delivery whose processing failed is forgotten, so GitHub's "Redeliver" works for it.
/// </summary>
public sealed class WebhookDeliveries(IReplayStore store)
{
    /// <summary>GitHub's ids are GUIDs; anything outside this grammar is refused before it becomes a key.</summary>
    public static bool IsDeliveryId(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>Null when the id was seen already; otherwise the claim to release if processing fails.</summary>
    /// <exception cref="ReplayStoreUnavailableException">The store could not answer.</exception>
    public async ValueTask<ReplayReservation?> TryClaimAsync(long appId, string deliveryId, CancellationToken cancellationToken)
    {
        var reservation = ReplayReservation.Create(KeyOf(appId, deliveryId));
        return await store.TryReserveAsync(reservation, WebhookOptions.DeliveryMemory, cancellationToken) ? reservation : null;
    }

    public async ValueTask ForgetAsync(ReplayReservation reservation, CancellationToken cancellationToken) =>
        await store.ReleaseAsync(reservation, cancellationToken);

    private static string KeyOf(long appId, string deliveryId) =>
        "webhook:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{appId}\n{deliveryId}")));
}
