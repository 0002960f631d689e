using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using GithubSts.Exchange.GitHub.Signing;
using GithubSts.Exchange.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.Exchange.GitHub;

/// <summary>
/// Signs the RS256 JWT a GitHub App authenticates with, cached per App so requests never pay for an RSA signature
/// and a KMS-held key is used about once per JWT lifetime, never per exchange.
/// </summary>
public sealed partial class AppJwtFactory
{
    /// <summary>GitHub's own guidance: back-date iat to absorb clock drift between us and GitHub.</summary>
    internal static readonly TimeSpan IssuedAtBackdate = TimeSpan.FromSeconds(60);

    /// <summary>GitHub rejects exp more than 10 minutes ahead; 9 minutes leaves margin for drift.</summary>
    internal static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    /// <summary>A token is replaced once less than this remains, so an in-flight call never carries an expiring JWT.</summary>
    internal static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(2);

    // Base64url of {"alg":"RS256","typ":"JWT"}.
    private const string EncodedHeader = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

    /// <summary>After a signer failure, callers fail at once for this long instead of each waiting on a KMS that is down.</summary>
    internal static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(2);

    /// <summary>A refresh that fails may still hand out the cached token while this much of it remains.</summary>
    private static readonly TimeSpan MinimumRemainingOnFailure = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly GithubStsMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<GitHubAppCredentials, Slot> _slots = new();

    public AppJwtFactory(TimeProvider time, GithubStsMetrics? metrics = null, ILogger<AppJwtFactory>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _metrics = metrics;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The cached App JWT, or a fresh one; a remote signer is called only when the cached one nears expiry.</summary>
    /// <exception cref="AppSignerException">No JWT could be signed (nothing may be minted with this App now).</exception>
    public async ValueTask<string> GetTokenAsync(GitHubAppCredentials app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var slot = _slots.GetValue(app, static _ => new Slot());
        if (slot.Current is { } cached && cached.IsUsableAt(_time.GetUtcNow()))
        {
            return cached.Token;
        }

        await slot.Gate.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            if (slot.Current is { } refreshed && refreshed.IsUsableAt(now))
            {
                return refreshed.Token;
            }

            if (slot.LastFailure is { } failure && now >= failure.At && now - failure.At < FailureBackoff)
            {
                return slot.Current is { } stale && stale.RemainsUsableAt(now) ? stale.Token : throw failure.Error;
            }

            try
            {
                var signed = await SignAsync(app, now, ct);
                slot.Current = signed;
                slot.LastFailure = null;
                return signed.Token;
            }
            catch (AppSignerException e)
            {
                slot.LastFailure = new SignerFailure(now, e);
                if (slot.Current is { } stale && stale.RemainsUsableAt(now))
                {
                    return stale.Token;
                }

                throw;
            }
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>For tests with in-process keys, whose signing never waits on anything.</summary>
    internal string GetToken(GitHubAppCredentials app) => GetTokenAsync(app, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>Drops a token GitHub refused (clock skew, rotated key) so the next call signs a fresh one.</summary>
    internal void Invalidate(GitHubAppCredentials app, string rejectedToken)
    {
        if (_slots.TryGetValue(app, out var slot) && slot.Current is { } current
            && string.Equals(current.Token, rejectedToken, StringComparison.Ordinal))
        {
            // A racing refresh may have replaced it already; only the rejected one is dropped.
            Interlocked.CompareExchange(ref slot.Current, null, current);
        }
    }

    private async ValueTask<SignedAppJwt> SignAsync(GitHubAppCredentials app, DateTimeOffset now, CancellationToken ct)
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
        var signature = await SignWithAsync(app, System.Text.Encoding.ASCII.GetBytes(signingInput), ct);
        var token = signingInput + "." + Base64Url.EncodeToString(signature);
        return new SignedAppJwt(token, now, DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    private async ValueTask<byte[]> SignWithAsync(GitHubAppCredentials app, byte[] signingInput, CancellationToken ct)
    {
        if (!app.HasRemoteSigner)
        {
            return await app.Signer.SignAsync(signingInput, ct);
        }

        try
        {
            var signature = await app.Signer.SignAsync(signingInput, ct);
            _metrics?.SignerCall(app.Name, GithubStsMetrics.SignerOk);
            LogSigned(app.Name, app.Signer.Kind);
            return signature;
        }
        catch (AppSignerException e)
        {
            _metrics?.SignerCall(app.Name, GithubStsMetrics.SignerResultFor(e.Failure));
            LogSignerFailed(app.Name, app.Signer.Kind, e.ReasonCode, e.Message);
            throw;
        }
    }

    private sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public SignedAppJwt? Current;

        public SignerFailure? LastFailure;
    }

    private sealed record SignerFailure(DateTimeOffset At, AppSignerException Error);

    private sealed class SignedAppJwt(string token, DateTimeOffset signedAt, DateTimeOffset expiresAt)
    {
        public string Token { get; } = token;

        // A clock that moved backwards would make the cached iat lie in the future: sign again.
        public bool IsUsableAt(DateTimeOffset now) => now >= signedAt && expiresAt - now >= RefreshMargin;

        /// <summary>Past the refresh point but still good for a call: used only while the signer is failing.</summary>
        public bool RemainsUsableAt(DateTimeOffset now) => now >= signedAt && expiresAt - now >= MinimumRemainingOnFailure;
    }
}
