namespace GithubSts.Exchange.Webhooks;

/// <summary>The App webhook endpoint: where it listens and how much it reads (<c>webhook.*</c>).</summary>
public sealed class WebhookOptions
{
    public const string DefaultPath = "/github/webhook";
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>GitHub caps a delivery at 25 MB; a larger limit could never be needed.</summary>
    public const int MaxMaxBodyBytes = 25 * 1024 * 1024;

    /// <summary>
    /// How long a delivery id is remembered: GitHub lets an App owner redeliver a delivery for 3 days, and an attacker
    /// who saw one could resend it at any time, so both are covered for that window.
    /// </summary>
    public static readonly TimeSpan DeliveryMemory = TimeSpan.FromDays(3);

    /// <summary>The route (<c>webhook.path</c>), on the public listener.</summary>
    public string Path { get; init; } = DefaultPath;

    /// <summary>Larger bodies are refused with 413 before any of it is verified (<c>webhook.maxBodyBytes</c>).</summary>
    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>Bound of the in-process delivery memory when no Redis replay store is configured.</summary>
    public int MaxRememberedDeliveries { get; init; } = 100_000;
}
