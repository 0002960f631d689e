namespace GithubSts.Exchange.Identity;

/// <summary>
/// Strict shape rules for an issuer URL (a port of octo-sts <c>oidcvalidate.IsValidIssuer</c>, tightened).
/// The raw string is checked, never a parsed <see cref="Uri"/>, because <see cref="Uri"/> normalises <c>..</c>,
/// percent-escapes, case and IDN hosts. An issuer that fails here causes no outbound request.
/// </summary>
public static class IssuerUrl
{
    public const int MaxLength = 255;
    public const int MaxPathSegmentLength = 150;

    private const string Https = "https://";
    private const string Http = "http://";

    // Names that only resolve inside a private network. An operator may still list such an issuer explicitly.
    private static readonly string[] PrivateSuffixes =
        ["localhost", "local", "internal", "localdomain", "lan", "home", "corp", "intranet", "private", "arpa", "invalid"];

    /// <param name="issuer">The raw issuer string.</param>
    /// <param name="explicitlyListed">
    /// True when the operator listed this exact string. Only then may it be a loopback <c>http</c> URL, a single-label or
    /// private-suffix host, or an IDN (<c>xn--</c>) host.
    /// </param>
    /// <param name="reason">A fixed description of the first rule broken (safe to log; never contains the input).</param>
    public static bool IsAcceptable(string issuer, bool explicitlyListed, out string reason)
    {
        reason = CheckShape(issuer, explicitlyListed) ?? string.Empty;
        return reason.Length == 0;
    }

    /// <summary>The <c>host[:port]</c> part of a URL that already passed <see cref="IsAcceptable"/>.</summary>
    internal static string Authority(string acceptedUrl)
    {
        var rest = acceptedUrl.AsSpan(acceptedUrl.StartsWith(Https, StringComparison.Ordinal) ? Https.Length : Http.Length);
        var slash = rest.IndexOf('/');
        return (slash < 0 ? rest : rest[..slash]).ToString();
    }

    private static string? CheckShape(string issuer, bool explicitlyListed)
    {
        if (string.IsNullOrEmpty(issuer))
        {
            return "empty";
        }

        if (issuer.Length > MaxLength)
        {
            return "longer than 255 characters";
        }

        foreach (var c in issuer)
        {
            // Printable ASCII only: rejects whitespace, control characters and every non-ASCII (homograph) host.
            if (c is < '!' or > '~')
            {
                return "contains a non-ASCII, whitespace or control character";
            }
        }

        if (issuer.Contains('?', StringComparison.Ordinal) || issuer.Contains('#', StringComparison.Ordinal))
        {
            return "has a query or fragment";
        }

        if (issuer.Contains('@', StringComparison.Ordinal))
        {
            return "has userinfo";
        }

        bool https;
        if (issuer.StartsWith(Https, StringComparison.Ordinal))
        {
            https = true;
        }
        else if (issuer.StartsWith(Http, StringComparison.Ordinal))
        {
            https = false;
        }
        else
        {
            return "scheme is not lower-case https";
        }

        var rest = issuer.AsSpan(https ? Https.Length : Http.Length);
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? [] : rest[slash..];

        return CheckAuthority(authority, https, explicitlyListed) ?? CheckPath(path);
    }

    private static string? CheckAuthority(ReadOnlySpan<char> authority, bool https, bool explicitlyListed)
    {
        if (authority.IsEmpty)
        {
            return "has no host";
        }

        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port = [];
        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return "has a malformed IPv6 literal";
            }

            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    return "has a malformed authority";
                }

                port = after[1..];
                if (port.IsEmpty)
                {
                    return "has an empty port";
                }
            }
        }
        else
        {
            var colon = authority.IndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            if (colon >= 0)
            {
                port = authority[(colon + 1)..];
                if (port.IsEmpty)
                {
                    return "has an empty port";
                }
            }
        }

        if (!port.IsEmpty && !IsValidPort(port))
        {
            return "has an invalid port";
        }

        if (!https)
        {
            // Plain http is only for an operator-listed local test issuer.
            return explicitlyListed && IsLoopbackLiteral(host) ? null : "http is only allowed for a listed loopback issuer";
        }

        return CheckHttpsHost(host, explicitlyListed);
    }

    private static string? CheckHttpsHost(ReadOnlySpan<char> host, bool explicitlyListed)
    {
        if (host.IsEmpty)
        {
            return "has no host";
        }

        if (host[0] == '[')
        {
            return "host is an IP literal";
        }

        if (host.Length > 253)
        {
            return "host is too long";
        }

        var labelCount = 0;
        ReadOnlySpan<char> lastLabel = [];
        foreach (var range in host.Split('.'))
        {
            var label = host[range];
            if (label.IsEmpty || label.Length > 63)
            {
                return "host has an empty or over-long label";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return "host label starts or ends with a hyphen";
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    return "host is not lower-case letters, digits and hyphens";
                }
            }

            if (!explicitlyListed && label.StartsWith("xn--", StringComparison.Ordinal))
            {
                return "host has an IDN (xn--) label";
            }

            labelCount++;
            lastLabel = label;
        }

        // Real top-level domains start with a letter; this rejects every numeric or hex IPv4 spelling (127.0.0.1,
        // 2130706433, 0x7f000001, 127.1) without needing to know each resolver's parsing quirks.
        if (!char.IsAsciiLetterLower(lastLabel[0]))
        {
            return "host is an IP literal";
        }

        if (!explicitlyListed)
        {
            if (labelCount < 2)
            {
                return "host is a single-label name";
            }

            foreach (var suffix in PrivateSuffixes)
            {
                if (lastLabel.SequenceEqual(suffix))
                {
                    return "host has a private-network suffix";
                }
            }
        }

        return null;
    }

    private static string? CheckPath(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty)
        {
            return null;
        }

        foreach (var c in path)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~' or '/'))
            {
                return "path has a character outside [A-Za-z0-9-._~/]";
            }
        }

        if (path.Contains("..", StringComparison.Ordinal))
        {
            return "path contains '..'";
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            return "path contains '//'";
        }

        if (path.Contains("~~", StringComparison.Ordinal) || path[^1] == '~')
        {
            return "path contains '~~' or ends with '~'";
        }

        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is "." or "~")
            {
                return "path has a '.' or '~' segment";
            }

            if (segment.Length > MaxPathSegmentLength)
            {
                return "path segment longer than 150 characters";
            }
        }

        return null;
    }

    private static bool IsValidPort(ReadOnlySpan<char> port)
    {
        if (port.Length > 5 || port[0] == '0')
        {
            return false;
        }

        foreach (var c in port)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return int.Parse(port, provider: System.Globalization.CultureInfo.InvariantCulture) <= 65535;
    }

    internal static bool IsLoopbackLiteral(ReadOnlySpan<char> host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1";
}
