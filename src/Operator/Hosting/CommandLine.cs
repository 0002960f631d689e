namespace GithubSts.Operator.Hosting;

/// <summary>The process's own command-line options; everything else (e.g. <c>--urls</c>) goes to ASP.NET Core.</summary>
internal static class CommandLine
{
    private const string ConfigOption = "--config";

    /// <summary>The value of <c>--config PATH</c> or <c>--config=PATH</c>, if given.</summary>
    public static string? ConfigPath(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], ConfigOption, StringComparison.Ordinal))
            {
                return i + 1 < args.Length ? args[i + 1] : throw new ArgumentException("--config needs a file path");
            }

            if (args[i].StartsWith(ConfigOption + "=", StringComparison.Ordinal))
            {
                return args[i][(ConfigOption.Length + 1)..];
            }
        }

        return null;
    }

    public static string[] WithoutOwnOptions(string[] args)
    {
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], ConfigOption, StringComparison.Ordinal))
            {
                i++;
            }
            else if (!args[i].StartsWith(ConfigOption + "=", StringComparison.Ordinal))
            {
                rest.Add(args[i]);
            }
        }

        return [.. rest];
    }
}
