using BenchmarkDotNet.Attributes;
using GithubSts.Benchmarks.Micro.Fixtures;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Pipeline.Steps;
using GithubSts.Exchange.PolicySources;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// One whole exchange in process: the production steps (validate request, select app, validate token, resolve policy,
/// authorize, mint) with the real validator, policy sources and GitHub client; only GitHub and the issuer answer from
/// memory. The policy is either a repository-hosted file (read once, then cached) or a TrustPolicy in the index.
/// </summary>
[MemoryDiagnoser]
public class ExchangePipelineBenchmarks : IDisposable
{
    private readonly List<IDisposable> owned = [];
    private ExchangePipeline? repositoryPipeline;
    private ExchangePipeline? indexPipeline;
    private ExchangeRequest? request;
    private InMemoryGitHub? gitHub;

    [GlobalSetup]
    public void Setup()
    {
        var oidc = Own(ActionsOidc.Create());
        var app = Own(BenchApp.Create(InMemoryGitHub.ApiBaseUrl));
        gitHub = new InMemoryGitHub(ActionsOidc.Owner);
        var path = app.Runtime.PolicyPath.Render(BenchPolicies.AppName, BenchPolicies.Identity);
        gitHub.AddFile(ActionsOidc.Owner, ActionsOidc.Repository, path, BenchPolicies.ReleaseYaml);
        var http = Own(new HttpClient(gitHub.Handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan });

        // Caches outlive the run (default TTLs would expire mid-run and put a GitHub round trip into some iterations).
        var clientOptions = new GitHubClientOptions { InstallationCacheTtl = TimeSpan.FromDays(1) };
        var github = new GitHubApiClient(
            http, new AppJwtFactory(TimeProvider.System), TimeProvider.System, NullLogger<GitHubApiClient>.Instance, clientOptions);
        var repositorySource = new RepositoryPolicySource(
            github, new RepositoryPolicySourceOptions { CacheTtl = TimeSpan.FromDays(1), ServiceIdentifier = ActionsOidc.Audience }, TimeProvider.System,
            NullLogger<RepositoryPolicySource>.Instance);
        var index = new PolicyIndex();
        index.Upsert(BenchPolicies.CompileResource(ReleaseResource()));

        var service = new ServiceIdentity(ActionsOidc.Audience);
        var registry = new StaticAppRegistry([app.Runtime]);
        repositoryPipeline = Pipeline(registry, oidc, service, github, repositorySource);
        indexPipeline = Pipeline(registry, oidc, service, github, index, repositorySource);

        request = new ExchangeRequest
        {
            Scope = $"{ActionsOidc.Owner}/{ActionsOidc.Repository}",
            Identity = BenchPolicies.Identity,
            SubjectToken = ActionsOidc.CreateToken(oidc.RsaKey),
            RequestId = "bench-0001",
            Endpoint = "exchange",
            ClientAddress = "10.0.0.7",
            UserAgent = "curl/8.5.0",
        };

        // Both must succeed (a failure path would be measured silently otherwise), and twice: the second run must be served by caches.
        foreach (var pipeline in new[] { repositoryPipeline, indexPipeline, repositoryPipeline, indexPipeline })
        {
            var result = pipeline.ExecuteAsync(request, CancellationToken.None).GetAwaiter().GetResult();
            if (result.Permissions.Count != 3 || result.Repositories is not [ActionsOidc.Repository] || result.Token.Length == 0)
            {
                throw new InvalidOperationException("The benchmark exchange did not mint the expected token.");
            }
        }

        var reads = gitHub.ContentReads;
        var calls = gitHub.Handler.Requests;
        RepositoryPolicy().GetAwaiter().GetResult();
        IndexPolicy().GetAwaiter().GetResult();
        if (reads != 1 || gitHub.ContentReads != reads || gitHub.Handler.Requests != calls + 2)
        {
            throw new InvalidOperationException(
                $"Expected one policy read and one GitHub call (the mint) per exchange; saw {gitHub.ContentReads} reads, {gitHub.Handler.Requests - calls} calls for 2 exchanges.");
        }
    }

    [Benchmark(Description = MicroNames.PipelineRepository)]
    public Task<ExchangeResult> RepositoryPolicy() => repositoryPipeline!.ExecuteAsync(request!, CancellationToken.None);

    [Benchmark(Description = MicroNames.PipelineIndex)]
    public Task<ExchangeResult> IndexPolicy() => indexPipeline!.ExecuteAsync(request!, CancellationToken.None);

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }

        owned.Clear();
        GC.SuppressFinalize(this);
    }

    private static ExchangePipeline Pipeline(
        StaticAppRegistry registry, ActionsOidc oidc, ServiceIdentity service, GitHubApiClient github, params IPolicySource[] sources) =>
        new(
            [
                new ValidateRequestStep(),
                new ValidateTokenStep(oidc.Validator, new GitHubActionsIssuers([GitHubActionsIssuers.GitHubCom])),
                new SelectAppStep(registry, service),
                new ResolvePolicyStep(sources, service),
                new AuthorizeStep(service),
                new NarrowStep(),
                new MintTokenStep(github),
            ],
            [],
            TimeProvider.System,
            NullLogger<ExchangePipeline>.Instance);

    /// <summary>The TrustPolicy equivalent of <see cref="BenchPolicies.ReleaseYaml"/>.</summary>
    private static TrustPolicy ReleaseResource()
    {
        return new TrustPolicy
        {
            Metadata = new ObjectMeta { Name = "release", Namespace = "team-app", Generation = 1, CreationTimestamp = DateTimeOffset.UnixEpoch },
            Spec = new TrustPolicySpec
            {
                App = BenchPolicies.AppName,
                Scope = $"{ActionsOidc.Owner}/{ActionsOidc.Repository}",
                Identity = BenchPolicies.Identity,
                Issuer = ActionsOidc.Issuer,
                Subject = $"repo:{ActionsOidc.Owner}/{ActionsOidc.Repository}:ref:refs/heads/main",
                ClaimPatterns = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["job_workflow_ref"] = $@"{ActionsOidc.Owner}/{ActionsOidc.Repository}/\.github/workflows/release\.yaml@refs/heads/main",
                    ["repository_id"] = "123456789",
                },
                Permissions = new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "write", ["pull_requests"] = "write" },
            },
        };
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        owned.Add(disposable);
        return disposable;
    }
}
