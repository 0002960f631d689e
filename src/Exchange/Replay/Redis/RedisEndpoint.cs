using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GithubSts.Exchange.Replay.Redis;

/// <summary>A <c>host:port</c> address (port 6379, or 26379 for a Sentinel, when omitted; IPv6 as <c>[::1]:6379</c>).</summary>
public sealed record RedisEndpoint(string Host, int Port)
{
    public const int DefaultPort = 6379;
    public const int DefaultSentinelPort = 26379;

    public static bool TryParse(string? value, [NotNullWhen(true)] out RedisEndpoint? endpoint) =>
        TryParse(value, DefaultPort, out endpoint);

    public static bool TryParse(string? value, int defaultPort, [NotNullWhen(true)] out RedisEndpoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(value) || value.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        string host;
        var port = defaultPort;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0 && (!rest.StartsWith(':') || !TryPort(rest[1..], out port)))
            {
                return false;
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            host = colon < 0 ? value : value[..colon];
            if (colon >= 0 && !TryPort(value[(colon + 1)..], out port))
            {
                return false;
            }
        }

        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is ':' && !value.StartsWith('[')))
        {
            return false;
        }

        endpoint = new RedisEndpoint(host, port);
        return true;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
