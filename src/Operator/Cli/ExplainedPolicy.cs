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
    /// <summary>A manifest holds other than one TrustPolicy: which one to explain is not for the tool to guess.</summary>
    public static bool HoldsOneTrustPolicy(string path, out int count)
    {
        var text = File.ReadAllText(path);
        count = PolicyFiles.IsManifest(path, text) ? TrustPolicyManifestLinter.CountTrustPolicies(text) : 1;
        return count == 1;
    }

    /// <returns>Null when the file does not hold a policy the server would read (the linter's findings say why).</returns>
    public static ExplainedPolicy? Load(string path, ExchangeTarget? scope)
    {
        var text = File.ReadAllText(path);
        if (PolicyFiles.IsManifest(path, text))
        {
            var resources = TrustPolicyManifestLinter.Read(path, text, []);
            if (resources.Count != 1)
            {
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
