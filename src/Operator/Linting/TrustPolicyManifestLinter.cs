using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Policies.Linting;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Kubernetes;
using YamlDotNet.Core;

namespace GithubSts.Operator.Linting;

/// <summary>
/// <see cref="PolicyLinter"/> for <c>TrustPolicy</c> manifests (multi-document YAML; other kinds are skipped): each
/// resource goes through the operator's own <see cref="TrustPolicyCompilation.Prepare"/> and then the shared compiler.
/// </summary>
public static class TrustPolicyManifestLinter
{
    /// <summary>
    /// Stands in for this cluster's service-account issuer, unknown offline, so <c>serviceAccount</c> policies compile
    /// as in a cluster (it is no GitHub Actions issuer, which is all the rules ask of it).
    /// </summary>
    public const string OfflineClusterIssuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>Any document's root mapping has <c>kind</c>: repository policy files never do (it is an unknown field there).</summary>
    public static bool IsManifest(string text)
    {
        try
        {
            return YamlJson.ReadDocuments(text).Exists(d => d is JsonObject o && o.ContainsKey("kind"));
        }
        catch (YamlException)
        {
            return false;
        }
    }

    /// <summary>The documents of kind TrustPolicy, readable or not.</summary>
    public static int CountTrustPolicies(string text)
    {
        try
        {
            return YamlJson.ReadDocuments(text).Count(d => d is JsonObject o && o["kind"] is JsonValue kind
                && kind.TryGetValue<string>(out var name) && string.Equals(name, GithubStsResourceTypes.TrustPolicies.Kind, StringComparison.Ordinal));
        }
        catch (YamlException)
        {
            return 0;
        }
    }

    public static IReadOnlyList<LintFinding> Lint(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var findings = new List<LintFinding>();
        foreach (var (resource, marks) in Read(path, text, findings))
        {
            var prepared = TrustPolicyCompilation.Prepare(resource, OfflineClusterIssuer, out var refusal);
            var context = SpecContext(path, marks);
            if (prepared is null)
            {
                var field = refusal!.Field.StartsWith("metadata.", StringComparison.Ordinal) ? refusal.Field : "spec." + refusal.Field;
                findings.Add(new LintContext(path, marks.Locate).Finding(LintSeverity.Error, LintCodes.InvalidManifest, field, refusal.Message));
                continue;
            }

            PolicyLinter.LintDefinition(prepared.Definition, prepared.Kind, prepared.Target, context, findings);
        }

        return PolicyLinter.Ordered(findings);
    }

    /// <summary>The compiler's snake_case fields as the resource spells them under <c>spec</c>.</summary>
    internal static LintContext SpecContext(string path, YamlFieldMarks marks) =>
        new(path, field => marks.Locate(SpecField(field)), SpecField, TrustPolicyCompilation.ToResourceWording);

    /// <summary>The TrustPolicy resources of the text, with their marks; what cannot become one is a finding instead.</summary>
    internal static List<(TrustPolicy Resource, YamlFieldMarks Marks)> Read(string path, string text, List<LintFinding> findings)
    {
        List<JsonNode?> documents;
        try
        {
            documents = YamlJson.ReadDocuments(text);
        }
        catch (YamlException e)
        {
            findings.Add(new LintFinding(
                LintSeverity.Error, nameof(PolicyErrorCode.InvalidYaml), string.Empty, "invalid YAML: " + Description(e), path, (int)e.Start.Line, (int)e.Start.Column));
            return [];
        }

        var marks = YamlFieldMarks.Collect(text);
        var resources = new List<(TrustPolicy, YamlFieldMarks)>();
        for (var i = 0; i < documents.Count && i < marks.Count; i++)
        {
            var context = new LintContext(path, marks[i].Locate);
            if (documents[i] is null)
            {
                continue;
            }

            if (documents[i] is not JsonObject root || !root.ContainsKey("kind"))
            {
                findings.Add(context.Finding(LintSeverity.Error, LintCodes.InvalidManifest, string.Empty, "not a Kubernetes object: it has no kind"));
                continue;
            }

            if (ManifestSchema.Read(root, context, findings) is { } resource)
            {
                resources.Add((resource, marks[i]));
            }
        }

        return resources;
    }

    private static string SpecField(string field)
    {
        if (field.Length == 0)
        {
            return "spec";
        }

        var cut = field.IndexOfAny(['.', '[']);
        var head = cut < 0 ? field : field[..cut];
        return "spec." + TrustPolicyCompilation.ToCamelCase(head) + (cut < 0 ? string.Empty : field[cut..]);
    }

    /// <summary>YamlDotNet prefixes its messages with the marks, which the finding carries already.</summary>
    private static string Description(YamlException e)
    {
        const string Separator = "): ";
        var at = e.Message.IndexOf(Separator, StringComparison.Ordinal);
        return at >= 0 ? e.Message[(at + Separator.Length)..] : e.Message;
    }
}
