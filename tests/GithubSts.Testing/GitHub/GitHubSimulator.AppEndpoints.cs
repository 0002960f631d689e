using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Testing.GitHub;

/// <summary>Endpoints authenticated with the App JWT: GET /app and the installation lookups.</summary>
public sealed partial class GitHubSimulator
{
    private async Task ServeAppAsync(HttpContext context)
    {
        if (await AuthenticateAppAsync(context) is { } app)
        {
            await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject
            {
                ["id"] = app.Id,
                ["slug"] = app.Slug,
                ["name"] = app.Slug,
            });
        }
    }

    private async Task ServeRepositoryInstallationAsync(HttpContext context)
    {
        if (await AuthenticateAppAsync(context) is not { } app)
        {
            return;
        }

        var owner = RouteValue(context, "owner");
        var repository = RouteValue(context, "repo");
        await WriteInstallationAsync(context, FindInstallation(i =>
            i.AppId == app.Id && i.IsAccount(owner) && i.FindRepository(repository) is not null));
    }

    private async Task ServeAccountInstallationAsync(HttpContext context, string accountType)
    {
        if (await AuthenticateAppAsync(context) is not { } app)
        {
            return;
        }

        var owner = RouteValue(context, "owner");
        await WriteInstallationAsync(context, FindInstallation(i =>
            i.AppId == app.Id && i.IsAccount(owner) && string.Equals(i.AccountType, accountType, StringComparison.Ordinal)));
    }

    private static Task WriteInstallationAsync(HttpContext context, SimulatedInstallation? installation)
    {
        if (installation is null)
        {
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
        }

        var permissions = new JsonObject();
        foreach (var (name, level) in installation.Permissions)
        {
            permissions[name] = level;
        }

        return WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject
        {
            ["id"] = installation.Id,
            ["app_id"] = installation.AppId,
            ["target_type"] = installation.AccountType,
            ["account"] = new JsonObject
            {
                ["login"] = installation.AccountLogin,
                ["id"] = installation.Id + 1_000_000,
                ["type"] = installation.AccountType,
            },
            ["permissions"] = permissions,
            ["repository_selection"] = installation.RepositorySelection,
        });
    }

    /// <summary>The App the request's JWT verifies for, or null after answering 401.</summary>
    private async Task<SimulatedApp?> AuthenticateAppAsync(HttpContext context)
    {
        var appId = AppJwtVerifier.Verify(context.Request.Headers.Authorization.ToString(), FindApp, _time.GetUtcNow(), out var failure);
        if (appId is { } id && FindApp(id) is { } app)
        {
            return app;
        }

        await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, $"A JSON web token could not be decoded ({failure})");
        return null;
    }

    private SimulatedInstallation? FindInstallation(Func<SimulatedInstallation, bool> predicate)
    {
        lock (_gate)
        {
            return _installations.Values.FirstOrDefault(predicate);
        }
    }
}
