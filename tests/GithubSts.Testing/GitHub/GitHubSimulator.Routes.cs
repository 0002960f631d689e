using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace GithubSts.Testing.GitHub;

/// <summary>Routing and the steps shared by every endpoint: recording, rate-limit headers, latency and faults.</summary>
public sealed partial class GitHubSimulator
{
    private const string DocumentationUrl = "https://docs.github.com/rest";

    private void MapRoutes(WebApplication app, string pathBase)
    {
        if (pathBase.Length > 0)
        {
            // Unlike UsePathBase, requests outside the prefix are refused, as on a GHES host.
            app.Use(async (context, next) =>
            {
                if (!context.Request.Path.StartsWithSegments(pathBase, StringComparison.Ordinal, out var remaining))
                {
                    RecordRequest(context, kind: null);
                    await WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
                    return;
                }

                context.Request.PathBase = pathBase;
                context.Request.Path = remaining;
                await next(context);
            });
        }

        app.UseRouting();
        app.MapGet("/app", Endpoint(GitHubEndpointKind.App, ServeAppAsync));
        app.MapGet("/repos/{owner}/{repo}/installation", Endpoint(GitHubEndpointKind.Installation, ServeRepositoryInstallationAsync));
        app.MapGet("/orgs/{owner}/installation", Endpoint(GitHubEndpointKind.Installation, c => ServeAccountInstallationAsync(c, "Organization")));
        app.MapGet("/users/{owner}/installation", Endpoint(GitHubEndpointKind.Installation, c => ServeAccountInstallationAsync(c, "User")));
        app.MapPost("/app/installations/{id}/access_tokens", Endpoint(GitHubEndpointKind.Mint, ServeMintAsync));
        app.MapGet("/repos/{owner}/{repo}/contents/{**path}", Endpoint(GitHubEndpointKind.Contents, ServeContentsAsync));
        app.MapDelete("/installation/token", Endpoint(GitHubEndpointKind.Revoke, ServeRevokeAsync));
        app.MapGet("/installation/repositories", Endpoint(GitHubEndpointKind.InstallationRepositories, ServeInstallationRepositoriesAsync));
        MapCheckRoutes(app);
        app.MapFallback(context =>
        {
            RecordRequest(context, kind: null);
            return WriteErrorAsync(context, StatusCodes.Status404NotFound, "Not Found");
        });
    }

    private RequestDelegate Endpoint(GitHubEndpointKind kind, Func<HttpContext, Task> serve) => async context =>
    {
        RecordRequest(context, kind);
        WriteRateLimitHeaders(context);
        try
        {
            if (LatencyOf(kind) is var latency && latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, context.RequestAborted);
            }

            if (TakeFault(kind) is { } fault)
            {
                await WriteFaultAsync(context, fault);
                return;
            }

            await serve(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (e.g. its timeout); nothing left to answer.
        }
    };

    private void RecordRequest(HttpContext context, GitHubEndpointKind? kind)
    {
        var headers = context.Request.Headers;
        var authorization = headers.Authorization.ToString();
        var scheme = authorization.Split(' ', 2)[0];
        var request = new SimulatedRequest(
            context.Request.Method, RawTargetOf(context), kind, headers.Accept.ToString(),
            headers["X-GitHub-Api-Version"].ToString(), headers.UserAgent.ToString(), scheme,
            [.. headers.Keys.Select(k => k.ToLowerInvariant())]);
        lock (_gate)
        {
            _requests.Add(request);
            if (kind is { } known)
            {
                _requestCounts[known] = _requestCounts.GetValueOrDefault(known) + 1;
            }
        }
    }

    private void WriteRateLimitHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        var remaining = RateLimitRemaining;
        headers["x-ratelimit-limit"] = "5000";
        headers["x-ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-used"] = (5000 - remaining).ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset"] = _time.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-resource"] = "core";
    }

    private static async Task WriteFaultAsync(HttpContext context, GitHubFault fault)
    {
        if (fault.DropConnection)
        {
            context.Abort();
            return;
        }

        foreach (var (name, value) in fault.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.StatusCode = fault.StatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(fault.Body ?? GitHubFault.DefaultBody, context.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext context, int statusCode, JsonNode body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int statusCode, string message) =>
        WriteJsonAsync(context, statusCode, new JsonObject { ["message"] = message, ["documentation_url"] = DocumentationUrl });

    /// <summary>A 422 whose body carries the secret marker, so tests can prove the client never repeats it.</summary>
    private static Task WriteValidationFailedAsync(HttpContext context, string reason) =>
        WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, $"Validation failed {GitHubFault.SecretBodyMarker}: {reason}");

    private static string RawTargetOf(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;

    private static string RouteValue(HttpContext context, string name) =>
        context.GetRouteValue(name) as string ?? string.Empty;
}
