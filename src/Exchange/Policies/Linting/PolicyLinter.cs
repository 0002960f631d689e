using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Policies.Linting;

/// <summary>
/// Checks a policy file offline with the server's own reader and compiler: every error is something the server would
/// refuse to load, with the same code; warnings are what it would load but probably not as meant. Pure and
/// thread-safe, so the CLI (<c>github-sts policy lint</c>) and a webhook checking a changed file share it.
/// </summary>
public static class PolicyLinter
{
    /// <summary>The ending of every repository policy file the server reads (see <see cref="PolicySources.RepositoryPolicyLocation"/>).</summary>
    public const string PolicyFileSuffix = ".sts.yaml";

    /// <summary>Lints one repository policy file.</summary>
    /// <param name="path">Reported as the findings' file; a name not ending in <see cref="PolicyFileSuffix"/> is a warning.</param>
    /// <param name="scope">
    /// The scope the file serves (<c>org</c> for the organization's policy repository, else <c>org/repo</c>). Null: an
    /// organization policy when it lists <c>repositories</c>, else a repository policy of an unknown repository.
    /// </param>
    public static IReadOnlyList<LintFinding> LintRepositoryPolicy(string path, string text, ExchangeTarget? scope = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var findings = new List<LintFinding>();
        if (!IsPolicyFileName(path))
        {
            findings.Add(MisnamedFile(path));
        }

        TrustPolicyDefinition definition;
        try
        {
            definition = TrustPolicyYaml.Parse(text);
        }
        catch (PolicyFormatException e)
        {
            findings.Add(new LintContext(path, _ => (1, 1)).Finding(e.Error));
            return findings;
        }

        var marks = YamlFieldMarks.Collect(text)[0];
        LintDefinition(definition, KindFor(definition, scope), scope, new LintContext(path, marks.Locate), findings);
        return Ordered(findings);
    }

    /// <summary>The scope's kind; without a scope, an organization policy when it lists <c>repositories</c>.</summary>
    public static PolicyScopeKind KindFor(TrustPolicyDefinition definition, ExchangeTarget? scope)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return scope is null
            ? definition.Repositories is null ? PolicyScopeKind.Repository : PolicyScopeKind.Organization
            : scope.IsOrganization ? PolicyScopeKind.Organization : PolicyScopeKind.Repository;
    }

    public static bool IsPolicyFileName(string path) => path.EndsWith(PolicyFileSuffix, StringComparison.Ordinal);

    /// <summary>The warning for a file under a policy directory that the server would never read.</summary>
    public static LintFinding MisnamedFile(string path) => new(
        LintSeverity.Warning,
        LintCodes.MisnamedPolicyFile,
        string.Empty,
        $"the server reads only files named IDENTITY{PolicyFileSuffix}; this one is never loaded",
        path,
        1,
        1);

    /// <summary>
    /// A finding for an error found outside the linter (e.g. the App's own grant rules, which need the App) on a file
    /// the strict reader accepted, located like the linter's own findings.
    /// </summary>
    public static LintFinding ErrorFinding(string path, string text, PolicyError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new LintContext(path, LocatorFor(text)).Finding(LintSeverity.Error, error.Code.ToString(), error.Field, error.Message);
    }

    /// <summary>Where a field (<c>permissions.contents</c>) of a file the strict reader accepted starts.</summary>
    public static (int Line, int Column) LocateField(string text, string field) => LocatorFor(text)(field);

    private static Func<string, (int Line, int Column)> LocatorFor(string text) =>
        YamlFieldMarks.Collect(text) is [var marks, ..] ? marks.Locate : _ => (1, 1);

    /// <summary>Compiles a definition (from a policy file or a TrustPolicy manifest) and adds the errors and warnings.</summary>
    internal static void LintDefinition(
        TrustPolicyDefinition definition, PolicyScopeKind kind, ExchangeTarget? target, LintContext context, List<LintFinding> findings)
    {
        var result = TrustPolicyCompiler.Compile(definition, kind, target);
        foreach (var error in result.Errors)
        {
            findings.Add(context.Finding(LintSeverity.Error, error.Code.ToString(), error.Field, error.Message));
        }

        if (result.Policy is { } policy)
        {
            foreach (var (code, field, message) in SubjectWarnings.Check(definition, policy, kind, target))
            {
                findings.Add(context.Finding(LintSeverity.Warning, code, field, message));
            }
        }
    }

    /// <summary>By position, so output reads top to bottom; the sort is stable, so one position keeps the compiler's order.</summary>
    internal static List<LintFinding> Ordered(IEnumerable<LintFinding> findings) =>
        [.. findings.OrderBy(f => f.Line).ThenBy(f => f.Column)];
}
