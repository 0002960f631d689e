using System.Globalization;
using System.Security.Cryptography;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests.Tooling;

/// <summary>
/// A signed Debian repository on disk (suite bookworm, component main) holding one native source package, built
/// with gpg and dpkg-dev, so apt-get update and apt-get source run for real with no network. Its key is only in
/// <see cref="Keyring"/>: apt verifies the repository only through a Signed-By that names that file.
/// </summary>
public sealed class LocalDebianRepository : IAsyncLifetime
{
    public const string Suite = "bookworm";
    public const string Component = "main";
    public const string PackageName = "githubsts-probe";
    public const string PackageVersion = "1.0";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "githubsts-debrepo-" + Guid.NewGuid().ToString("N")[..8]);

    public string RepositoryPath => Path.Combine(Directory, "repo");

    /// <summary>The repository as an apt URI.</summary>
    public string Uri => "file:" + RepositoryPath;

    /// <summary>The public key that signed the repository.</summary>
    public string Keyring => Path.Combine(Directory, "keyring.gpg");

    /// <summary>A public key that did not sign it.</summary>
    public string OtherKeyring => Path.Combine(Directory, "other-keyring.gpg");

    public async Task InitializeAsync()
    {
        if (ToolProcess.MissingDebianToolsReason is not null)
        {
            return;
        }

        // apt drops to the _apt user for file: URIs too: every directory on the way must be readable by others.
        System.IO.Directory.CreateDirectory(Directory);
        ToolProcess.SetMode(Directory, ToolProcess.ReadableByAll);
        var signer = await CreateKeyAsync("signer", Keyring);
        await CreateKeyAsync("other", OtherKeyring);

        var pool = Path.Combine(RepositoryPath, "pool", Component, "g", PackageName);
        System.IO.Directory.CreateDirectory(pool);
        await BuildSourcePackageAsync(pool);

        var dists = Path.Combine(RepositoryPath, "dists", Suite);
        var sources = Path.Combine(dists, Component, "source", "Sources");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(sources)!);
        await File.WriteAllTextAsync(sources, await ToolProcess.RunCheckedAsync("dpkg-scansources", ["pool"], RepositoryPath));

        var bytes = await File.ReadAllBytesAsync(sources);
        var date = TimeProvider.System.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var release = Path.Combine(dists, "Release");
        await File.WriteAllTextAsync(release, $"""
            Origin: GithubSts test
            Suite: {Suite}
            Codename: {Suite}
            Components: {Component}
            Date: {date}
            SHA256:
             {Convert.ToHexStringLower(SHA256.HashData(bytes))} {bytes.Length} {Component}/source/Sources

            """);
        await ToolProcess.RunCheckedAsync("gpg", [.. signer, "--clearsign", "-o", Path.Combine(dists, "InRelease"), release]);
    }

    public async Task DisposeAsync()
    {
        if (ToolProcess.MissingDebianToolsReason is not null)
        {
            return;
        }

        foreach (var home in new[] { "signer", "other" })
        {
            await ToolProcess.RunAsync("gpgconf", ["--homedir", Path.Combine(Directory, "gnupg-" + home), "--kill", "all"]);
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Makes a signing key in its own GnuPG home, exports its public key to KEYRING; returns gpg's arguments for that home.</summary>
    private async Task<string[]> CreateKeyAsync(string name, string keyring)
    {
        var home = Path.Combine(Directory, "gnupg-" + name);
        System.IO.Directory.CreateDirectory(home);
        ToolProcess.SetMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string[] gpg = ["--batch", "--homedir", home, "--passphrase", ""];
        await ToolProcess.RunCheckedAsync("gpg", [.. gpg, "--quick-gen-key", $"GithubSts {name} <{name}@example.invalid>", "ed25519", "sign", "never"]);
        await ToolProcess.RunCheckedAsync("gpg", [.. gpg, "--output", keyring, "--export"]);
        return gpg;
    }

    private async Task BuildSourcePackageAsync(string pool)
    {
        var build = Path.Combine(Directory, "build");
        var tree = Path.Combine(build, $"{PackageName}-{PackageVersion}");
        System.IO.Directory.CreateDirectory(Path.Combine(tree, "debian", "source"));
        await File.WriteAllTextAsync(Path.Combine(tree, "debian", "source", "format"), "3.0 (native)\n");
        await File.WriteAllTextAsync(Path.Combine(tree, "debian", "control"), $"""
            Source: {PackageName}
            Maintainer: GithubSts <test@example.invalid>
            Standards-Version: 4.6.2

            Package: {PackageName}
            Architecture: all
            Description: probe for the installer tests
             A source package that only the installer tests fetch.

            """);
        await File.WriteAllTextAsync(Path.Combine(tree, "debian", "changelog"), $"""
            {PackageName} ({PackageVersion}) {Suite}; urgency=low

              * Probe.

             -- GithubSts <test@example.invalid>  Wed, 02 Dec 2026 00:00:00 +0000

            """);
        await File.WriteAllTextAsync(Path.Combine(tree, "README"), "fetched\n");
        await ToolProcess.RunCheckedAsync("dpkg-source", ["-b", Path.GetFileName(tree)], build);
        foreach (var file in System.IO.Directory.GetFiles(build, $"{PackageName}_{PackageVersion}*"))
        {
            File.Move(file, Path.Combine(pool, Path.GetFileName(file)));
        }
    }
}
