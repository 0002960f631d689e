using System.Globalization;
using System.Threading.RateLimiting;
using GithubSts.Exchange.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.Exchange.Endpoints;

/// <summary>
/// An optional token bucket per client address on the exchange endpoints (health and metrics are never limited).
/// A limited request gets 429 with <c>Retry-After</c> before any token check or GitHub call.
/// </summary>
public static class ClientRateLimiting
{
    public const string PolicyName = "githubsts-per-client";

    public static IServiceCollection AddGithubStsRateLimiting(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PolicyName, http => RateLimitPartition.GetTokenBucketLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Burst,
                    TokensPerPeriod = settings.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await http.Response.WriteAsJsonAsync(
                    new ErrorResponse("rate_limited", "too many requests from this client; retry later", http.TraceIdentifier),
                    EndpointJsonContext.Default.ErrorResponse,
                    cancellationToken: cancellationToken);
            };
        });
        return services;
    }
}
