namespace GithubSts.Operator.Kubernetes;

/// <summary>The built-in resources the operator uses (its own CRDs are declared next to their models).</summary>
public static class ResourceTypes
{
    public static ResourceType Secrets { get; } = new(string.Empty, "v1", "secrets", "Secret", Namespaced: true);

    public static ResourceType ConfigMaps { get; } = new(string.Empty, "v1", "configmaps", "ConfigMap", Namespaced: true);

    public static ResourceType ServiceAccounts { get; } = new(string.Empty, "v1", "serviceaccounts", "ServiceAccount", Namespaced: true);

    public static ResourceType Namespaces { get; } = new(string.Empty, "v1", "namespaces", "Namespace", Namespaced: false);

    public static ResourceType CustomResourceDefinitions { get; } =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);
}
