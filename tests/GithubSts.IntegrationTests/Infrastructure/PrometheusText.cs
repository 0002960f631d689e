using System.Text.RegularExpressions;

namespace GithubSts.IntegrationTests.Infrastructure;

/// <summary>One metric family of a scrape: its <c># TYPE</c>, its label names (without <c>le</c>) and samples.</summary>
public sealed record MetricFamily(string Name, string Type, IReadOnlySet<string> Labels, IReadOnlyList<string> Samples);

/// <summary>A small parser of the Prometheus text format 0.0.4, enough to compare a scrape with the README.</summary>
public static partial class PrometheusText
{
    public static IReadOnlyDictionary<string, MetricFamily> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var samples = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                labels[parts[2]] = new HashSet<string>(StringComparer.Ordinal);
                samples[parts[2]] = [];
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var family = FamilyOf(match.Groups["name"].Value, types);
            Assert.True(family is not null, $"sample without a # TYPE line: {line}");
            samples[family].Add(line);
            foreach (Match label in LabelPair().Matches(match.Groups["labels"].Value))
            {
                if (label.Groups["key"].Value != "le")
                {
                    labels[family].Add(label.Groups["key"].Value);
                }
            }
        }

        return types.ToDictionary(
            t => t.Key,
            t => new MetricFamily(t.Key, t.Value, labels[t.Key], samples[t.Key]),
            StringComparer.Ordinal);
    }

    private static string? FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sampleName))
        {
            return sampleName;
        }

        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sampleName[..^suffix.Length], out var type) && type == "histogram")
            {
                return sampleName[..^suffix.Length];
            }
        }

        return null;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? \S+( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?:[^""\\]|\\.)*""")]
    private static partial Regex LabelPair();
}

/// <summary>The README's "Metrics" table: each documented metric name with its label names.</summary>
public static partial class ReadmeMetricsTable
{
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Read()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var section = text[text.IndexOf("\n## Metrics\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var table = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var line in section.Split('\n'))
        {
            var cells = line.Split('|');
            if (cells.Length != 4 || !cells[1].Contains('`', StringComparison.Ordinal))
            {
                continue;
            }

            // Label values are documented in parentheses after their label: only the names outside them count.
            var labelNames = Backticked().Matches(Parenthesised().Replace(cells[2], string.Empty))
                .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            foreach (Match name in Backticked().Matches(cells[1]))
            {
                Assert.True(table.TryAdd(name.Groups[1].Value, labelNames), $"{name.Groups[1].Value} documented twice");
            }
        }

        Assert.NotEmpty(table);
        return table;
    }

    /// <summary>The Prometheus type a documented name implies: <c>_total</c> a counter, a duration a histogram.</summary>
    public static string ExpectedType(string name) =>
        name.EndsWith("_total", StringComparison.Ordinal) ? "counter"
        : name.EndsWith("_seconds", StringComparison.Ordinal) ? "histogram"
        : "gauge";

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GithubSts.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GithubSts.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([a-z_:][a-z0-9_:]*)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthesised();
}
