using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;

namespace GithubSts.Benchmarks.Micro.Fixtures;

/// <summary>The one configured GitHub App ("default", py-github-sts policy layout) with a throwaway RSA-2048 key.</summary>
internal sealed class BenchApp : IDisposable
{
    public const long AppId = 424242;

    private readonly TestAppKey key;

    private BenchApp(Uri apiBaseUrl)
    {
        key = TestAppKey.Create();
        if (!PolicyPathTemplate.TryCreate(PolicyPathTemplate.PyGithubStsLayout, out var path, out var problem))
        {
            throw new InvalidOperationException(problem);
        }

        Runtime = new GitHubAppRuntime
        {
            Credentials = new GitHubAppCredentials(BenchPolicies.AppName, AppId, PrivateKeyLoader.Load(key.Pkcs1Pem), apiBaseUrl),
            PolicyPath = path,
            OrgPolicyRepository = ".github",
        };
    }

    public GitHubAppRuntime Runtime { get; }

    public static BenchApp Create(Uri apiBaseUrl) => new(apiBaseUrl);

    public void Dispose() => key.Dispose();
}
