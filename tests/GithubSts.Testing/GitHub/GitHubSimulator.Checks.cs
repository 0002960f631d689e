using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Testing.GitHub;

/// <summary>
/// The checks API and what a check run needs: an installation by id (App JWT), a comparison of two commits and
/// <c>POST /repos/{o}/{r}/check-runs</c> (installation token with <c>checks: write</c> on the repository). A commit is
/// a "branch" of the file store named by its SHA: <see cref="SetFile"/> with <c>branch: sha</c>.
/// </summary>
public sealed partial class GitHubSimulator
{
    private const int MaxCheckRunBodyBytes = 1024 * 1024;

    private readonly List<SimulatedCheckRun> _checkRuns = [];

    public IReadOnlyList<SimulatedCheckRun> CheckRuns => Snapshot(_checkRuns);

    private void MapCheckRoutes(WebApplication app)
    {
        app.MapGet("/app/installations/{id}", Endpoint(GitHubEndpointKind.InstallationDetails, ServeInstallationByIdAsync));
        app.MapGet("/repos/{owner}/{repo}/compare/{basehead}", Endpoint(GitHubEndpointKind.Compare, ServeCompareAsync));
        app.MapPost("/repos/{owner}/{repo}/check-runs", Endpoint(GitHubEndpointKind.CheckRuns, ServeCreateCheckRunAsync));
    }

    private async Task ServeInstallationByIdAsync(HttpContext context)
    {
        if (await AuthenticateAppAsync(context) is not { } app)
        {
            return;
        }

        var id = long.TryParse(RouteValue(context, "id"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        await WriteInstallationAsync(context, FindInstallation(i => i.Id == id && i.AppId == app.Id));
    }

    private async Task ServeCompareAsync(HttpContext context)
    {
        var owner = RouteValue(context, "owner");
        var repository = RouteValue(context, "repo");
        if (await AuthenticateInstallationTokenAsync(context) is not { } token)
        {
            return;
        }

        var range = RouteValue(context, "basehead").Split("...", 2);
        if (!token.Installation.IsAccount(owner) || !token.Covers(repository) || range.Length != 2)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
            return;
        }

        if (SimulatedPermissionLevels.Rank(token.Permissions.GetValueOrDefault("contents")) is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, "Resource not accessible by integration");
            return;
        }

        Dictionary<string, string> Tree(string reference)
        {
            var key = new FileKey(owner, repository, reference, string.Empty);
            lock (_gate)
            {
                return _files.Where(f => f.Key.Owner == key.Owner && f.Key.Repository == key.Repository && f.Key.Branch == reference)
                    .ToDictionary(f => f.Key.Path, f => f.Value, StringComparer.Ordinal);
            }
        }

        var before = Tree(range[0]);
        var after = Tree(range[1]);
        var files = new JsonArray();
        foreach (var path in before.Keys.Union(after.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var status = !before.TryGetValue(path, out var old) ? "added"
                : !after.TryGetValue(path, out var now) ? "removed"
                : string.Equals(old, now, StringComparison.Ordinal) ? null : "modified";
            if (status is not null)
            {
                files.Add(new JsonObject { ["filename"] = path, ["status"] = status });
            }
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["status"] = "ahead", ["files"] = files });
    }

    private async Task ServeCreateCheckRunAsync(HttpContext context)
    {
        var owner = RouteValue(context, "owner");
        var repository = RouteValue(context, "repo");
        if (await AuthenticateInstallationTokenAsync(context) is not { } token)
        {
            return;
        }

        if (!token.Installation.IsAccount(owner) || !token.Covers(repository))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
            return;
        }

        if (token.Permissions.GetValueOrDefault("checks") != "write")
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, "Resource not accessible by integration");
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        if (body.Length > MaxCheckRunBodyBytes || ParseCheckRun(owner, repository, body, token) is not { } checkRun)
        {
            await WriteValidationFailedAsync(context, "invalid check run");
            return;
        }

        Record(_checkRuns, checkRun);
        await WriteJsonAsync(context, StatusCodes.Status201Created, new JsonObject
        {
            ["id"] = 7_000_000 + _checkRuns.Count,
            ["name"] = checkRun.Name,
            ["head_sha"] = checkRun.HeadSha,
            ["status"] = checkRun.Status,
            ["conclusion"] = checkRun.Conclusion,
        });
    }

    /// <summary>What GitHub validates: a name, a 40-hex head SHA, a known status and conclusion, at most 50 well-formed annotations.</summary>
    private static SimulatedCheckRun? ParseCheckRun(string owner, string repository, string body, IssuedToken token)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var name = root.GetProperty("name").GetString();
            var headSha = root.GetProperty("head_sha").GetString();
            var status = root.TryGetProperty("status", out var s) ? s.GetString() : "queued";
            var conclusion = root.TryGetProperty("conclusion", out var c) ? c.GetString() : null;
            if (string.IsNullOrEmpty(name) || headSha is not { Length: 40 } || !headSha.All(char.IsAsciiHexDigitLower)
                || status is not ("queued" or "in_progress" or "completed")
                || (status == "completed") != (conclusion is not null)
                || conclusion is not (null or "success" or "failure" or "neutral" or "cancelled" or "skipped" or "timed_out" or "action_required"))
            {
                return null;
            }

            string? title = null, summary = null;
            var annotations = new List<SimulatedAnnotation>();
            if (root.TryGetProperty("output", out var output))
            {
                title = output.GetProperty("title").GetString();
                summary = output.GetProperty("summary").GetString();
                if (output.TryGetProperty("annotations", out var list))
                {
                    foreach (var a in list.EnumerateArray())
                    {
                        var level = a.GetProperty("annotation_level").GetString()!;
                        if (level is not ("notice" or "warning" or "failure") || a.GetProperty("start_line").GetInt32() < 1)
                        {
                            return null;
                        }

                        annotations.Add(new SimulatedAnnotation(
                            a.GetProperty("path").GetString()!, a.GetProperty("start_line").GetInt32(), a.GetProperty("end_line").GetInt32(),
                            level, a.TryGetProperty("title", out var t) ? t.GetString() : null, a.GetProperty("message").GetString()!));
                    }
                }

                if (annotations.Count > 50)
                {
                    return null;
                }
            }

            return new SimulatedCheckRun(
                owner, repository, name, headSha, status, conclusion, title, summary, annotations,
                token.Token, token.Permissions, token.Repositories);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
