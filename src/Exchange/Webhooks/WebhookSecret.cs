using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace GithubSts.Exchange.Webhooks;

/// <summary>
/// An App's webhook secret: verifies <c>X-Hub-Signature-256</c> (HMAC-SHA256 of the exact body bytes, compared in
/// constant time). The legacy SHA-1 header is never looked at. Not a record: the key must never be formatted.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>Shorter secrets are refused at start-up (GitHub accepts any; a guessable one would let anyone in).</summary>
    public const int MinimumLength = 16;

    private const string Prefix = "sha256=";
    private const int DigestBytes = 32;

    private readonly byte[] _key;

    public WebhookSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumLength)
        {
            throw new ArgumentException($"a webhook secret must have at least {MinimumLength} characters", nameof(secret));
        }

        _key = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>Whether <paramref name="signature"/> is exactly <c>sha256=</c> and the hex HMAC of <paramref name="body"/>.</summary>
    public bool Verifies(ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || signature.Length != Prefix.Length + (2 * DigestBytes)
            || !signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[DigestBytes];
        if (Convert.FromHexString(signature.AsSpan(Prefix.Length), given, out _, out var written) != OperationStatus.Done
            || written != DigestBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[DigestBytes];
        HMACSHA256.HashData(_key, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The header GitHub would send for <paramref name="body"/> (tests and tools sign with it).</summary>
    public string Sign(ReadOnlySpan<byte> body) => Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key, body));

    public override string ToString() => "WebhookSecret(redacted)";
}
