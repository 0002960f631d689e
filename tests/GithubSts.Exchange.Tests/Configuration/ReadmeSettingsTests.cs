using System.Text.RegularExpressions;
using GithubSts.Exchange.Configuration;
using GithubSts.Testing;

namespace GithubSts.Exchange.Tests.Configuration;

/// <summary>README's "Configuration" section and the code cannot drift apart: its variable table and its YAML example.</summary>
public sealed partial class ReadmeSettingsTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    [Fact]
    public void The_environment_variable_table_lists_exactly_the_variables_the_service_reads()
    {
        var documented = TableVariable().Matches(Readme).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(documented.Distinct(StringComparer.Ordinal).Count(), documented.Count);
        Assert.Equal(
            EnvironmentOverrides.KnownVariables.Order(StringComparer.Ordinal),
            documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_yaml_example_is_a_configuration_the_strict_parser_accepts()
    {
        var start = Readme.IndexOf("```yaml\nsts:\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README's configuration example not found");
        start += "```yaml\n".Length;
        var yaml = Readme[start..Readme.IndexOf("```", start, StringComparison.Ordinal)];

        // Unknown keys are errors: every key shown exists, with the documented shape.
        var settings = GithubStsConfigurationLoader.Parse(yaml);
        Assert.Equal(5, settings.Shutdown.DrainDelaySeconds);
        Assert.Equal(new ShutdownSettings().DrainDelaySeconds, settings.Shutdown.DrainDelaySeconds);
    }

    // Rows of the variable table: "| `GITHUBSTS_...` | ... |" (the OTEL_* table and prose mentions do not match).
    [GeneratedRegex(@"^\| `(GITHUBSTS_[A-Z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableVariable();
}
