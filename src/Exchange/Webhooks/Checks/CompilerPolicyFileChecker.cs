using System.Globalization;
using System.Text.RegularExpressions;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Webhooks.Checks;

/// <summary>
/// The checks the server itself applies when it loads a policy file: the strict reader and the compiler, each
/// <see cref="PolicyError"/> an error finding (on its line when the reader gives one, else on the line of its field);
/// and a warning for a file in the policy directory that the server would never read because of its name.
/// </summary>
public sealed partial class CompilerPolicyFileChecker : IPolicyFileChecker
{
    public const string PolicyFileSuffix = ".sts.yaml";
    public const string FileNameCode = "PolicyFileName";

    public IReadOnlyList<PolicyFileFinding> Check(string path, string text, string scope)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        if (!path.EndsWith(PolicyFileSuffix, StringComparison.Ordinal))
        {
            return [new PolicyFileFinding(
                PolicyFindingSeverity.Warning, FileNameCode,
                $"files in the policy directory are read only when their name ends in {PolicyFileSuffix}; this one never is",
                path, 1, null)];
        }

        if (!ExchangeTarget.TryParse(scope, out var target))
        {
            throw new ArgumentException("the scope must be owner or owner/repo", nameof(scope));
        }

        TrustPolicyDefinition definition;
        try
        {
            definition = TrustPolicyYaml.Parse(text);
        }
        catch (PolicyFormatException e)
        {
            return [Finding(e.Error, path, text)];
        }

        var kind = target.Repository is null ? PolicyScopeKind.Organization : PolicyScopeKind.Repository;
        var result = TrustPolicyCompiler.Compile(definition, kind, target);
        return [.. result.Errors.Select(error => Finding(error, path, text))];
    }

    /// <summary>An error finding on the line the message names, or else the line of its field.</summary>
    internal static PolicyFileFinding Finding(PolicyError error, string path, string text)
    {
        var message = error.Message;
        int? line = null, column = null;
        if (Position().Match(message) is { Success: true } match)
        {
            line = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            column = int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            message = message[..match.Index].TrimEnd();
        }
        else
        {
            line = PolicyFieldLocator.LineOf(text, error.Field);
        }

        var described = error.Field.Length == 0 ? message : $"{error.Field}: {message}";
        return new PolicyFileFinding(PolicyFindingSeverity.Error, error.Code.ToString(), described, path, line, column);
    }

    [GeneratedRegex(@"\(line (\d{1,9}), column (\d{1,9})\)$", RegexOptions.CultureInvariant)]
    private static partial Regex Position();
}
