namespace GithubSts.Testing;

/// <summary>Reads README.md's Markdown tables, so tests can hold them equal to the code.</summary>
public static class ReadmeTables
{
    private static readonly Lazy<string[]> Lines = new(() => File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "README.md")));

    /// <summary>The body rows (cells trimmed) of the table whose header line starts with <paramref name="header"/>.</summary>
    public static IReadOnlyList<string[]> After(string header)
    {
        var lines = Lines.Value.Select(l => l.Trim()).ToArray();
        var start = Array.FindIndex(lines, l => l.StartsWith(header, StringComparison.Ordinal));
        if (start < 0 || start + 1 >= lines.Length || !lines[start + 1].StartsWith("| ---", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"README.md has no table headed '{header}'");
        }

        return lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();
    }

    /// <summary>The whole README, for "is this name documented at all" checks.</summary>
    public static string Text => string.Join('\n', Lines.Value);

    // Splits on '|' outside backticks, so `a|b` in a cell stays one cell.
    private static string[] Cells(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var inCode = false;
        foreach (var ch in line.Trim().Trim('|'))
        {
            if (ch == '`')
            {
                inCode = !inCode;
            }

            if (ch == '|' && !inCode)
            {
                cells.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        cells.Add(current.ToString().Trim());
        return [.. cells];
    }
}
