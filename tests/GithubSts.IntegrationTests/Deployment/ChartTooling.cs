using System.Text.Json.Nodes;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing;
using GithubSts.Testing.Kubernetes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace GithubSts.IntegrationTests.Deployment;

/// <summary>helm (from <c>$GITHUBSTS_CACHE/bin/helm</c>, else PATH) and YAML → JSON helpers for the chart tests.</summary>
internal static class ChartTooling
{
    public const string ChartReleaseName = "github-sts";
    private static readonly Lazy<string?> HelmBinary = new(FindHelm);

    public static string RepositoryRoot => RepositoryPaths.Root;

    public static string ChartDirectory => Path.Combine(RepositoryRoot, "charts", "github-sts");

    /// <summary>Null when helm is installed; otherwise why chart tests are skipped.</summary>
    public static string? MissingHelmReason => HelmBinary.Value is null
        ? "helm not found (run tests/tools/install-test-dependencies.sh; it caches helm in $GITHUBSTS_CACHE/bin)"
        : null;

    public static async Task<string> HelmAsync(params string[] args)
    {
        var home = Path.Combine(Path.GetTempPath(), "githubsts-helm-home");
        var result = await ToolProcess.RunAsync(HelmBinary.Value ?? throw new InvalidOperationException(MissingHelmReason), args, environment: new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = null,
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        });
        return result.ExitCode == 0
            ? result.StandardOutput
            : throw new HelmException($"helm {string.Join(' ', args)} failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
    }

    /// <summary><c>helm template</c> of the chart as release <see cref="ChartReleaseName"/> in namespace github-sts.</summary>
    public static async Task<List<JsonObject>> RenderAsync(params string[] set)
    {
        List<string> args = ["template", ChartReleaseName, ChartDirectory, "--namespace", "github-sts"];
        foreach (var value in set)
        {
            args.Add("--set");
            args.Add(value);
        }

        return ParseDocuments(await HelmAsync([.. args]));
    }

    public static List<JsonObject> ParseDocuments(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var documents = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (ToJson(deserializer.Deserialize<object?>(parser)) is JsonObject document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static List<JsonObject> ParseFiles(string directory) =>
        [.. Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).SelectMany(f => ParseDocuments(File.ReadAllText(f)))];

    /// <summary>Scalars stay strings (as YAML reads them untyped), maps get ordinally sorted keys: a canonical form.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map
            .Select(kv => KeyValuePair.Create(Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture)!, ToJson(kv.Value)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)),
        IEnumerable<object?> list => new JsonArray([.. list.Select(ToJson)]),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    public static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string? name = null) =>
        Assert.Single(objects, o => (string?)o["kind"] == kind && (name is null || (string?)o["metadata"]?["name"] == name));

    public static string Key(JsonObject o) => $"{o["kind"]}/{o["metadata"]?["namespace"]}/{o["metadata"]?["name"]}";

    private static string? FindHelm()
    {
        var cache = Environment.GetEnvironmentVariable("GITHUBSTS_CACHE") is { Length: > 0 } c ? c : "/var/cache/githubsts";
        var cached = Path.Combine(cache, "bin", "helm");
        if (File.Exists(cached))
        {
            return cached;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "helm"))
            .FirstOrDefault(File.Exists);
    }
}

internal sealed class HelmException(string message) : Exception(message);

/// <summary>A fact that needs helm; skipped, with the reason, when helm is not installed.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class HelmFactAttribute : FactAttribute
{
    public HelmFactAttribute()
    {
        if (ChartTooling.MissingHelmReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs helm, etcd and kube-apiserver; skipped, with the reason, when one is missing.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class HelmKubernetesFactAttribute : FactAttribute
{
    public HelmKubernetesFactAttribute()
    {
        if ((ChartTooling.MissingHelmReason ?? KubeApiServer.MissingComponentsReason) is { } reason)
        {
            Skip = reason;
        }
    }
}
