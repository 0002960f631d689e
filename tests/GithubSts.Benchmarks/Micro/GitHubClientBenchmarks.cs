using System.Text;
using BenchmarkDotNet.Attributes;
using GithubSts.Benchmarks.Micro.Fixtures;
using GithubSts.Exchange.GitHub;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// The mint call alone through the production <see cref="GitHubApiClient"/> (GitHub answered from memory), next to the
/// same request sent with a bare HttpClient: the difference is the client's own cost (JWT, timeouts, body reading, checks).
/// </summary>
[MemoryDiagnoser]
public class GitHubClientBenchmarks : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> Permissions =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "write", ["pull_requests"] = "write" };

    private static readonly IReadOnlyList<string> Repositories = [ActionsOidc.Repository];

    private readonly Uri mintUri = new(InMemoryGitHub.ApiBaseUrl, $"app/installations/{InMemoryGitHub.InstallationId}/access_tokens");
    private BenchApp? app;
    private HttpClient? http;
    private GitHubApiClient? github;
    private byte[] mintBody = [];

    [GlobalSetup]
    public void Setup()
    {
        app = BenchApp.Create(InMemoryGitHub.ApiBaseUrl);
        http = new HttpClient(new InMemoryGitHub(ActionsOidc.Owner).Handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        github = new GitHubApiClient(http, new AppJwtFactory(TimeProvider.System), TimeProvider.System, NullLogger<GitHubApiClient>.Instance);
        mintBody = Encoding.UTF8.GetBytes("""{"permissions":{"contents":"write","pull_requests":"write"},"repositories":["app"]}""");
        var token = Mint().GetAwaiter().GetResult();
        if (token.Permissions.Count != 3 || token.Repositories is not [ActionsOidc.Repository] || RawPost().GetAwaiter().GetResult() < 500)
        {
            throw new InvalidOperationException("The in-memory mint did not answer as expected.");
        }
    }

    [Benchmark(Description = MicroNames.GitHubMint)]
    public Task<InstallationToken> Mint() =>
        github!.CreateInstallationTokenAsync(app!.Runtime.Credentials, InMemoryGitHub.InstallationId, Permissions, Repositories, CancellationToken.None);

    [Benchmark(Description = MicroNames.RawMintPost)]
    public async Task<int> RawPost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, mintUri) { Content = new ByteArrayContent(mintBody) };
        using var response = await http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
        return body.Length;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        http?.Dispose();
        http = null;
        app?.Dispose();
        app = null;
        GC.SuppressFinalize(this);
    }
}
