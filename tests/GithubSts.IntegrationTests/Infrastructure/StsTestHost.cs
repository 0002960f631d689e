using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GithubSts.Exchange.Configuration;
using GithubSts.Operator.Hosting;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.IntegrationTests.Infrastructure;

/// <summary>
/// The real service on loopback Kestrel, wired to a real OIDC issuer double and the GitHub API simulator.
/// Tests talk to all three over HTTP only.
/// </summary>
public sealed class StsTestHost : IAsyncDisposable
{
    public const string Identifier = "https://sts.example.com";
    public const string Org = "octo-org";
    public const string Repo = "octo-repo";
    public const long AppId = 4242;

    private WebApplication _app = null!;
    private int _mintWatermark;

    public TestOidcIssuer Issuer { get; private set; } = null!;

    public GitHubSimulator GitHub { get; private set; } = null!;

    /// <summary>The public listener (the exchange endpoints).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The management listener (<c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>).</summary>
    public HttpClient ManagementClient { get; private set; } = null!;

    public TestAppKey AppKey { get; } = TestAppKey.Create();

    public long InstallationId { get; private set; }

    public static async Task<StsTestHost> StartAsync(
        Action<Dictionary<string, string>>? configure = null, Action<IServiceCollection>? services = null)
    {
        var host = new StsTestHost();
        await host.InitializeAsync(configure is null ? null : (_, environment) => configure(environment), services);
        return host;
    }

    /// <summary>For tests whose configuration needs the running doubles (the simulator's URL, an App of their own).</summary>
    public static async Task<StsTestHost> StartAsync(
        Action<StsTestHost, Dictionary<string, string>> configure, Action<IServiceCollection>? services = null)
    {
        var host = new StsTestHost();
        await host.InitializeAsync(configure, services);
        return host;
    }

    private async Task InitializeAsync(Action<StsTestHost, Dictionary<string, string>>? configure, Action<IServiceCollection>? services)
    {
        Issuer = await TestOidcIssuer.StartAsync();
        GitHub = await GitHubSimulator.StartAsync();
        GitHub.AddApp(AppId, "github-sts-test", AppKey.Key);
        InstallationId = GitHub.AddInstallation(
            AppId,
            Org,
            "Organization",
            [Repo, "other-repo", ".github"],
            new Dictionary<string, string>
            {
                ["contents"] = "write",
                ["issues"] = "write",
                ["pull_requests"] = "write",
                ["metadata"] = "read",
                ["checks"] = "write",
            });

        var environment = new Dictionary<string, string>
        {
            ["GITHUBSTS_STS_IDENTIFIER"] = Identifier,
            ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = Issuer.Iss,
            ["GITHUBSTS_GITHUB_APP_ID"] = AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = AppKey.Pkcs8Pem,
            ["GITHUBSTS_GITHUB_API_URL"] = GitHub.ApiUrl.ToString(),
            ["GITHUBSTS_AUDIT_STDOUT"] = "false",
            ["GITHUBSTS_MANAGEMENT_URLS"] = ManagementClients.AnyFreePort,

            // Tests publish policy files while the host runs; the listing cache would hide them for its TTL.
            // RepositoryPolicyAmplificationTests turn it back on.
            ["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "0",

            // Every test stops its host: the production drain delay would add its seconds to each. ShutdownTests set it.
            ["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = "0",

            // ~2.5 s before ready on every host; WarmupTests (and the chart installs) run it.
            ["GITHUBSTS_STARTUP_WARMUP_SECONDS"] = "0",
        };
        configure?.Invoke(this, environment);
        var options = GithubStsConfigurationLoader.Load(null, environment);

        _app = GithubStsHost.Build(["--urls", "http://127.0.0.1:0"], options, configureServices: services);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
        ManagementClient = ManagementClients.For(_app.Services);
    }

    public IServiceProvider Services => _app.Services;

    /// <summary>Publishes a policy file in the default layout (<c>.github/sts/default/{identity}.sts.yaml</c>).</summary>
    public void SetPolicy(string identity, string yaml, string repository = Repo, string? branch = null) =>
        GitHub.SetFile(Org, repository, $".github/sts/default/{identity}.sts.yaml", yaml, branch);

    /// <summary>A policy for the default test subject with the given permissions.</summary>
    public static string Policy(string permissions = "contents: read", string extra = "") => $"""
        issuer_pattern: http://127\.0\.0\.1:[0-9]+
        subject: repo:octo-org/octo-repo:ref:refs/heads/main
        {extra}
        permissions:
          {permissions}
        """;

    /// <summary>Marks the start of a test: <see cref="IssuedMints"/> then counts only what this test caused.</summary>
    public StsTestHost StartTest()
    {
        _mintWatermark = GitHub.Mints.Count;
        return this;
    }

    /// <summary>
    /// Tokens handed to callers since <see cref="StartTest"/>: every policy-read token is revoked after use,
    /// so the unrevoked mints are the issued ones.
    /// </summary>
    public IReadOnlyList<SimulatedMint> IssuedMints() => [.. GitHub.Mints.Skip(_mintWatermark).Where(m => !GitHub.IsRevoked(m.Token))];

    public void AssertNothingIssued() => Assert.Empty(IssuedMints());

    public Task<HttpResponseMessage> ExchangeAsync(string? token, string scope = Org + "/" + Repo, string identity = "ci", string? app = null)
    {
        var query = $"/sts/exchange?scope={Uri.EscapeDataString(scope)}&identity={Uri.EscapeDataString(identity)}"
            + (app is null ? string.Empty : "&app=" + Uri.EscapeDataString(app));
        var request = new HttpRequestMessage(HttpMethod.Get, query);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Client.SendAsync(request);
    }

    /// <summary>Stops the service (graceful shutdown) while the doubles keep running.</summary>
    public Task StopServiceAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        ManagementClient?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null!;
        }

        if (GitHub is not null)
        {
            await GitHub.DisposeAsync();
        }

        if (Issuer is not null)
        {
            await Issuer.DisposeAsync();
        }

        AppKey.Dispose();
    }
}

public static class ResponseAssertions
{
    public static async Task<JsonElement> AssertErrorAsync(this HttpResponseMessage response, int status, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {error}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("request_id").GetString()));
        var description = json.RootElement.GetProperty("error_description").GetString()!;

        // The names Depthmark/github-sts-action reads: the same values, whatever the error.
        Assert.Equal(error, json.RootElement.GetProperty("code").GetString());
        Assert.Equal(description, json.RootElement.GetProperty("detail").GetString());
        Assert.All(description, c => Assert.True(c is >= ' ' and <= '~' and not '"' and not '\\', $"bad char in '{description}'"));
        Assert.DoesNotContain(GitHubFault.SecretBodyMarker, body, StringComparison.Ordinal);
        return json.RootElement.Clone();
    }

    public static async Task<JsonElement> AssertSuccessAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"expected success, got {(int)response.StatusCode}: {body}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }
}

/// <summary>One service + doubles per test class; tests use distinct identities so the policy cache cannot couple them.</summary>
public sealed class StsHostFixture : IAsyncLifetime
{
    public StsTestHost Host { get; private set; } = null!;

    // Tests sharing this host publish policy files while it runs, each expecting its first exchange to see its file:
    // the directory listing is therefore not cached here (RepositoryPolicyAmplificationTests run with the defaults).
    public async Task InitializeAsync() =>
        Host = await StsTestHost.StartAsync(env => env["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "0");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
