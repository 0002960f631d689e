using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GithubSts.Exchange.Configuration;

/// <summary>Reads the YAML configuration file, applies <c>GITHUBSTS_*</c> overrides and validates the result.</summary>
public static class GithubStsConfigurationLoader
{
    private const int MaxConfigBytes = 1024 * 1024;

    /// <summary>
    /// Loads the configuration: <paramref name="configPath"/> (from <c>--config</c>), else <c>GITHUBSTS_CONFIG</c>,
    /// else environment variables alone. Throws <see cref="ConfigurationException"/> naming the bad setting.
    /// </summary>
    /// <param name="requireApps">False when Apps may also come from GitHubApp resources (a cluster is configured).</param>
    /// <param name="requireIssuers">
    /// Whether <c>sts.allowedIssuers</c> must list an issuer unless <c>sts.allowAnyIssuer</c> is set; default
    /// <paramref name="requireApps"/>: with a cluster its own service-account issuer is trusted separately, so an
    /// empty list means "this cluster's tokens only".
    /// </param>
    public static GithubStsOptions Load(
        string? configPath, IReadOnlyDictionary<string, string> environment, bool requireApps = true, bool? requireIssuers = null)
    {
        configPath ??= environment.GetValueOrDefault(EnvironmentOverrides.ConfigPathVariable);
        var settings = string.IsNullOrEmpty(configPath) ? new GithubStsSettings() : ReadFile(configPath);
        EnvironmentOverrides.Apply(settings, environment);
        return SettingsValidator.Validate(settings, requireApps, requireIssuers ?? requireApps);
    }

    /// <summary>The process environment as a dictionary (for <see cref="Load"/>).</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);

    public static GithubStsSettings Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithDuplicateKeyChecking()
            .Build();
        try
        {
            return deserializer.Deserialize<GithubStsSettings?>(yaml) ?? new GithubStsSettings();
        }
        catch (YamlException e)
        {
            // YamlDotNet's message names the unknown or mistyped key; keep only the first line (no inner dumps).
            var detail = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
            throw new ConfigurationException($"config (line {e.Start.Line}, column {e.Start.Column})", detail, e);
        }
    }

    private static GithubStsSettings ReadFile(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new ConfigurationException("--config", $"file '{path}' does not exist");
        }

        if (file.Length > MaxConfigBytes)
        {
            throw new ConfigurationException("--config", $"file '{path}' is larger than {MaxConfigBytes} bytes");
        }

        return Parse(File.ReadAllText(path));
    }
}
