namespace GithubSts.Exchange.Configuration;

/// <summary>Invalid configuration. The message names the setting (e.g. <c>apps[0].privateKey</c>) and never echoes secrets.</summary>
public sealed class ConfigurationException(string setting, string problem, Exception? inner = null)
    : Exception($"{setting}: {problem}", inner)
{
    public string Setting { get; } = setting;
}
