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

    /// <summary>
    /// Null when the id, or the exact body, was seen already: the signature covers the body but not the headers, so a
    /// captured delivery resent under a new id is caught by its body. Otherwise the claims to release if processing fails.
    /// </summary>
    /// <exception cref="ReplayStoreUnavailableException">The store could not answer.</exception>
    public async ValueTask<DeliveryClaim?> TryClaimAsync(long appId, string deliveryId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var id = ReplayReservation.Create(KeyOf("webhook:", $"{appId}\n{deliveryId}"));
        if (!await store.TryReserveAsync(id, WebhookOptions.DeliveryMemory, cancellationToken))
        {
            return null;
        }

        var content = ReplayReservation.Create(KeyOf("webhook-body:", $"{appId}\n{Convert.ToHexStringLower(SHA256.HashData(body.Span))}"));
        bool fresh;
        try
        {
            fresh = await store.TryReserveAsync(content, WebhookOptions.DeliveryMemory, cancellationToken);
        }
        catch (ReplayStoreUnavailableException)
        {
            await ReleaseQuietlyAsync(id);
            throw;
        }

        if (!fresh)
        {
            // The same delivery under another id: keep this id remembered too, it is a replay.
            return null;
        }

        return new DeliveryClaim(id, content);
    }

    public async ValueTask ForgetAsync(DeliveryClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await store.ReleaseAsync(claim.Id, cancellationToken);
        await store.ReleaseAsync(claim.Body, cancellationToken);
    }

    private async ValueTask ReleaseQuietlyAsync(ReplayReservation reservation)
    {
        try
        {
            await store.ReleaseAsync(reservation, CancellationToken.None);
        }
        catch (ReplayStoreUnavailableException)
        {
            // The store is down: the id stays remembered until it expires, and the caller reports the failure.
        }
    }

    private static string KeyOf(string prefix, string text) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>What one delivery reserved: its id and its body.</summary>
public sealed record DeliveryClaim(ReplayReservation Id, ReplayReservation Body);
