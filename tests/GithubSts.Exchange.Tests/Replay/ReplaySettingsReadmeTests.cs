using System.Text.RegularExpressions;
using GithubSts.Exchange.Configuration;

namespace GithubSts.Exchange.Tests.Replay;

/// <summary>The README's environment table lists exactly the replay variables the code understands.</summary>
public sealed partial class ReplaySettingsReadmeTests
{
    [Fact]
    public void Every_replay_variable_is_in_the_README_table_and_every_listed_one_exists()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var listed = TableVariable().Matches(readme).Select(m => m.Groups[1].Value).Where(IsReplay).Order(StringComparer.Ordinal).ToArray();
        var known = EnvironmentOverrides.KnownVariables.Where(IsReplay).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(known, listed);
    }

    private static bool IsReplay(string variable) => variable.StartsWith("GITHUBSTS_REPLAY_", StringComparison.Ordinal);

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

    [GeneratedRegex(@"^\| `(GITHUBSTS_[A-Z0-9_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableVariable();
}
