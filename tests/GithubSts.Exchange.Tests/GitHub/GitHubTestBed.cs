using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

/// <summary>A simulator with one App installed on "acme" (organization) and "octocat" (user), and a client pointed at it.</summary>
internal sealed class GitHubTestBed : IAsyncDisposable
{
    public const long AppId = 1234;
    public const string AppSlug = "github-sts-test";
    public const string Org = "acme";
    public const string User = "octocat";

    private static readonly Lazy<TestAppKey> SharedKey = new(() => TestAppKey.Create());

    private GitHubTestBed(GitHubSimulator simulator, ManualClock clock, GitHubClientOptions? options)
    {
        Simulator = simulator;
        Clock = clock;
        App = new GitHubAppCredentials("test-app", AppId, PrivateKeyLoader.Load(Key.Pkcs1Pem), simulator.ApiUrl);
        Http = GitHubApiClient.CreateHttpClient();
        // The simulator checks App JWTs against real time, so the JWT factory keeps the real clock.
        Jwt = new AppJwtFactory(TimeProvider.System);
        Client = new GitHubApiClient(Http, Jwt, Clock, Logs, options ?? new GitHubClientOptions { RetryDelay = TimeSpan.Zero });
        simulator.AddApp(AppId, AppSlug, Key.Key);
        OrgInstallationId = simulator.AddInstallation(
            AppId, Org, "Organization", ["app", "infra", ".github"], Permissions(("contents", "write"), ("issues", "write"), ("metadata", "read")));
        UserInstallationId = simulator.AddInstallation(AppId, User, "User", ["dotfiles"], Permissions(("contents", "read")));
    }

    public static TestAppKey Key => SharedKey.Value;

    public GitHubSimulator Simulator { get; }

    public ManualClock Clock { get; }

    public GitHubAppCredentials App { get; }

    public HttpClient Http { get; }

    public AppJwtFactory Jwt { get; }

    public GitHubApiClient Client { get; }

    public CapturingLogger<GitHubApiClient> Logs { get; } = new();

    public long OrgInstallationId { get; }

    public long UserInstallationId { get; }

    public static async Task<GitHubTestBed> StartAsync(GitHubClientOptions? options = null, string pathBase = "") =>
        new(await GitHubSimulator.StartAsync(pathBase), new ManualClock(), options);

    public static IReadOnlyDictionary<string, string> Permissions(params (string Name, string Level)[] permissions) =>
        permissions.ToDictionary(p => p.Name, p => p.Level, StringComparer.Ordinal);

    /// <summary>A live token for acme with contents:read on the given repositories.</summary>
    public async Task<string> MintReadTokenAsync(params string[] repositories)
    {
        var token = await Client.CreateInstallationTokenAsync(
            App, OrgInstallationId, Permissions(("contents", "read")), repositories, CancellationToken.None);
        return token.Token;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}
