using GithubSts.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Tooling;

/// <summary>
/// <c>tests/tools/debian-source.sh</c>, which the test-dependency installer uses to fetch Debian's kubernetes source
/// package, against apt roots of every form a machine may have (deb822 <c>.sources</c> with Signed-By, one-line
/// <c>sources.list</c>, both, with and without an existing deb-src) and a real signed repository on disk. Every test
/// checks that the machine's apt configuration is byte-for-byte unchanged, and that a failure leaves nothing behind.
/// </summary>
public sealed class DebianSourceScriptTests(LocalDebianRepository repository, ITestOutputHelper output) : IClassFixture<LocalDebianRepository>
{
    /// <summary>Debian's own deb822 file as this project's machines ship it, pointed at the local repository.</summary>
    private string Deb822Machine(string signedBy) => $"""
        Types: deb
        # the machine's mirror
        URIs: {repository.Uri}
        Suites: bookworm bookworm-updates
        Components: main
        Signed-By: {signedBy}

        Types: deb
        URIs: file:/nonexistent/debian-security
        Suites: bookworm-security
        Components: main
        Signed-By: {signedBy}

        """;

    [DebianToolsFact]
    public async Task Deb822_sources_with_Signed_By_give_a_deb822_deb_src_entry_with_the_same_key()
    {
        using var apt = new TemporaryAptRoot().WithSourcePart("debian.sources", Deb822Machine(repository.Keyring));
        var before = apt.Snapshot();

        var result = await FetchSucceedsAsync(apt);

        Assert.Contains("derived from the machine's deb entry at " + Path.Combine(apt.SourceParts, "debian.sources") + ":1", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("githubsts-bookworm-src.sources", Path.GetFileName(apt.PrivateSourceFile()));
        Assert.Equal($"""
            Types: deb-src
            URIs: {repository.Uri}
            Suites: bookworm
            Components: main
            Signed-By: {repository.Keyring}

            """, File.ReadAllText(apt.PrivateSourceFile()));
        Assert.Equal(before, apt.Snapshot());
        await MachineAptStillReadsItsSourcesAsync(apt);
    }

    [DebianToolsFact]
    public async Task A_one_line_sources_list_gives_a_one_line_deb_src_entry_with_its_options()
    {
        using var apt = new TemporaryAptRoot().WithSourceList($"""
            # classic form
            deb [ arch=amd64 signed-by={repository.Keyring} ] {repository.Uri} bookworm main contrib
            """);
        var before = apt.Snapshot();

        await FetchSucceedsAsync(apt);

        Assert.Equal("githubsts-bookworm-src.list", Path.GetFileName(apt.PrivateSourceFile()));
        Assert.Equal($"deb-src [ arch=amd64 signed-by={repository.Keyring} ] {repository.Uri} bookworm main\n", File.ReadAllText(apt.PrivateSourceFile()));
        Assert.Equal(before, apt.Snapshot());
    }

    [DebianToolsFact]
    public async Task Both_forms_together_use_the_entry_apt_reads_first_for_the_suite()
    {
        using var apt = new TemporaryAptRoot()
            .WithSourceList($"deb [signed-by={repository.OtherKeyring}] file:/nonexistent/other bookworm-backports main\n")
            .WithSourcePart("debian.sources", Deb822Machine(repository.Keyring));
        var before = apt.Snapshot();

        var result = await FetchSucceedsAsync(apt);

        Assert.Contains("debian.sources:1", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, apt.Snapshot());
        await MachineAptStillReadsItsSourcesAsync(apt);
    }

    [DebianToolsFact]
    public async Task An_existing_deb822_deb_src_entry_is_used_as_it_is()
    {
        // The deb entry names a key that did not sign the repository: only the deb-src entry's own key works.
        using var apt = new TemporaryAptRoot()
            .WithSourcePart("debian.sources", $"""
                Types: deb
                URIs: file:/nonexistent/binary-only
                Suites: bookworm
                Components: main
                Signed-By: {repository.OtherKeyring}

                Types: deb-src
                URIs: {repository.Uri}
                Suites: bookworm
                Components: main contrib
                Signed-By: {repository.Keyring}
                """);
        var before = apt.Snapshot();

        var result = await FetchSucceedsAsync(apt);

        Assert.Contains("derived from the machine's deb-src entry at " + Path.Combine(apt.SourceParts, "debian.sources") + ":2", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, apt.Snapshot());
    }

    [DebianToolsFact]
    public async Task An_existing_one_line_deb_src_entry_is_used_as_it_is()
    {
        using var apt = new TemporaryAptRoot()
            .WithSourceList($"""
                deb [signed-by={repository.OtherKeyring}] file:/nonexistent/binary-only bookworm main
                deb-src [signed-by={repository.Keyring}] {repository.Uri} bookworm main
                """)
            .WithSourcePart("debian.sources", Deb822Machine(repository.OtherKeyring).Replace(repository.Uri, "file:/nonexistent/mirror", StringComparison.Ordinal));

        var result = await FetchSucceedsAsync(apt);

        Assert.Contains("derived from the machine's deb-src entry at " + apt.SourceList + ":2", result.StandardError, StringComparison.Ordinal);
        Assert.Equal($"deb-src [signed-by={repository.Keyring}] {repository.Uri} bookworm main\n", File.ReadAllText(apt.PrivateSourceFile()));
    }

    [DebianToolsFact]
    public async Task A_disabled_deb_src_entry_is_ignored_as_apt_ignores_it()
    {
        using var apt = new TemporaryAptRoot()
            .WithSourcePart("a-disabled.sources", """
                Types: deb-src
                URIs: file:/nonexistent/disabled
                Suites: bookworm
                Components: main
                Enabled: no
                """)
            .WithSourcePart("debian.sources", Deb822Machine(repository.Keyring));

        var result = await FetchSucceedsAsync(apt);

        Assert.Contains("machine's deb entry at " + Path.Combine(apt.SourceParts, "debian.sources"), result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("disabled", File.ReadAllText(apt.PrivateSourceFile()), StringComparison.Ordinal);
    }

    [DebianToolsFact]
    public async Task The_line_earlier_versions_added_breaks_apt_on_this_machine_form_and_is_removed()
    {
        // The bug being fixed: a one-line deb-src without Signed-By beside Debian's deb822 entry with Signed-By.
        var machine = Deb822Machine("/usr/share/keyrings/debian-archive-keyring.gpg").Replace(repository.Uri, "http://deb.debian.org/debian", StringComparison.Ordinal);
        using var apt = new TemporaryAptRoot()
            .WithSourcePart("debian.sources", machine)
            .WithSourcePart("githubsts-bookworm-src.list", "deb-src http://deb.debian.org/debian bookworm main\n");
        var broken = await apt.MachineAptGetAsync("indextargets");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("Conflicting values set for option Signed-By", broken.StandardError, StringComparison.Ordinal);

        var result = await apt.RunScriptAsync("forget-legacy-entry");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("removed " + Path.Combine(apt.SourceParts, "githubsts-bookworm-src.list"), result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["debian.sources"], Directory.GetFiles(apt.SourceParts).Select(Path.GetFileName));
        await MachineAptStillReadsItsSourcesAsync(apt);
    }

    [DebianToolsFact]
    public async Task A_file_of_that_name_with_other_content_is_not_ours_and_is_kept()
    {
        using var apt = new TemporaryAptRoot()
            .WithSourcePart("githubsts-bookworm-src.list", $"deb-src [signed-by={repository.Keyring}] {repository.Uri} bookworm main\n");
        var before = apt.Snapshot();

        var result = await apt.RunScriptAsync("forget-legacy-entry");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(before, apt.Snapshot());
    }

    [DebianToolsFact]
    public async Task A_repository_signed_by_another_key_fails_and_leaves_nothing_behind()
    {
        using var apt = new TemporaryAptRoot().WithSourcePart("debian.sources", Deb822Machine(repository.OtherKeyring));
        var before = apt.Snapshot();

        var result = await FetchFailsAsync(apt, "apt-get update with a deb-src entry for bookworm/main failed");

        Assert.Contains("NO_PUBKEY", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Signed-By: " + repository.OtherKeyring, result.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, apt.Snapshot());
    }

    [DebianToolsFact]
    public async Task A_repository_without_Signed_By_is_verified_against_the_machine_keys_only()
    {
        // The temporary root trusts no key at all: the copied entry must not make the unsigned-for-us repository pass.
        using var apt = new TemporaryAptRoot().WithSourceList($"deb {repository.Uri} bookworm main\n");

        await FetchFailsAsync(apt, "apt-get update with a deb-src entry for bookworm/main failed");
    }

    [DebianToolsFact]
    public async Task An_unreachable_mirror_fails_and_leaves_nothing_behind()
    {
        using var apt = new TemporaryAptRoot().WithSourcePart("debian.sources", Deb822Machine(repository.Keyring).Replace(repository.Uri, "file:/nonexistent/mirror", StringComparison.Ordinal));

        var result = await FetchFailsAsync(apt, "apt-get update with a deb-src entry for bookworm/main failed");

        Assert.Contains("does not have a Release file", result.StandardError, StringComparison.Ordinal);
    }

    [DebianToolsFact]
    public async Task A_package_the_index_lacks_fails_and_leaves_nothing_behind()
    {
        using var apt = new TemporaryAptRoot().WithSourcePart("debian.sources", Deb822Machine(repository.Keyring));

        await FetchFailsAsync(apt, "has no source package no-such-package", "no-such-package");
    }

    [DebianToolsFact]
    public async Task Machine_sources_apt_cannot_read_are_reported_and_nothing_is_created()
    {
        using var apt = new TemporaryAptRoot()
            .WithSourceList($"deb [signed-by={repository.Keyring}] {repository.Uri} bookworm main\n")
            .WithSourcePart("debian.sources", Deb822Machine(repository.OtherKeyring));
        var before = apt.Snapshot();

        var result = await apt.FetchAsync();

        output.WriteLine(result.Output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the machine's apt sources cannot be read", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Conflicting values set for option Signed-By", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(apt.PrivateDirectory));
        Assert.Equal(before, apt.Snapshot());
    }

    [DebianToolsFact]
    public async Task A_machine_without_a_Debian_entry_falls_back_to_Debians_mirror_and_archive_key()
    {
        using var apt = new TemporaryAptRoot().WithSourceList("deb [signed-by=/usr/share/keyrings/other.gpg] http://vendor.example/apt stable main\n");

        var result = await apt.RunScriptAsync("entry", "bookworm", "main");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("the machine has no apt entry for bookworm/main", result.StandardError, StringComparison.Ordinal);
    }

    [DebianToolsFact]
    public async Task Usage_errors_exit_2()
    {
        using var apt = new TemporaryAptRoot();

        Assert.Equal(2, (await apt.RunScriptAsync()).ExitCode);
        Assert.Equal(2, (await apt.RunScriptAsync("fetch", "only-a-package")).ExitCode);
        Assert.Equal(2, (await apt.RunScriptAsync("entry", "bookworm")).ExitCode);
    }

    private async Task<ToolResult> FetchSucceedsAsync(TemporaryAptRoot apt)
    {
        var result = await apt.FetchAsync();
        output.WriteLine(result.Output);
        Assert.Equal(0, result.ExitCode);
        var unpacked = Path.Combine(apt.Destination, $"{LocalDebianRepository.PackageName}-{LocalDebianRepository.PackageVersion}");
        Assert.Equal("fetched\n", File.ReadAllText(Path.Combine(unpacked, "README")));
        return result;
    }

    private async Task<ToolResult> FetchFailsAsync(TemporaryAptRoot apt, string reason, string package = LocalDebianRepository.PackageName)
    {
        var before = apt.Snapshot();
        var result = await apt.FetchAsync(package);
        output.WriteLine(result.Output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("removed " + apt.PrivateDirectory + "; the machine's apt configuration was not changed", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(apt.PrivateDirectory));
        Assert.False(Directory.Exists(apt.Destination) && Directory.EnumerateFileSystemEntries(apt.Destination).Any());
        Assert.Equal(before, apt.Snapshot());
        return result;
    }

    private static async Task MachineAptStillReadsItsSourcesAsync(TemporaryAptRoot apt)
    {
        var read = await apt.MachineAptGetAsync("indextargets", "--no-release-info");
        Assert.True(read.ExitCode == 0, read.Output);
    }
}
