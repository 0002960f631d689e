using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// Reads <c>{"scope","identity","app","permissions","repositories"}</c> strictly: string members (an object and an array for the last two), no duplicates, no unknown
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
                if (string.Equals(name, ExchangeParameters.PermissionsName, StringComparison.Ordinal))
                {
                    parameters.SetPermissions(ReadPermissions(ref json));
                    continue;
                }

                if (string.Equals(name, ExchangeParameters.RepositoriesName, StringComparison.Ordinal))
                {
                    parameters.SetRepositories(ReadRepositories(ref json));
                    continue;
                }

                if (Array.IndexOf(ExchangeParameters.Names, name) < 0)
                {
                    throw RequestErrors.MalformedJson("unknown member: only scope, identity, app, permissions and repositories are accepted");
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
    /// <summary><c>{"contents":"read","issues":"write"}</c>: string values only; a repeated name is refused by the caller.</summary>
    private static List<KeyValuePair<string, string>> ReadPermissions(ref Utf8JsonReader json)
    {
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
        {
            throw RequestErrors.MalformedJson("member 'permissions' must be an object of permission name to level");
        }

        var permissions = new List<KeyValuePair<string, string>>();
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var permission = json.GetString()!;
            if (!json.Read() || json.TokenType != JsonTokenType.String)
            {
                throw RequestErrors.MalformedJson($"permission '{permission}' must have a string level");
            }

            permissions.Add(new(permission, json.GetString()!));
        }

        return permissions;
    }

    /// <summary><c>["widgets","gadgets"]</c>: strings only.</summary>
    private static List<string> ReadRepositories(ref Utf8JsonReader json)
    {
        if (!json.Read() || json.TokenType != JsonTokenType.StartArray)
        {
            throw RequestErrors.MalformedJson("member 'repositories' must be an array of repository names");
        }

        var repositories = new List<string>();
        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
        {
            if (json.TokenType != JsonTokenType.String)
            {
                throw RequestErrors.MalformedJson("member 'repositories' must hold strings only");
            }

            repositories.Add(json.GetString()!);
        }

        return repositories;
    }
}
