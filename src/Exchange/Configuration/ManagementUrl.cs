using System.Globalization;
using System.Net;

namespace GithubSts.Exchange.Configuration;

/// <summary>
/// A management listener address: <c>http://HOST:PORT</c> with HOST an IP literal, <c>localhost</c> or <c>*</c>, and an
/// explicit port (0 for any free one). No path, query, credentials or https: the listener is for the cluster only.
/// </summary>
public static class ManagementUrl
{
    public const string Default = "http://localhost:9090";

    public static bool TryNormalize(string text, out string url)
    {
        url = string.Empty;
        const string scheme = "http://";
        if (!text.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var authority = text[scheme.Length..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !TryParsePort(authority[(colon + 1)..], out var port))
        {
            return false;
        }

        // Kestrel cannot pick a free port for localhost (it binds two addresses).
        var host = authority[..colon];
        if (host == "localhost" && port == 0)
        {
            return false;
        }

        var validHost = host is "localhost" or "*"
            || (host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            || (IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.Count(c => c == '.') == 3);
        if (!validHost)
        {
            return false;
        }

        url = scheme + authority;
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535 && text.Length <= 5;
}
