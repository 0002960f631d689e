using System.Text.Json;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Builders for the resources the tenancy tests apply (cert-manager's test builders, in C#): each test states only
/// what it is about, the rest has working defaults.
/// </summary>
internal sealed class GitHubAppBuilder(string name, OperatorEnvironment env)
{
    private readonly GitHubApp _app = new()
    {
        ApiVersion = "githubsts.io/v1alpha1",
        Kind = "GitHubApp",
        Metadata = new ObjectMeta { Name = name },
        Spec = new GitHubAppSpec
        {
            AppId = OperatorEnvironment.AppId,
            ApiUrl = env.GitHub.ApiUrl.ToString(),
            PrivateKeySecretRef = new SecretKeySelector { Namespace = OperatorEnvironment.OperatorNamespace, Name = "app-key" },
        },
    };

    public GitHubAppBuilder Grant(string[] namespaces, params string[] repositories) =>
        Grant(new TenantGrant { Namespaces = [.. namespaces], Repositories = [.. repositories] });

    public GitHubAppBuilder GrantSelected(LabelSelector selector, params string[] repositories) =>
        Grant(new TenantGrant { NamespaceSelector = selector, Repositories = [.. repositories] });

    public GitHubAppBuilder Grant(TenantGrant grant)
    {
        (_app.Spec.Tenants ??= []).Add(grant);
        return this;
    }

    public GitHubAppBuilder LegacyAllowedNamespaces(params string[] namespaces)
    {
        _app.Spec.AllowedNamespaces = new AllowedNamespaces { Names = [.. namespaces] };
        return this;
    }

    public GitHubAppBuilder RepositoryPolicies()
    {
        _app.Spec.RepositoryPolicies = new RepositoryPolicies { Enabled = true };
        return this;
    }

    public GitHubApp Build() => _app;
}

internal sealed class TrustPolicyBuilder(string ns, string name)
{
    private readonly TrustPolicy _policy = new()
    {
        ApiVersion = "githubsts.io/v1alpha1",
        Kind = "TrustPolicy",
        Metadata = new ObjectMeta { Namespace = ns, Name = name },
        Spec = new TrustPolicySpec { App = "default", Scope = "octo-org/octo-repo", Permissions = new() { ["contents"] = "read" } },
    };

    public TrustPolicyBuilder App(string app)
    {
        _policy.Spec.App = app;
        return this;
    }

    public TrustPolicyBuilder Scope(string scope)
    {
        _policy.Spec.Scope = scope;

        // An organization policy must list the repositories its tokens cover (issue 9 item 7.4).
        _policy.Spec.Repositories = scope.Contains('/', StringComparison.Ordinal) ? null : ["octo-repo"];
        return this;
    }

    public TrustPolicyBuilder Identity(string identity)
    {
        _policy.Spec.Identity = identity;
        return this;
    }

    public TrustPolicyBuilder ServiceAccount(string serviceAccount)
    {
        _policy.Spec.ServiceAccount = serviceAccount;
        return this;
    }

    public TrustPolicyBuilder Permissions(params (string Name, string Level)[] permissions)
    {
        _policy.Spec.Permissions = permissions.ToDictionary(p => p.Name, p => p.Level, StringComparer.Ordinal);
        return this;
    }

    public TrustPolicy Build() => _policy;
}

internal static class TenancyResources
{
    public static Namespace Namespace(string name, Dictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new ObjectMeta { Name = name, Labels = labels },
    };

    /// <summary>kubectl-applies the objects as JSON (what a tenant with create rights would do).</summary>
    public static async Task ApplyAsync(this OperatorEnvironment env, params KubernetesObject[] objects)
    {
        foreach (var resource in objects)
        {
            var path = Path.Combine(env.Cluster.WorkDirectory, Guid.NewGuid().ToString("N") + ".json");
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(resource, resource.GetType(), KubernetesJson.Options));
            await env.Cluster.KubectlAsync("apply", "--validate=false", "-f", path);
        }
    }
}

/// <summary>Builder additions for the pattern-budget tests.</summary>
internal static class TrustPolicyBuilderPatterns
{
    public static TrustPolicyBuilder ClaimPatterns(this TrustPolicyBuilder builder, Dictionary<string, string> patterns)
    {
        builder.Build().Spec.ClaimPatterns = patterns;
        return builder;
    }

    public static TrustPolicyBuilder SubjectPattern(this TrustPolicyBuilder builder, string pattern)
    {
        builder.Build().Spec.SubjectPattern = pattern;
        return builder;
    }

    public static TrustPolicyBuilder Audience(this TrustPolicyBuilder builder, string audience)
    {
        builder.Build().Spec.Audience = audience;
        return builder;
    }

    public static TrustPolicyBuilder AudiencePattern(this TrustPolicyBuilder builder, string pattern)
    {
        builder.Build().Spec.AudiencePattern = pattern;
        return builder;
    }
}
