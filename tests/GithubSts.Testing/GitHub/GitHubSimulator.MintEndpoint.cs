using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Testing.GitHub;

/// <summary>POST /app/installations/{id}/access_tokens, with GitHub's "omitted means everything" defaults.</summary>
public sealed partial class GitHubSimulator
{
    private const int MaxMintBodyBytes = 1024 * 1024;
    private const string TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private async Task ServeMintAsync(HttpContext context)
    {
        if (await AuthenticateAppAsync(context) is not { } app)
        {
            return;
        }

        var installationId = long.TryParse(RouteValue(context, "id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
        var installation = FindInstallation(i => i.Id == installationId && i.AppId == app.Id);
        if (installation is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var requestJson = await reader.ReadToEndAsync(context.RequestAborted);
        if (requestJson.Length > MaxMintBodyBytes)
        {
            await WriteValidationFailedAsync(context, "body too large");
            return;
        }

        var request = MintRequestParser.Parse(requestJson, out var problem);
        problem ??= request is null ? "invalid body" : CheckAgainstInstallation(request, installation);
        if (problem is not null)
        {
            await WriteValidationFailedAsync(context, problem);
            return;
        }

        await IssueTokenAsync(context, app, installation, request!, requestJson);
    }

    private static string? CheckAgainstInstallation(MintRequestParser.Request request, SimulatedInstallation installation)
    {
        foreach (var (name, level) in request.Permissions ?? new Dictionary<string, string>())
        {
            if (!installation.Permissions.TryGetValue(name, out var ceiling)
                || SimulatedPermissionLevels.Rank(level) is not { } wanted
                || wanted > SimulatedPermissionLevels.Rank(ceiling))
            {
                return $"the permission {name}:{level} is not granted to the installation";
            }
        }

        foreach (var repository in request.Repositories ?? [])
        {
            if (installation.FindRepository(repository) is null)
            {
                return "There is at least one repository that does not exist or is not accessible to the parent installation.";
            }
        }

        return null;
    }

    private async Task IssueTokenAsync(
        HttpContext context, SimulatedApp app, SimulatedInstallation installation, MintRequestParser.Request request, string requestJson)
    {
        var tampering = MintTampering;

        // Omitted permissions mean the installation's whole ceiling; metadata:read comes with every token.
        var granted = new Dictionary<string, string>(request.Permissions ?? installation.Permissions, StringComparer.Ordinal);
        granted.TryAdd("metadata", "read");
        foreach (var (name, level) in tampering?.ExtraPermissions ?? new Dictionary<string, string>())
        {
            granted[name] = level;
        }

        List<string>? repositories = request.Repositories?.Select(r => installation.FindRepository(r)!).ToList()
            ?? (installation.RepositorySelection == "selected" ? [.. installation.Repositories] : null);
        if (tampering?.ExtraRepositories is { } extra)
        {
            repositories = [.. repositories ?? [], .. extra];
        }

        var selection = tampering?.ReportAllRepositories == true ? "all"
            : request.Repositories is not null ? "selected" : installation.RepositorySelection;
        var token = tampering?.EmptyToken == true || tampering?.OmitToken == true ? string.Empty : NewToken(app.Id);
        var expiresAt = TruncateToSeconds(_time.GetUtcNow().Add(TokenLifetime));
        lock (_gate)
        {
            if (token.Length > 0)
            {
                _tokens[token] = new IssuedToken(token, installation, granted, repositories, expiresAt);
            }

            _mints.Add(new SimulatedMint(
                app.Id, installation.Id, requestJson, request.Permissions, request.Repositories, token, granted, repositories, expiresAt));
        }

        var body = new JsonObject
        {
            ["expires_at"] = expiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["permissions"] = new JsonObject(granted.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["repository_selection"] = selection,
        };
        if (tampering?.OmitToken != true)
        {
            body["token"] = token;
        }

        if (repositories is not null)
        {
            body["repositories"] = new JsonArray([.. repositories.Select(r => RepositoryJson(installation, r))]);
        }

        await WriteJsonAsync(context, StatusCodes.Status201Created, body);
    }

    private static JsonObject RepositoryJson(SimulatedInstallation installation, string name)
    {
        var index = installation.Repositories.ToList().FindIndex(r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase));
        return new JsonObject
        {
            ["id"] = (installation.Id * 1000) + index + 1,
            ["name"] = name,
            ["full_name"] = installation.AccountLogin + "/" + name,
        };
    }

    private string NewToken(long appId) => StatelessTokenFormat
        ? $"ghs_{appId.ToString(CultureInfo.InvariantCulture)}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(96))}"
        : "ghs_" + RandomNumberGenerator.GetString(TokenAlphabet, 36);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    /// <summary>Strict reading of the mint body: only "permissions" and "repositories", no duplicates, right types.</summary>
    internal static class MintRequestParser
    {
        public sealed record Request(IReadOnlyDictionary<string, string>? Permissions, IReadOnlyList<string>? Repositories);

        public static Request? Parse(string json, out string? problem)
        {
            problem = null;
            if (string.IsNullOrWhiteSpace(json))
            {
                return new Request(null, null);
            }

            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    problem = "the body is not a JSON object";
                    return null;
                }

                Dictionary<string, string>? permissions = null;
                List<string>? repositories = null;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    problem = property.Name switch
                    {
                        "permissions" when permissions is null => ReadPermissions(property.Value, out permissions),
                        "repositories" when repositories is null => ReadRepositories(property.Value, out repositories),
                        _ => $"unexpected or repeated property {property.Name}",
                    };
                    if (problem is not null)
                    {
                        return null;
                    }
                }

                return new Request(permissions, repositories);
            }
            catch (JsonException)
            {
                problem = "the body is not valid JSON";
                return null;
            }
        }

        private static string? ReadPermissions(JsonElement element, out Dictionary<string, string>? permissions)
        {
            permissions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (element.ValueKind != JsonValueKind.Object)
            {
                return "permissions is not an object";
            }

            foreach (var permission in element.EnumerateObject())
            {
                if (permission.Value.ValueKind != JsonValueKind.String || SimulatedPermissionLevels.Rank(permission.Value.GetString()) is null
                    || !permissions.TryAdd(permission.Name, permission.Value.GetString()!))
                {
                    return $"invalid permission {permission.Name}";
                }
            }

            return null;
        }

        private static string? ReadRepositories(JsonElement element, out List<string>? repositories)
        {
            repositories = [];
            if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() is 0 or > 500)
            {
                return "repositories must be an array of 1 to 500 names";
            }

            foreach (var repository in element.EnumerateArray())
            {
                if (repository.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(repository.GetString()))
                {
                    return "repositories must contain names";
                }

                repositories.Add(repository.GetString()!);
            }

            return null;
        }
    }
}
