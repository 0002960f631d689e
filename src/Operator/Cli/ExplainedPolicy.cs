using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Policies.Linting;
using GithubSts.Exchange.Requests;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Linting;

namespace GithubSts.Operator.Cli;

/// <summary>The one policy <c>policy explain</c> judges, read and compiled as the server and the operator would.</summary>
/// <param name="Compiled">Null when the policy does not compile (the linter's findings say why).</param>
/// <param name="Scope">The scope a TrustPolicy serves; null for a policy file, whose scope is where it is stored.</param>
internal sealed record ExplainedPolicy(
    TrustPolicyDefinition Definition, CompiledTrustPolicy? Compiled, string Description, string Identity, ExchangeTarget? Scope)
{
    /// <returns>Null, with a usage error written, when the file holds no single policy to explain.</returns>
    public static ExplainedPolicy? Load(string path, ExchangeTarget? scope, TextWriter error)
    {
        var text = File.ReadAllText(path);
        if (TrustPolicyManifestLinter.IsManifest(text))
        {
            var resources = TrustPolicyManifestLinter.Read(path, text, []);
            if (resources.Count != 1)
            {
                error.WriteLine($"github-sts: {path} holds {resources.Count} readable TrustPolicies; explain takes a file with exactly one");
                return null;
            }

            var resource = resources[0].Resource;
            if (TrustPolicyCompilation.Prepare(resource, TrustPolicyManifestLinter.OfflineClusterIssuer, out _) is not { } prepared)
            {
                return null;
            }

            return new ExplainedPolicy(
                prepared.Definition,
                TrustPolicyCompiler.Compile(prepared.Definition, prepared.Kind, prepared.Target).Policy,
                $"TrustPolicy {resource.Metadata.Namespace}/{resource.Metadata.Name} of App {resource.Spec.App}, scope {prepared.Target}, identity {prepared.Identity}",
                prepared.Identity,
                prepared.Target);
        }

        TrustPolicyDefinition definition;
        try
        {
            definition = TrustPolicyYaml.Parse(text);
        }
        catch (PolicyFormatException)
        {
            return null;
        }

        var kind = PolicyLinter.KindFor(definition, scope);
        var name = Path.GetFileName(path);
        var identity = PolicyLinter.IsPolicyFileName(name) ? name[..^PolicyLinter.PolicyFileSuffix.Length] : name;
        var where = scope is null ? "scope not given" : $"scope {scope}";
        return new ExplainedPolicy(
            definition,
            TrustPolicyCompiler.Compile(definition, kind, scope).Policy,
            $"{(kind == PolicyScopeKind.Organization ? "organization" : "repository")} policy file, {where}, identity {identity}",
            identity,
            null);
    }
}
