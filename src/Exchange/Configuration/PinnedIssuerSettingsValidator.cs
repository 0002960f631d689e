using System.Text;
using GithubSts.Exchange.Identity;
using YamlDotNet.Serialization;

namespace GithubSts.Exchange.Configuration;

/// <summary>
/// <c>sts.issuers</c>: each entry's URL, keys (read and checked now, so a bad JWKS is a start-up error), audiences,
/// lifetime and algorithms; and that no issuer URL has two sources (pinned twice, or pinned and discovered).
/// </summary>
internal static class PinnedIssuerSettingsValidator
{
    private const int MaxPinnedIssuers = 64;

    public static List<PinnedIssuer> Validate(StsSettings sts, Dictionary<string, TimeSpan> lifetimes, Func<string, long, TimeSpan> validateLifetime)
    {
        if (sts.Issuers.Count > MaxPinnedIssuers)
        {
            throw new ConfigurationException("sts.issuers", $"lists {sts.Issuers.Count} issuers; at most {MaxPinnedIssuers}");
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sts.AllowedIssuers.Count; i++)
        {
            seen.TryAdd(sts.AllowedIssuers[i], $"sts.allowedIssuers[{i}] (discovery)");
        }

        var pinned = new List<PinnedIssuer>();
        for (var i = 0; i < sts.Issuers.Count; i++)
        {
            var prefix = $"sts.issuers[{i}]";
            var entry = sts.Issuers[i];
            if (!PinnedIssuer.IsAcceptableUrl(entry.Issuer, out var reason))
            {
                throw new ConfigurationException($"{prefix}.issuer", $"'{entry.Issuer}' {reason}");
            }

            var issuer = entry.Issuer!;
            if (!seen.TryAdd(issuer, prefix))
            {
                throw new ConfigurationException(prefix, $"issuer '{issuer}' has two sources: {seen[issuer]} and {prefix}; keep one");
            }

            var candidate = new PinnedIssuer
            {
                Issuer = issuer,
                Jwks = InlineJwks(prefix, entry),
                JwksFile = string.IsNullOrEmpty(entry.JwksFile) ? null : entry.JwksFile,
                Audiences = ValidateAudiences(prefix, entry.Audiences),
                Algorithms = ValidateAlgorithms(prefix, entry.Algorithms),
            };
            CheckKeys(prefix, candidate);

            if (entry.MaxTokenLifetimeSeconds is { } seconds)
            {
                if (lifetimes.ContainsKey(issuer))
                {
                    throw new ConfigurationException(
                        $"{prefix}.maxTokenLifetimeSeconds", $"and sts.issuerMaxTokenLifetimeSeconds[{issuer}] both set it; keep one");
                }

                lifetimes[issuer] = validateLifetime($"{prefix}.maxTokenLifetimeSeconds", seconds);
            }

            pinned.Add(candidate);
        }

        return pinned;
    }

    /// <summary>A YAML mapping is written back out as JSON by YamlDotNet itself, so one JWK parser judges both forms.</summary>
    private static string? InlineJwks(string prefix, PinnedIssuerSettings entry)
    {
        var hasFile = !string.IsNullOrEmpty(entry.JwksFile);
        if ((entry.Jwks is null) == !hasFile)
        {
            throw new ConfigurationException(prefix, "needs exactly one of jwks (the JWK Set inline) and jwksFile (its path)");
        }

        return entry.Jwks switch
        {
            null => null,
            string json => json,
            IDictionary<object, object> mapping => new SerializerBuilder().JsonCompatible().Build().Serialize(mapping),
            _ => throw new ConfigurationException($"{prefix}.jwks", "must be a JWK Set: a mapping with keys, or a JSON string"),
        };
    }

    private static void CheckKeys(string prefix, PinnedIssuer issuer)
    {
        var setting = issuer.JwksFile is null ? $"{prefix}.jwks" : $"{prefix}.jwksFile";
        try
        {
            byte[] utf8;
            if (issuer.JwksFile is { } path)
            {
                var file = new FileInfo(path);
                if (!file.Exists)
                {
                    throw new ConfigurationException(setting, $"file '{path}' does not exist");
                }

                if (file.Length > PinnedKeySource.MaxFileBytes)
                {
                    throw new ConfigurationException(setting, $"file '{path}' is larger than {PinnedKeySource.MaxFileBytes} bytes");
                }

                utf8 = File.ReadAllBytes(path);
            }
            else
            {
                utf8 = Encoding.UTF8.GetBytes(issuer.Jwks!);
            }

            JsonWebKeySetReader.ReadPinned(utf8);
        }
        catch (MetadataFetchException e)
        {
            throw new ConfigurationException(setting, e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(setting, $"cannot be read: {e.Message}", e);
        }
    }

    private static string[]? ValidateAudiences(string prefix, List<string>? audiences)
    {
        if (audiences is null)
        {
            return null;
        }

        if (audiences.Count == 0)
        {
            throw new ConfigurationException($"{prefix}.audiences", "must list at least one audience; leave it out for sts.identifier and sts.audiences");
        }

        return AudienceListValidator.Validate(audiences, $"{prefix}.audiences", AudienceListValidator.MaxStsAudiences);
    }

    private static List<string> ValidateAlgorithms(string prefix, List<string> algorithms)
    {
        foreach (var name in algorithms)
        {
            if (JwsAlgorithms.Parse(name) == JwsAlgorithm.None)
            {
                throw new ConfigurationException(
                    $"{prefix}.algorithms", $"'{name}' is not an accepted algorithm (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512)");
            }
        }

        return algorithms.Distinct(StringComparer.Ordinal).Count() == algorithms.Count
            ? [.. algorithms]
            : throw new ConfigurationException($"{prefix}.algorithms", "lists an algorithm twice");
    }
}
