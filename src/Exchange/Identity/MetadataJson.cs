using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>Parses discovery and JWKS bodies strictly: a body that is not clean JSON counts as a failed fetch.</summary>
internal static class MetadataJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 32,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string what)
    {
        try
        {
            return JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            // The parser's message can quote the body, so it stays out of ours; the inner exception is never logged.
            throw new MetadataFetchException(false, $"The {what} response is not valid JSON.", e);
        }
    }
}
