using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GithubSts.Operator.Linting;

/// <summary>
/// The documents of a Kubernetes manifest as JSON, as kubectl sends them: YamlDotNet's events, with plain scalars typed
/// by the YAML 1.2 core schema (null, booleans, numbers) and aliases expanded within a node budget. The operator then
/// reads them with the serializer it uses for the API server's JSON, so a manifest means here what it means there.
/// </summary>
internal static class YamlJson
{
    /// <summary>Nodes after alias expansion, across the whole file: an alias bomb stops here, not in memory.</summary>
    public const int MaxNodes = 100_000;

    /// <exception cref="YamlException">Invalid YAML, with its mark; also for an unknown alias or too many nodes.</exception>
    public static List<JsonNode?> ReadDocuments(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var budget = MaxNodes;
        var documents = new List<JsonNode?>();
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            documents.Add(ReadNode(parser, anchors, ref budget));
            parser.Consume<DocumentEnd>();
        }

        parser.Consume<StreamEnd>();
        return documents;
    }

    private static JsonNode? ReadNode(Parser parser, Dictionary<string, JsonNode?> anchors, ref int budget)
    {
        var current = parser.Current!;
        if (--budget < 0)
        {
            throw new YamlException(current.Start, current.End, $"the manifest has more than {MaxNodes} nodes once aliases are expanded");
        }

        parser.MoveNext();
        JsonNode? node;
        switch (current)
        {
            case AnchorAlias alias:
                if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
                {
                    throw new YamlException(current.Start, current.End, $"unknown alias *{alias.Value.Value}");
                }

                budget -= Count(anchored);
                if (budget < 0)
                {
                    throw new YamlException(current.Start, current.End, $"the manifest has more than {MaxNodes} nodes once aliases are expanded");
                }

                return anchored?.DeepClone();
            case Scalar scalar:
                node = ScalarValue(scalar);
                break;
            case SequenceStart:
                var array = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    array.Add(ReadNode(parser, anchors, ref budget));
                }

                node = array;
                break;
            case MappingStart:
                var map = new JsonObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyEvent = parser.Current!;
                    var key = ReadNode(parser, anchors, ref budget);
                    if (key is not JsonValue keyValue)
                    {
                        throw new YamlException(keyEvent.Start, keyEvent.End, "mapping keys must be scalars");
                    }

                    // A plain key such as 123 or true is typed like any scalar; as a JSON member name it is its text.
                    var name = keyValue.TryGetValue<string>(out var text) ? text : keyValue.ToJsonString();
                    var value = ReadNode(parser, anchors, ref budget);
                    if (!map.TryAdd(name, value))
                    {
                        throw new YamlException(keyEvent.Start, keyEvent.End, "duplicate key");
                    }
                }

                node = map;
                break;
            default:
                throw new YamlException(current.Start, current.End, "unexpected YAML element");
        }

        if (current is NodeEvent { Anchor.IsEmpty: false } anchoredNode)
        {
            anchors[anchoredNode.Anchor.Value] = node;
        }

        return node;
    }

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Sum(p => Count(p.Value)),
        JsonArray a => 1 + a.Sum(Count),
        _ => 1,
    };

    /// <summary>YAML 1.2 core schema for plain scalars; quoted or block scalars are always strings.</summary>
    private static JsonValue? ScalarValue(Scalar scalar)
    {
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(scalar.Value);
        }

        var text = scalar.Value;
        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real) => JsonValue.Create(real),
            _ => JsonValue.Create(text),
        };
    }
}
