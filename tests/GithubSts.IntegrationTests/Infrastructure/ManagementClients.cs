using GithubSts.Exchange.Endpoints;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.IntegrationTests.Infrastructure;

/// <summary>The management listener of an in-process service: tests bind it to a free port and read where it went.</summary>
public static class ManagementClients
{
    /// <summary>The <c>GITHUBSTS_MANAGEMENT_URLS</c> value tests use: any free loopback port.</summary>
    public const string AnyFreePort = "http://127.0.0.1:0";

    public static Uri Address(IServiceProvider services) =>
        new(services.GetRequiredService<ManagementListener>().Addresses[0]);

    public static HttpClient For(IServiceProvider services) => new() { BaseAddress = Address(services) };
}
