using System.Text;

namespace GithubSts.Exchange.Pipeline;

/// <summary>Makes caller-supplied text safe for a log line: no control characters (no forged lines), bounded length.</summary>
internal static class LogText
{
    private const int MaxLength = 200;

    public static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var needsWork = value.Length > MaxLength;
        foreach (var c in value)
        {
            needsWork |= char.IsControl(c);
        }

        if (!needsWork)
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxLength) + 8);
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxLength)))
        {
            if (char.IsControl(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return value.Length > MaxLength ? builder.Append("...").ToString() : builder.ToString();
    }
}
