using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Testing.GitHub;

/// <summary>Endpoints authenticated with an installation token: contents reads and revocation.</summary>
public sealed partial class GitHubSimulator
{
    private async Task ServeContentsAsync(HttpContext context)
    {
        var owner = RouteValue(context, "owner");
        var repository = RouteValue(context, "repo");
        var path = RouteValue(context, "path");
        Record(_contentReads, new SimulatedContentRead(owner, repository, path, context.Request.QueryString.Value ?? string.Empty, RawTargetOf(context)));

        if (await AuthenticateInstallationTokenAsync(context) is not { } token)
        {
            return;
        }

        if (!token.Installation.IsAccount(owner) || !token.Covers(repository))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
            return;
        }

        if (SimulatedPermissionLevels.Rank(token.Permissions.GetValueOrDefault("contents")) is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, "Resource not accessible by integration");
            return;
        }

        var branch = BranchOf(context.Request.Query["ref"].ToString());
        if (FindFile(owner, repository, branch, path) is { } content)
        {
            await WriteFileAsync(context, path, content);
        }
        else if (ListDirectory(owner, repository, branch, path) is { Count: > 0 } entries)
        {
            await WriteJsonAsync(context, StatusCodes.Status200OK, entries);
        }
        else
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
        }
    }

    /// <summary>The repositories the token covers, paged like GitHub (<c>per_page</c> at most 100, <c>page</c> from 1).</summary>
    private async Task ServeInstallationRepositoriesAsync(HttpContext context)
    {
        if (await AuthenticateInstallationTokenAsync(context) is not { } token)
        {
            return;
        }

        var perPage = int.TryParse(context.Request.Query["per_page"], out var p) ? Math.Clamp(p, 1, 100) : 30;
        var page = int.TryParse(context.Request.Query["page"], out var n) ? Math.Max(n, 1) : 1;
        var covered = token.Installation.Repositories.Where(token.Covers).ToList();
        var items = new JsonArray();
        foreach (var name in covered.Skip((page - 1) * perPage).Take(perPage))
        {
            items.Add(new JsonObject { ["name"] = name, ["full_name"] = $"{token.Installation.AccountLogin}/{name}" });
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["total_count"] = covered.Count, ["repositories"] = items });
    }

    private async Task ServeRevokeAsync(HttpContext context)
    {
        if (await AuthenticateInstallationTokenAsync(context) is not { } token)
        {
            return;
        }

        lock (_gate)
        {
            token.Revoked = true;
            _revocations.Add(new SimulatedRevocation(token.Token, token.Installation.Id, _time.GetUtcNow()));
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The live token the request carries ("Bearer" or "token" scheme), or null after answering 401.</summary>
    private async Task<IssuedToken?> AuthenticateInstallationTokenAsync(HttpContext context)
    {
        var parts = context.Request.Headers.Authorization.ToString().Split(' ', 2);
        IssuedToken? token = null;
        if (parts.Length == 2 && (parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || parts[0].Equals("token", StringComparison.OrdinalIgnoreCase)))
        {
            lock (_gate)
            {
                token = _tokens.GetValueOrDefault(parts[1]);
                var live = token is not null && !token.Revoked && token.ExpiresAt > _time.GetUtcNow()
                    && _installations.ContainsKey(token.Installation.Id);
                token = live ? token : null;
            }
        }

        if (token is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Bad credentials");
        }

        return token;
    }

    private static string BranchOf(string reference) =>
        reference.Length == 0 ? DefaultBranch
        : reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..]
        : reference;

    private string? FindFile(string owner, string repository, string branch, string path)
    {
        lock (_gate)
        {
            return _files.GetValueOrDefault(new FileKey(owner, repository, branch, path));
        }
    }

    private JsonArray ListDirectory(string owner, string repository, string branch, string path)
    {
        var directory = new FileKey(owner, repository, branch, path.TrimEnd('/'));
        var prefix = directory.Path.Length == 0 ? string.Empty : directory.Path + "/";
        List<string> names;
        lock (_gate)
        {
            names = [.. _files.Keys
                .Where(k => k.Owner == directory.Owner && k.Repository == directory.Repository && k.Branch == branch
                    && k.Path.StartsWith(prefix, StringComparison.Ordinal))
                .Select(k => k.Path[prefix.Length..])];
        }

        var entries = new JsonArray();
        foreach (var child in names.Select(n => n.Split('/')[0]).Distinct(StringComparer.Ordinal))
        {
            var isFile = names.Contains(child, StringComparer.Ordinal);
            entries.Add(new JsonObject { ["name"] = child, ["path"] = prefix + child, ["type"] = isFile ? "file" : "dir" });
        }

        return entries;
    }

    private static async Task WriteFileAsync(HttpContext context, string path, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        if (context.Request.Headers.Accept.ToString().Contains("application/vnd.github.raw", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/vnd.github.raw; charset=utf-8";
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject
        {
            ["type"] = "file",
            ["encoding"] = "base64",
            ["name"] = path.Split('/')[^1],
            ["path"] = path,
            ["size"] = bytes.Length,
            ["content"] = Convert.ToBase64String(bytes),
        });
    }
}
