using System.Text.Json;
using System.Text.Unicode;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// A pre-pass over a JOSE header or JWT payload before anything reads it. Parsers disagree on duplicate members
/// (IdentityModel and System.Text.Json keep the last one), so duplicates at any depth are refused outright (RFC 7519 §4),
/// along with trailing data, excessive depth, comments, invalid UTF-8 and unpaired surrogate escapes.
/// </summary>
internal static class StrictJson
{
    public const int MaxDepth = 16;

    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    public enum Verdict
    {
        Valid,
        Malformed,
        DuplicateMember,
    }

    /// <summary>Checks that <paramref name="utf8"/> is exactly one JSON object with no duplicate member names anywhere.</summary>
    public static Verdict CheckObject(ReadOnlySpan<byte> utf8)
    {
        // No surrounding whitespace either: JOSE producers never emit it, and a strict shape leaves no room for tricks.
        if (utf8.Length < 2 || utf8[0] != (byte)'{' || utf8[^1] != (byte)'}' || !Utf8.IsValid(utf8))
        {
            return Verdict.Malformed;
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var scopes = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // GetString unescapes, so "a" and "\u0061" collide as they should.
                        if (!scopes.Peek()!.Add(reader.GetString()!))
                        {
                            return Verdict.DuplicateMember;
                        }

                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = reader.GetString(); // Throws on an escaped lone surrogate, which later readers would also choke on.
                        break;
                }
            }

            return reader.BytesConsumed == utf8.Length ? Verdict.Valid : Verdict.Malformed;
        }
        catch (JsonException)
        {
            return Verdict.Malformed;
        }
        catch (InvalidOperationException)
        {
            return Verdict.Malformed;
        }
    }
}
