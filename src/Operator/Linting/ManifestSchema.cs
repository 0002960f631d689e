using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Policies.Linting;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;

namespace GithubSts.Operator.Linting;

/// <summary>
/// What the API server would refuse in a TrustPolicy document before the operator sees it: another apiVersion, unknown
/// fields (kubectl's strict field validation), wrong types, a missing name. The rest is the operator's own reading.
/// </summary>
internal static class ManifestSchema
{
    private static readonly string ApiVersion = $"{GithubStsResourceTypes.Group}/{GithubStsResourceTypes.Version}";

    private static readonly string[] TopLevelFields = ["apiVersion", "kind", "metadata", "spec", "status"];

    // The spec's JSON names as the operator's serializer reads them (camelCase of the CRD model's properties).
    private static readonly Dictionary<string, Type> SpecFields = typeof(TrustPolicySpec)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), p => p.PropertyType, StringComparer.Ordinal);

    /// <returns>Null for a document of another kind (skipped) or one with findings.</returns>
    public static TrustPolicy? Read(JsonObject root, LintContext context, List<LintFinding> findings)
    {
        if (!string.Equals(Text(root["kind"]), GithubStsResourceTypes.TrustPolicies.Kind, StringComparison.Ordinal))
        {
            return null;
        }

        var before = findings.Count;
        if (!string.Equals(Text(root["apiVersion"]), ApiVersion, StringComparison.Ordinal))
        {
            findings.Add(context.Finding(LintSeverity.Error, LintCodes.InvalidManifest, "apiVersion", $"must be {ApiVersion}"));
        }

        foreach (var (name, _) in root)
        {
            if (!TopLevelFields.Contains(name, StringComparer.Ordinal))
            {
                findings.Add(context.Finding(LintSeverity.Error, nameof(PolicyErrorCode.UnknownField), name, $"unknown field '{name}'"));
            }
        }

        if (root["spec"] is not JsonObject spec)
        {
            findings.Add(context.Finding(LintSeverity.Error, LintCodes.InvalidManifest, "spec", "must be a mapping"));
            return null;
        }

        foreach (var (name, value) in spec)
        {
            if (!SpecFields.TryGetValue(name, out var type))
            {
                findings.Add(context.Finding(
                    LintSeverity.Error, nameof(PolicyErrorCode.UnknownField), $"spec.{name}",
                    $"unknown field '{name}'; known fields are {string.Join(", ", SpecFields.Keys)}"));
            }
            else if (!HasType(value, type))
            {
                findings.Add(context.Finding(LintSeverity.Error, LintCodes.InvalidManifest, $"spec.{name}", $"must be {Describe(type)}"));
            }
        }

        if (findings.Count > before)
        {
            return null;
        }

        TrustPolicy resource;
        try
        {
            resource = root.Deserialize<TrustPolicy>(KubernetesJson.Options)!;
        }
        catch (JsonException e)
        {
            var field = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            findings.Add(context.Finding(LintSeverity.Error, LintCodes.InvalidManifest, field, "has the wrong type"));
            return null;
        }

        if (string.IsNullOrEmpty(resource.Metadata.Name))
        {
            findings.Add(context.Finding(LintSeverity.Error, LintCodes.InvalidManifest, "metadata", "metadata.name is required"));
            return null;
        }

        // kubectl applies a manifest without a namespace to the context's, usually "default"; serviceAccount needs one.
        resource.Metadata.Namespace ??= "default";
        return resource;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool HasType(JsonNode? value, Type type)
    {
        if (value is null)
        {
            return true;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(string) => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
            _ when target == typeof(long) => value is JsonValue v && v.TryGetValue<long>(out _),
            _ when target == typeof(bool) => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            _ when target == typeof(List<string>) => value is JsonArray a && a.All(i => i is JsonValue s && s.GetValueKind() == JsonValueKind.String),
            _ when target == typeof(Dictionary<string, string>) => value is JsonObject o && o.All(p => p.Value is JsonValue s && s.GetValueKind() == JsonValueKind.String),
            _ => true,
        };
    }

    private static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == typeof(long) ? "a whole number"
            : target == typeof(bool) ? "true or false"
            : target == typeof(List<string>) ? "a list of strings"
            : target == typeof(Dictionary<string, string>) ? "a mapping of strings to strings"
            : "a string";
    }
}
