using System.Globalization;
using System.Text.RegularExpressions;

namespace GithubSts.Operator.GitHubTokens;

/// <summary><c>spec.refreshBefore</c>: hours, minutes and seconds in Go's duration notation (<c>15m</c>, <c>1m30s</c>).</summary>
public static partial class RefreshDuration
{
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);

    /// <summary>GitHub's tokens last an hour: asking to renew with more than this left would renew all the time.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromMinutes(50);

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = Default;
        if (text is null)
        {
            return true;
        }

        var match = Notation().Match(text);
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        duration = TimeSpan.FromHours(Part(match, "h")) + TimeSpan.FromMinutes(Part(match, "m")) + TimeSpan.FromSeconds(Part(match, "s"));
        return duration >= Minimum && duration <= Maximum;
    }

    private static int Part(Match match, string group) =>
        match.Groups[group].Success ? int.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^(?:(?<h>[0-9]{1,2})h)?(?:(?<m>[0-9]{1,4})m)?(?:(?<s>[0-9]{1,6})s)?$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex Notation();
}
