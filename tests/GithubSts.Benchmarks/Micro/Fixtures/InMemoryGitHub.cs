using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GithubSts.Benchmarks.Micro.Fixtures;

/// <summary>
/// The GitHub REST endpoints one exchange touches, answered from memory: installation lookup, token mint (granting
/// exactly what was asked, with GitHub's full response shape), raw contents of the policy file, token revocation.
/// Mint answers are rendered once per distinct request body and then replayed, so the fake costs little per call.
/// </summary>
internal sealed class InMemoryGitHub
{
    public const long InstallationId = 31_415_926;
    public static readonly Uri ApiBaseUrl = new("https://api.github.com/");

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeHeaderValue RawType = new("application/vnd.github.raw") { CharSet = "utf-8" };

    private readonly ConcurrentDictionary<string, byte[]> mintAnswers = new(StringComparer.Ordinal);
    private readonly byte[] installation;
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonArray> directories = new(StringComparer.Ordinal);
    private int mints;
    private int contentReads;

    public InMemoryGitHub(string owner)
    {
        installation = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["id"] = InstallationId,
            ["account"] = new JsonObject { ["login"] = owner, ["id"] = 65432100, ["type"] = "Organization" },
            ["app_id"] = BenchApp.AppId,
            ["app_slug"] = "github-sts",
            ["target_id"] = 65432100,
            ["target_type"] = "Organization",
            ["repository_selection"] = "all",
            ["access_tokens_url"] = $"{ApiBaseUrl}app/installations/{InstallationId}/access_tokens",
            ["permissions"] = new JsonObject { ["contents"] = "write", ["metadata"] = "read", ["pull_requests"] = "write" },
            ["events"] = new JsonArray("push", "pull_request"),
            ["created_at"] = "2025-01-01T00:00:00Z",
            ["updated_at"] = "2025-06-01T00:00:00Z",
        }.ToJsonString());
        Handler = new InMemoryHandler(RespondAsync);
    }

    public InMemoryHandler Handler { get; }

    public int Mints => Volatile.Read(ref mints);

    public int ContentReads => Volatile.Read(ref contentReads);

    /// <summary>Serves <paramref name="content"/> at <c>GET /repos/{owner}/{repo}/contents/{path}</c>.</summary>
    /// <remarks>Its directory then lists it, as the policy source checks the listing before reading a file.</remarks>
    public void AddFile(string owner, string repository, string path, string content)
    {
        files[$"/repos/{owner}/{repository}/contents/{path}"] = Encoding.UTF8.GetBytes(content);
        var slash = path.LastIndexOf('/');
        var directory = $"/repos/{owner}/{repository}/contents/{(slash < 0 ? string.Empty : path[..slash])}";
        if (!directories.TryGetValue(directory, out var entries))
        {
            directories[directory] = entries = [];
        }

        entries.Add(new JsonObject { ["name"] = path[(slash + 1)..], ["path"] = path, ["type"] = "file" });
    }

    private async ValueTask<HttpResponseMessage> RespondAsync(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Post && path.EndsWith("/access_tokens", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref mints);
            var body = await request.Content!.ReadAsStringAsync();
            return Answer(HttpStatusCode.Created, mintAnswers.GetOrAdd(body, MintAnswer), JsonType);
        }

        if (request.Method == HttpMethod.Get && path.EndsWith("/installation", StringComparison.Ordinal))
        {
            return Answer(HttpStatusCode.OK, installation, JsonType);
        }

        if (request.Method == HttpMethod.Get && files.TryGetValue(path, out var file))
        {
            Interlocked.Increment(ref contentReads);
            return Answer(HttpStatusCode.OK, file, RawType);
        }

        if (request.Method == HttpMethod.Get && directories.TryGetValue(path, out var listing))
        {
            return Answer(HttpStatusCode.OK, Encoding.UTF8.GetBytes(listing.ToJsonString()), JsonType);
        }

        if (request.Method == HttpMethod.Delete && path == "/installation/token")
        {
            return Answer(HttpStatusCode.NoContent, null, null);
        }

        return Answer(HttpStatusCode.NotFound, "{\"message\":\"Not Found\"}"u8.ToArray(), JsonType);
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, byte[]? body, MediaTypeHeaderValue? type)
    {
        var response = new HttpResponseMessage(status);
        if (body is not null)
        {
            response.Content = new ByteArrayContent(body);
            response.Content.Headers.ContentType = type;
        }

        response.Headers.TryAddWithoutValidation("x-ratelimit-limit", "5000");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining", "4999");
        response.Headers.TryAddWithoutValidation("x-ratelimit-used", "1");
        response.Headers.TryAddWithoutValidation("x-ratelimit-reset", "4102444800");
        response.Headers.TryAddWithoutValidation("x-ratelimit-resource", "core");
        response.Headers.TryAddWithoutValidation("x-github-request-id", "C0DE:1234:5678:9ABC:DEF0");
        return response;
    }

    /// <summary>GitHub's mint answer for this request: the token, exactly the permissions asked (+ metadata:read), full repository objects.</summary>
    private static byte[] MintAnswer(string requestBody)
    {
        using var request = JsonDocument.Parse(requestBody);
        var permissions = new JsonObject { ["metadata"] = "read" };
        foreach (var permission in request.RootElement.GetProperty("permissions").EnumerateObject())
        {
            permissions[permission.Name] = permission.Value.GetString();
        }

        var answer = new JsonObject
        {
            ["token"] = "ghs_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "AbCdEf",
            ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["permissions"] = permissions,
            ["repository_selection"] = "selected",
        };
        if (request.RootElement.TryGetProperty("repositories", out var repositories))
        {
            answer["repositories"] = new JsonArray([.. repositories.EnumerateArray().Select(r => (JsonNode)Repository(r.GetString()!))]);
        }

        return Encoding.UTF8.GetBytes(answer.ToJsonString());
    }

    private static JsonObject Repository(string name) => new()
    {
        ["id"] = 123456789,
        ["node_id"] = "R_kgDOHbench",
        ["name"] = name,
        ["full_name"] = $"{ActionsOidc.Owner}/{name}",
        ["private"] = true,
        ["owner"] = new JsonObject
        {
            ["login"] = ActionsOidc.Owner,
            ["id"] = 65432100,
            ["node_id"] = "O_kgDOBench",
            ["type"] = "Organization",
            ["site_admin"] = false,
            ["url"] = $"{ApiBaseUrl}users/{ActionsOidc.Owner}",
            ["html_url"] = $"https://github.com/{ActionsOidc.Owner}",
        },
        ["html_url"] = $"https://github.com/{ActionsOidc.Owner}/{name}",
        ["description"] = "The application",
        ["fork"] = false,
        ["url"] = $"{ApiBaseUrl}repos/{ActionsOidc.Owner}/{name}",
        ["created_at"] = "2024-03-01T12:00:00Z",
        ["updated_at"] = "2026-11-01T12:00:00Z",
        ["pushed_at"] = "2026-11-20T12:00:00Z",
        ["default_branch"] = "main",
        ["visibility"] = "private",
        ["archived"] = false,
        ["disabled"] = false,
        ["size"] = 20480,
        ["language"] = "C#",
        ["topics"] = new JsonArray("sts", "github-app"),
    };
}
