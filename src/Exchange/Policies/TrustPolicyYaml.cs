using System.Text;
using YamlDotNet.Core;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// Parses a trust policy file strictly: snake_case keys only, no unknown or duplicate keys, no anchors, aliases or tags,
/// one document of at most 64 KiB. A typo such as <c>subjet:</c> or <c>pull-requests:</c> is an error, never a silent no-op.
/// </summary>
public static class TrustPolicyYaml
{
    public const int MaxBytes = 64 * 1024;

    /// <exception cref="PolicyFormatException">The text is not a well-formed trust policy; the message carries line and column.</exception>
    public static TrustPolicyDefinition Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);

        // The length test first so a huge input is refused without a full pass over it.
        if (yaml.Length > MaxBytes || Encoding.UTF8.GetByteCount(yaml) > MaxBytes)
        {
            throw new PolicyFormatException(new PolicyError(
                PolicyErrorCode.InvalidYaml, string.Empty, $"the policy file is larger than {MaxBytes} bytes"));
        }

        try
        {
            return TrustPolicyYamlReader.Read(yaml);
        }
        catch (YamlException ex)
        {
            throw new PolicyFormatException(new PolicyError(
                PolicyErrorCode.InvalidYaml,
                string.Empty,
                $"{SyntaxMessage(ex)} (line {ex.Start.Line}, column {ex.Start.Column})")
            {
                Line = (int)ex.Start.Line,
                Column = (int)ex.Start.Column,
            });
        }
    }

    /// <summary>YamlDotNet prefixes its messages with the marks; keep only the description.</summary>
    private static string SyntaxMessage(YamlException ex)
    {
        const string Separator = "): ";
        var message = ex.Message;
        var at = message.IndexOf(Separator, StringComparison.Ordinal);
        return "invalid YAML: " + (at >= 0 ? message[(at + Separator.Length)..] : message);
    }
}
