using System.CommandLine;
using GithubSts.Exchange.Requests;

namespace GithubSts.Operator.Cli;

/// <summary>
/// <c>github-sts policy lint|explain</c>: offline tools of the same executable, dispatched before any host is built, so
/// they need no configuration, cluster or network. Exit codes: 0 valid/allowed, 1 invalid/denied, 2 usage errors.
/// </summary>
public static class PolicyCommands
{
    public const int UsageError = 2;

    /// <summary>Whether the arguments ask for these commands rather than the service.</summary>
    public static bool Handles(string[] args) => args is ["policy", ..];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = new RootCommand("github-sts: a Security Token Service for GitHub App installation tokens")
        {
            new Command("policy", "Check trust policies offline") { LintCommand.Create(), ExplainCommand.Create() },
        };

        // No response files: a PATH starting with '@' is a path, not a file of further arguments.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                error.WriteLine($"github-sts: {problem.Message}");
            }

            error.WriteLine("github-sts: see 'github-sts policy --help'");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable file is the caller's to fix, like a wrong path: a usage error, not a finding.
            error.WriteLine($"github-sts: {e.Message}");
            return UsageError;
        }
    }

    /// <summary>The <c>--scope</c> value, or a usage error message.</summary>
    internal static bool TryScope(string? text, TextWriter error, out ExchangeTarget? scope)
    {
        scope = null;
        if (text is null)
        {
            return true;
        }

        if (ExchangeTarget.TryParse(text, out var parsed))
        {
            scope = parsed;
            return true;
        }

        error.WriteLine($"github-sts: --scope must be 'org' or 'org/repo', not '{text}'");
        return false;
    }
}
