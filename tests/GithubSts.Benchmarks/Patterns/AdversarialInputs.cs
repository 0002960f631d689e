namespace GithubSts.Benchmarks.Patterns;

/// <summary>
/// 8 KiB claim values meant to drive a pattern into its worst case: runs and mixes of the pattern's own literal
/// characters (which keep every repetition alive), near-misses that fail only at the end, and a newline that
/// <c>.</c> refuses.
/// </summary>
internal static class AdversarialInputs
{
    public const int Length = 8 * 1024;

    public static IReadOnlyList<string> For(string pattern, int randomCount, int seed)
    {
        var alphabet = pattern.Where(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or ':' or '.' or '_').Distinct().ToArray();
        if (alphabet.Length == 0)
        {
            alphabet = ['a'];
        }

        var inputs = new List<string>();
        foreach (var c in alphabet)
        {
            inputs.Add(new string(c, Length));
            inputs.Add(new string(c, Length - 1) + "\n");
        }

        var all = new string(alphabet);
        inputs.Add(Repeat(all, Length));
        inputs.Add(Repeat(all, Length - 1) + "!");
        inputs.Add(Repeat(new string(alphabet.Reverse().ToArray()), Length));
        var random = new Random(seed);
        for (var i = 0; i < randomCount; i++)
        {
            var subset = alphabet.OrderBy(_ => random.Next()).Take(1 + random.Next(alphabet.Length)).Append('\n').ToArray();
            var chars = new char[Length];
            for (var j = 0; j < chars.Length; j++)
            {
                // Newlines rarely: most inputs stay one line, so `.` keeps every repetition alive.
                chars[j] = random.Next(64) == 0 ? subset[^1] : subset[random.Next(subset.Length - 1)];
            }

            inputs.Add(new string(chars));
        }

        return inputs;
    }

    private static string Repeat(string unit, int length) =>
        string.Concat(Enumerable.Repeat(unit, (length / unit.Length) + 1))[..length];
}
