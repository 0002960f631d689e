namespace GithubSts.Exchange.Configuration;

/// <summary>
/// The rules every configured audience list follows (<c>sts.audiences</c>, <c>policies.repositoryAudiences</c>):
/// audiences are compared ordinally against the token's <c>aud</c>, so a value that could never equal one (empty,
/// whitespace, control characters) or a duplicate is an operator mistake, reported rather than silently ignored.
/// </summary>
internal static class AudienceListValidator
{
    /// <summary>The longest audience accepted, as for <c>sts.identifier</c>.</summary>
    public const int MaxAudienceLength = 255;

    /// <summary>The most <c>sts.audiences</c>: one per client default is a handful; more suggests a mistake.</summary>
    public const int MaxStsAudiences = 16;

    /// <summary><c>sts.audiences</c>: a valid list that does not repeat <c>sts.identifier</c> (accepted anyway).</summary>
    public static string[] ValidateStsAudiences(List<string> audiences, string identifier)
    {
        const string Setting = "sts.audiences";
        var valid = Validate(audiences, Setting, MaxStsAudiences);
        if (valid.Contains(identifier, StringComparer.Ordinal))
        {
            throw new ConfigurationException(Setting, $"lists '{identifier}', which is sts.identifier and accepted anyway");
        }

        return valid;
    }

    public static string[] Validate(List<string> audiences, string setting, int maxCount)
    {
        if (audiences.Count > maxCount)
        {
            throw new ConfigurationException(setting, $"must list at most {maxCount} audiences");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var audience in audiences)
        {
            if (string.IsNullOrEmpty(audience) || audience.Length > MaxAudienceLength
                || audience.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new ConfigurationException(
                    setting, $"entries must be 1-{MaxAudienceLength} characters without whitespace or control characters");
            }

            if (!seen.Add(audience))
            {
                throw new ConfigurationException(setting, $"lists '{audience}' twice");
            }
        }

        return [.. audiences];
    }
}
