using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GithubSts.Exchange.Policies.Linting;

/// <summary>
/// Where each field of a YAML document starts, by the compiler's field names (<c>permissions.contents</c>,
/// <c>repositories[0]</c>): the compiler reports fields, YamlDotNet's marks turn them into a line and a column.
/// Built only from text the strict reader already accepted, so it needs no limits of its own.
/// </summary>
internal sealed class YamlFieldMarks
{
    private readonly Dictionary<string, Mark> _marks;
    private readonly Mark _root;

    private YamlFieldMarks(Dictionary<string, Mark> marks, Mark root)
    {
        _marks = marks;
        _root = root;
    }

    /// <summary>One entry per YAML document, in order; fewer when the text stops parsing part-way.</summary>
    public static IReadOnlyList<YamlFieldMarks> Collect(string yaml)
    {
        var documents = new List<YamlFieldMarks>();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.MoveNext(); // StreamStart
            parser.MoveNext();
            while (parser.Current is DocumentStart)
            {
                parser.MoveNext();
                var marks = new Dictionary<string, Mark>(StringComparer.Ordinal);
                var root = parser.Current!.Start;
                ReadNode(parser, string.Empty, marks);
                parser.MoveNext(); // DocumentEnd
                documents.Add(new YamlFieldMarks(marks, root));
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // The reader has reported the syntax error with its own mark; the documents before it keep theirs.
        }

        return documents;
    }

    /// <summary>The field's mark, else its closest enclosing field's, else the document's first node.</summary>
    public (int Line, int Column) Locate(string field)
    {
        for (var path = field; path.Length > 0; path = Parent(path))
        {
            if (_marks.TryGetValue(path, out var mark))
            {
                return ((int)mark.Line, (int)mark.Column);
            }
        }

        return ((int)_root.Line, (int)_root.Column);
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? string.Empty : path[..cut];
    }

    private static void ReadNode(Parser parser, string path, Dictionary<string, Mark> marks)
    {
        var current = parser.Current;
        parser.MoveNext();
        if (current is MappingStart)
        {
            while (parser.Current is not MappingEnd)
            {
                var key = parser.Current!;
                var name = key is Scalar scalar ? scalar.Value : "?";
                var child = path.Length == 0 ? name : $"{path}.{name}";
                marks.TryAdd(child, key.Start);
                if (key is Scalar)
                {
                    parser.MoveNext();
                }
                else
                {
                    ReadNode(parser, child, marks);
                }

                ReadNode(parser, child, marks);
            }

            parser.MoveNext();
        }
        else if (current is SequenceStart)
        {
            for (var i = 0; parser.Current is not SequenceEnd; i++)
            {
                var child = $"{path}[{i}]";
                marks.TryAdd(child, parser.Current!.Start);
                ReadNode(parser, child, marks);
            }

            parser.MoveNext();
        }
    }
}
