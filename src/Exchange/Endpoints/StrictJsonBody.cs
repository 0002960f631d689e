using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// Reads <c>{"scope","identity","app"}</c> strictly: an object of string members only, no duplicates, no unknown
/// members, valid UTF-8. A JSON API of our own can be stricter than the form endpoint (security.md A09-A12).
/// </summary>
internal static class StrictJsonBody
{
    public static async Task ReadAsync(HttpRequest request, ExchangeParameters parameters, CancellationToken cancellationToken)
    {
        // Kestrel's MaxRequestBodySize bounds this read (413 beyond it).
        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(cancellationToken);
            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        try
        {
            Parse(read.Buffer, parameters);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    internal static void Parse(ReadOnlySequence<byte> body, ExchangeParameters parameters)
    {
        var json = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                throw RequestErrors.MalformedJson("the JSON body must be an object");
            }

            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var name = json.GetString()!;
                if (Array.IndexOf(ExchangeParameters.Names, name) < 0)
                {
                    throw RequestErrors.MalformedJson("unknown member: only scope, identity and app are accepted");
                }

                if (!json.Read() || json.TokenType != JsonTokenType.String)
                {
                    throw RequestErrors.MalformedJson($"member '{name}' must be a string");
                }

                parameters.Set(name, json.GetString()!);
            }

            if (json.TokenType != JsonTokenType.EndObject || json.Read())
            {
                throw RequestErrors.MalformedJson("the JSON body must be a single object");
            }
        }
        catch (JsonException)
        {
            throw RequestErrors.MalformedJson("the body is not valid JSON");
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString throws this for invalid UTF-8 inside a string.
            throw RequestErrors.MalformedJson("the body is not valid UTF-8 JSON");
        }
    }
}
