using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// YamlDotNet's event stream with one event of look-ahead, refusing anchors, aliases and tags as they arrive.
/// Events never become an object graph, so an alias bomb is refused at its first anchor instead of being expanded.
/// </summary>
internal sealed class YamlEventStream
{
    private readonly Parser _parser;
    private ParsingEvent? _lookahead;
    private ParsingEvent? _last;

    public YamlEventStream(string yaml) => _parser = new Parser(new StringReader(yaml));

    public ParsingEvent Peek() => _lookahead ??= Read();

    public ParsingEvent Next()
    {
        if (_lookahead is { } buffered)
        {
            _lookahead = null;
            return buffered;
        }

        return Read();
    }

    /// <summary>An error located at <paramref name="at"/>; messages end with "(line L, column C)".</summary>
    public static PolicyFormatException Error(
        ParsingEvent at, string field, string message, PolicyErrorCode code = PolicyErrorCode.InvalidYaml) =>
        new(new PolicyError(code, field, $"{message} (line {at.Start.Line}, column {at.Start.Column})")
        {
            Line = (int)at.Start.Line,
            Column = (int)at.Start.Column,
        });

    private ParsingEvent Read()
    {
        if (!MoveNext() || _parser.Current is not { } current)
        {
            throw new PolicyFormatException(new PolicyError(PolicyErrorCode.InvalidYaml, string.Empty, "unexpected end of the document"));
        }

        _last = current;
        if (current is AnchorAlias)
        {
            throw Error(current, string.Empty, "aliases (*name) are not allowed");
        }

        if (current is NodeEvent node)
        {
            if (!node.Anchor.IsEmpty)
            {
                throw Error(current, string.Empty, "anchors (&name) are not allowed");
            }

            if (!node.Tag.IsEmpty)
            {
                throw Error(current, string.Empty, "tags (!name) are not allowed");
            }
        }

        return current;
    }

    private bool MoveNext()
    {
        try
        {
            return _parser.MoveNext();
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet reports some malformed inputs (e.g. an unclosed flow sequence) this way instead of a YamlException.
            var where = _last is null ? string.Empty : $" after line {_last.End.Line}, column {_last.End.Column}";
            throw new PolicyFormatException(new PolicyError(PolicyErrorCode.InvalidYaml, string.Empty, "invalid YAML" + where)
            {
                Line = _last is null ? null : (int)_last.End.Line,
                Column = _last is null ? null : (int)_last.End.Column,
            });
        }
    }
}
