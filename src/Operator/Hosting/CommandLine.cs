namespace GithubSts.Operator.Hosting;

/// <summary>The process's own command-line options; everything else (e.g. <c>--urls</c>) goes to ASP.NET Core.</summary>
internal static class CommandLine
{
    private static readonly string[] OwnOptions = ["--config", "--kubeconfig"];

    /// <summary>The value of <c>--config PATH</c> or <c>--config=PATH</c>, if given.</summary>
    public static string? ConfigPath(string[] args) => Value(args, "--config");

    /// <summary>The value of <c>--kubeconfig PATH</c>, if given.</summary>
    public static string? KubeconfigPath(string[] args) => Value(args, "--kubeconfig");

    public static string[] WithoutOwnOptions(string[] args)
    {
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (OwnOptions.Contains(args[i], StringComparer.Ordinal))
            {
                i++;
            }
            else if (!OwnOptions.Any(o => args[i].StartsWith(o + "=", StringComparison.Ordinal)))
            {
                rest.Add(args[i]);
            }
        }

        return [.. rest];
    }

    private static string? Value(string[] args, string option)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], option, StringComparison.Ordinal))
            {
                return i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{option} needs a file path");
            }

            if (args[i].StartsWith(option + "=", StringComparison.Ordinal))
            {
                return args[i][(option.Length + 1)..];
            }
        }

        return null;
    }
}
