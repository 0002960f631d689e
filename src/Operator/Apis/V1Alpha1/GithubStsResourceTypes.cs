using GithubSts.Operator.Kubernetes;

namespace GithubSts.Operator.Apis.V1Alpha1;

public static class GithubStsResourceTypes
{
    public const string Group = "githubsts.io";
    public const string Version = "v1alpha1";

    public static ResourceType GitHubApps { get; } = new(Group, Version, "githubapps", "GitHubApp", Namespaced: false);

    public static ResourceType TrustPolicies { get; } = new(Group, Version, "trustpolicies", "TrustPolicy", Namespaced: true);

    public static ResourceType GitHubTokens { get; } = new(Group, Version, "githubtokens", "GitHubToken", Namespaced: true);
}
