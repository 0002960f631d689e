namespace GithubSts.Exchange.Webhooks.Checks;

/// <summary>
/// Finds the line of a field such as <c>permissions.contents</c> in a policy file that parsed: the first top-level
/// key of that name, then the first key of the next name indented below it. Good enough to put an annotation where
/// the author looks; the line is a hint, never a decision.
/// </summary>
internal static class PolicyFieldLocator
{
    /// <returns>The 1-based line, or null when the field is empty or not found.</returns>
    public static int? LineOf(string text, string field)
    {
        if (field.Length == 0)
        {
            return null;
        }

        var names = field.Split('.');
        var lines = text.Split('\n');
        var depth = 0;
        var parentIndent = -1;
        int? found = null;
        for (var i = 0; i < lines.Length && depth < names.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var content = line.TrimStart(' ');
            var indent = line.Length - content.Length;
            if (content.Length == 0 || content[0] == '#')
            {
                continue;
            }

            if (depth > 0 && indent <= parentIndent)
            {
                // Left the parent's block without finding the child: the parent's line is the best answer.
                break;
            }

            if (IsKey(content, names[depth]) && (depth == 0 ? indent == 0 : indent > parentIndent))
            {
                found = i + 1;
                parentIndent = indent;
                depth++;
            }
        }

        return found;
    }

    private static bool IsKey(string content, string name)
    {
        var unquoted = content.StartsWith('"') || content.StartsWith('\'') ? content[1..] : content;
        if (!unquoted.StartsWith(name, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = unquoted.AsSpan(name.Length).TrimStart("\"' ");
        return rest.Length > 0 && rest[0] == ':';
    }
}
