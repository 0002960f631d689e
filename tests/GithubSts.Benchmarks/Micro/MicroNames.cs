namespace GithubSts.Benchmarks.Micro;

/// <summary>Benchmark descriptions, which are also the measurement names in the report.</summary>
internal static class MicroNames
{
    public const string Rs256Validation = "RS256 token validation";
    public const string Es256Validation = "ES256 token validation";
    public const string RawRs256Verify = "raw RSA-2048 verify (1 RS256 signature)";
    public const string ExactPolicy = "exact policy evaluation";
    public const string PatternPolicy = "pattern policy evaluation";
    public const string IndexFind = "index lookup (FindAsync)";
    public const string IndexWinner = "index lookup (Winner, prebuilt key)";
    public const string IndexRebuild = "index rebuild 10,000 policies";
    public const string GitHubMint = "GitHub mint call (GitHubApiClient)";
    public const string RawMintPost = "GitHub mint call (bare HttpClient)";
    public const string PipelineRepository = "whole pipeline (repository policy)";
    public const string PipelineIndex = "whole pipeline (TrustPolicy index)";
    public const string Rs256PerCore = "RS256 verifications/s/core";
}
