using System.Security.Cryptography;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing;

namespace GithubSts.IntegrationTests.Tooling;

/// <summary>
/// A machine's apt configuration in a temporary directory (etc/apt with its sources, var/lib/apt, var/cache/apt),
/// which <c>tests/tools/debian-source.sh</c> is pointed at through <c>GITHUBSTS_APT_OPTIONS</c>, so it reads these
/// sources instead of the machine's and trusts no key from the machine.
/// </summary>
internal sealed class TemporaryAptRoot : IDisposable
{
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "tests", "tools", "debian-source.sh");

    public TemporaryAptRoot()
    {
        System.IO.Directory.CreateDirectory(SourceParts);
        System.IO.Directory.CreateDirectory(Path.Combine(Root, "var", "lib", "apt"));
        System.IO.Directory.CreateDirectory(Path.Combine(Root, "var", "cache", "apt"));
        foreach (var directory in new[] { Directory, Root })
        {
            ToolProcess.SetMode(directory, ToolProcess.ReadableByAll);
        }
    }

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "githubsts-aptroot-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Stands for the machine's "/": only etc/apt, var/lib/apt and var/cache/apt are in it.</summary>
    public string Root => Path.Combine(Directory, "root");

    public string SourceList => Path.Combine(Root, "etc", "apt", "sources.list");

    public string SourceParts => Path.Combine(Root, "etc", "apt", "sources.list.d");

    /// <summary>Where the script keeps its own source list, lists and caches (outside <see cref="Root"/>).</summary>
    public string PrivateDirectory => Path.Combine(Directory, "private");

    /// <summary>Where fetched source packages are unpacked.</summary>
    public string Destination => Path.Combine(Directory, "dest");

    public string[] AptOptions =>
    [
        "-o", "Dir::Etc=" + Path.Combine(Root, "etc", "apt"),
        "-o", "Dir::State=" + Path.Combine(Root, "var", "lib", "apt"),
        "-o", "Dir::Cache=" + Path.Combine(Root, "var", "cache", "apt"),
    ];

    public TemporaryAptRoot WithSourceList(string content)
    {
        File.WriteAllText(SourceList, content);
        return this;
    }

    public TemporaryAptRoot WithSourcePart(string name, string content)
    {
        File.WriteAllText(Path.Combine(SourceParts, name), content);
        return this;
    }

    /// <summary>Runs <c>debian-source.sh</c> with these sources as the machine's.</summary>
    public Task<ToolResult> RunScriptAsync(params string[] args) =>
        ToolProcess.RunAsync("bash", [Script, .. args], Directory, new Dictionary<string, string?>
        {
            ["GITHUBSTS_APT_OPTIONS"] = string.Join(' ', AptOptions),
            ["GITHUBSTS_APT_DIR"] = PrivateDirectory,
        });

    public Task<ToolResult> FetchAsync(string package = LocalDebianRepository.PackageName) =>
        RunScriptAsync("fetch", package, LocalDebianRepository.Suite, LocalDebianRepository.Component, Destination);

    /// <summary>apt-get as the machine would run it on these sources (no private list).</summary>
    public Task<ToolResult> MachineAptGetAsync(params string[] args) => ToolProcess.RunAsync("apt-get", [.. AptOptions, .. args]);

    /// <summary>The private source file the script wrote (the only file in its sources.list.d).</summary>
    public string PrivateSourceFile() => Assert.Single(System.IO.Directory.GetFiles(Path.Combine(PrivateDirectory, "sources.list.d")));

    /// <summary>Every file under <see cref="Root"/> with its SHA-256: equal before and after means nothing was changed.</summary>
    public IReadOnlyDictionary<string, string> Snapshot() =>
        System.IO.Directory.GetFiles(Root, "*", SearchOption.AllDirectories)
            .Concat(System.IO.Directory.GetDirectories(Root, "*", SearchOption.AllDirectories).Select(directory => directory + "/"))
            .Order(StringComparer.Ordinal)
            .ToDictionary(path => path, path => path.EndsWith('/') ? "directory" : Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), StringComparer.Ordinal);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
