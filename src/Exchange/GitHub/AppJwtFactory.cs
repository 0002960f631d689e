using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>Signs the RS256 JWT a GitHub App authenticates with, cached per App so requests never pay for an RSA signature.</summary>
public sealed class AppJwtFactory
{
    /// <summary>GitHub's own guidance: back-date iat to absorb clock drift between us and GitHub.</summary>
    internal static readonly TimeSpan IssuedAtBackdate = TimeSpan.FromSeconds(60);

    /// <summary>GitHub rejects exp more than 10 minutes ahead; 9 minutes leaves margin for drift.</summary>
    internal static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    /// <summary>A token is replaced once less than this remains, so an in-flight call never carries an expiring JWT.</summary>
    internal static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(2);

    // Base64url of {"alg":"RS256","typ":"JWT"}.
    private const string EncodedHeader = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<GitHubAppCredentials, Slot> _slots = new();

    public AppJwtFactory(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    public string GetToken(GitHubAppCredentials app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var slot = _slots.GetValue(app, static _ => new Slot());
        var now = _time.GetUtcNow();
        if (slot.Current is { } cached && cached.IsUsableAt(now))
        {
            return cached.Token;
        }

        lock (slot.Gate)
        {
            if (slot.Current is { } refreshed && refreshed.IsUsableAt(now))
            {
                return refreshed.Token;
            }

            var signed = Sign(app, now);
            slot.Current = signed;
            return signed.Token;
        }
    }

    /// <summary>Drops a token GitHub refused (clock skew, rotated key) so the next call signs a fresh one.</summary>
    internal void Invalidate(GitHubAppCredentials app, string rejectedToken)
    {
        if (_slots.TryGetValue(app, out var slot))
        {
            lock (slot.Gate)
            {
                if (slot.Current is { } current && string.Equals(current.Token, rejectedToken, StringComparison.Ordinal))
                {
                    slot.Current = null;
                }
            }
        }
    }

    private static SignedAppJwt Sign(GitHubAppCredentials app, DateTimeOffset now)
    {
        var issuedAt = now - IssuedAtBackdate;
        var expiresAt = now + Lifetime;
        var payload = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("exp", expiresAt.ToUnixTimeSeconds());
            writer.WriteString("iss", app.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        var signingInput = EncodedHeader + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        var signature = app.PrivateKey.SignData(
            System.Text.Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var token = signingInput + "." + Base64Url.EncodeToString(signature);
        return new SignedAppJwt(token, now, DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    private sealed class Slot
    {
        public Lock Gate { get; } = new();

        public volatile SignedAppJwt? Current;
    }

    private sealed class SignedAppJwt(string token, DateTimeOffset signedAt, DateTimeOffset expiresAt)
    {
        public string Token { get; } = token;

        // A clock that moved backwards would make the cached iat lie in the future: sign again.
        public bool IsUsableAt(DateTimeOffset now) => now >= signedAt && expiresAt - now >= RefreshMargin;
    }
}
