using GithubSts.Exchange.Policies.Linting;
using GithubSts.Exchange.Requests;
using GithubSts.Operator.Linting;

namespace GithubSts.Operator.Cli;

/// <summary>Which files a lint covers and which linter reads each.</summary>
internal static class PolicyFiles
{
    /// <summary>Larger files are refused unread: a policy file may have 64 KiB, a manifest of many policies more.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    public sealed record Entry(string Path, bool FromDirectory);

    /// <summary>Files as given, and each directory's .yaml/.yml files recursively, ordinally sorted; null after a usage error.</summary>
    public static List<Entry>? Expand(IEnumerable<string> paths, TextWriter error)
    {
        var files = new List<Entry>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(new Entry(path, false));
            }
            else if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal);
                files.AddRange(found.Select(f => new Entry(f, true)));
            }
            else
            {
                error.WriteLine($"github-sts: '{path}' is neither a file nor a directory");
                return null;
            }
        }

        return files;
    }

    /// <summary>
    /// The server reads every <c>*.sts.yaml</c> as a policy file, so a <c>kind</c> key there is an unknown field, not a
    /// manifest; any other file with a document that has <c>kind</c> is a manifest.
    /// </summary>
    public static bool IsManifest(string path, string text) =>
        !PolicyLinter.IsPolicyFileName(path) && TrustPolicyManifestLinter.IsManifest(text);

    /// <summary>
    /// A manifest (a document with <c>kind</c>) is linted as TrustPolicies; other files as repository policy files,
    /// except that a directory's files not named <c>*.sts.yaml</c> are only reported: the server never reads them.
    /// </summary>
    public static IReadOnlyList<LintFinding> Lint(Entry file, ExchangeTarget? scope)
    {
        if (new FileInfo(file.Path).Length > MaxFileBytes)
        {
            return [new LintFinding(LintSeverity.Error, "InvalidYaml", string.Empty, $"the file is larger than {MaxFileBytes} bytes", file.Path, 1, 1)];
        }

        var text = File.ReadAllText(file.Path);
        if (IsManifest(file.Path, text))
        {
            return TrustPolicyManifestLinter.Lint(file.Path, text);
        }

        if (file.FromDirectory && !PolicyLinter.IsPolicyFileName(file.Path))
        {
            return [PolicyLinter.MisnamedFile(file.Path)];
        }

        return PolicyLinter.LintRepositoryPolicy(file.Path, text, scope);
    }
}
