using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// When a token is renewed: <c>refreshBefore</c> before it expires, moved earlier by a jitter of up to a quarter of
/// <c>refreshBefore</c> (at most 5 minutes) drawn from the resource's uid, so resources created together do not renew
/// in the same second, and never sooner than half-way through the token's life (a <c>refreshBefore</c> longer than
/// the life GitHub gave must not renew in a loop).
/// </summary>
public static class RenewalSchedule
{
    private static readonly TimeSpan MaxJitter = TimeSpan.FromMinutes(5);

    public static DateTimeOffset RenewAt(DateTimeOffset refreshedAt, DateTimeOffset expiresAt, TimeSpan refreshBefore, string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var window = TimeSpan.FromTicks(Math.Min(refreshBefore.Ticks / 4, MaxJitter.Ticks));
        var due = expiresAt - refreshBefore - Jitter(seed, window);
        var halfLife = refreshedAt + ((expiresAt - refreshedAt) / 2);
        return due > halfLife ? due : halfLife;
    }

    /// <summary>A delay in [0, <paramref name="window"/>) fixed by <paramref name="seed"/>.</summary>
    public static TimeSpan Jitter(string seed, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return window <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks((long)(Fraction(seed) * window.Ticks));
    }

    /// <summary>A number in [0, 1) fixed by <paramref name="seed"/>.</summary>
    private static double Fraction(string seed)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash) / (ulong.MaxValue + 1.0);
    }
}
