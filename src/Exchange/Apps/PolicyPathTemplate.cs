using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Apps;

/// <summary>
/// Where repository-hosted policy files live, e.g. <c>.github/sts/{app}/{identity}.sts.yaml</c> (py-github-sts layout)
/// or <c>.github/chainguard/{identity}.sts.yaml</c> (octo-sts layout).
/// </summary>
public sealed class PolicyPathTemplate
{
    public const string PyGithubStsLayout = ".github/sts/{app}/{identity}.sts.yaml";
    public const string OctoStsLayout = ".github/chainguard/{identity}.sts.yaml";

    private const string AppPlaceholder = "{app}";
    private const string IdentityPlaceholder = "{identity}";

    private PolicyPathTemplate(string template) => Template = template;

    public string Template { get; }

    /// <summary>Validates a template: relative, plain path segments, only the two placeholders, <c>{identity}</c> required.</summary>
    public static bool TryCreate(string template, out PolicyPathTemplate result, out string problem)
    {
        result = null!;
        if (!template.Contains(IdentityPlaceholder, StringComparison.Ordinal))
        {
            problem = "must contain {identity}";
            return false;
        }

        // With the placeholders filled by grammar-checked names, every segment must still be a plain name.
        var sample = template.Replace(AppPlaceholder, "app", StringComparison.Ordinal)
            .Replace(IdentityPlaceholder, "identity", StringComparison.Ordinal);
        foreach (var segment in sample.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.Contains('{', StringComparison.Ordinal)
                || segment.Contains('}', StringComparison.Ordinal) || !IsPathSegment(segment))
            {
                problem = "must be a relative path of plain segments ([A-Za-z0-9._-]) using only {app} and {identity}";
                return false;
            }
        }

        result = new PolicyPathTemplate(template);
        problem = string.Empty;
        return true;
    }

    /// <summary>Fills the template. Both names must already satisfy <see cref="NameGrammar.IsIdentity"/>.</summary>
    public string Render(string appName, string identity)
    {
        if (!NameGrammar.IsIdentity(appName) || !NameGrammar.IsIdentity(identity))
        {
            throw new ArgumentException("app and identity must be validated before a policy path is built");
        }

        return Template.Replace(AppPlaceholder, appName, StringComparison.Ordinal)
            .Replace(IdentityPlaceholder, identity, StringComparison.Ordinal);
    }

    private static bool IsPathSegment(string segment)
    {
        foreach (var c in segment)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
