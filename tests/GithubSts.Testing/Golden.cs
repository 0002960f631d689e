using System.Text;
using System.Text.RegularExpressions;

namespace GithubSts.Testing;

/// <summary>
/// Golden-output checks: the actual text against a file in the source tree, failing with a line diff. With
/// <c>GITHUBSTS_UPDATE_GOLDEN=1</c> the file is rewritten instead (then review the change like any other).
/// </summary>
public static partial class Golden
{
    /// <summary>
    /// The compiler's UnpinnedRepositorySubject example names a random owner on purpose (a pattern cannot special-case
    /// it): golden files hold it as <c>'repo:RANDOM…'</c>.
    /// </summary>
    public static string Normalize(string text) => RandomExample().Replace(text.ReplaceLineEndings("\n"), "$1RANDOM:");

    public static void AssertMatches(string goldenPath, string actual)
    {
        var path = Path.Combine(RepositoryPaths.Root, goldenPath);
        actual = Normalize(actual);
        if (string.Equals(Environment.GetEnvironmentVariable("GITHUBSTS_UPDATE_GOLDEN"), "1", StringComparison.Ordinal))
        {
            File.WriteAllText(path, actual);
            return;
        }

        var expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new Xunit.Sdk.XunitException($"{goldenPath} differs from the output (- golden, + actual):\n{Diff(expected, actual)}");
        }
    }

    private static string Diff(string expected, string actual)
    {
        var left = expected.Split('\n');
        var right = actual.Split('\n');

        // Longest common subsequence of lines: small files, so the quadratic table is fine.
        var lcs = new int[left.Length + 1, right.Length + 1];
        for (var i = left.Length - 1; i >= 0; i--)
        {
            for (var j = right.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = string.Equals(left[i], right[j], StringComparison.Ordinal) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int a = 0, b = 0;
        while (a < left.Length || b < right.Length)
        {
            if (a < left.Length && b < right.Length && string.Equals(left[a], right[b], StringComparison.Ordinal))
            {
                diff.Append("  ").AppendLine(left[a++]);
                b++;
            }
            else if (a < left.Length && (b == right.Length || lcs[a + 1, b] >= lcs[a, b + 1]))
            {
                diff.Append("- ").AppendLine(left[a++]);
            }
            else
            {
                diff.Append("+ ").AppendLine(right[b++]);
            }
        }

        return diff.ToString();
    }

    [GeneratedRegex(@"(repositories that are not this policy's \(e\.g\. 'repo:)[^/']+/[^:']+:")]
    private static partial Regex RandomExample();
}
