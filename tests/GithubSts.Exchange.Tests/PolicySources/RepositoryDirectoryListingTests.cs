using System.Text;
using System.Text.Json;
using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.Tests.PolicySources;

public sealed class RepositoryDirectoryListingTests
{
    private static RepositoryDirectoryListing? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return RepositoryDirectoryListing.Parse(document.RootElement);
    }

    [Fact]
    public void Files_and_directories_are_split_by_type()
    {
        var listing = Parse("""[{"name":"a.sts.yaml","type":"file"},{"name":"nested","type":"dir"}]""")!;

        Assert.True(listing.IsComplete);
        Assert.Equal(["a.sts.yaml"], listing.Files);
        Assert.Equal(["nested"], listing.Directories);
        Assert.True(listing.MayContain("a.sts.yaml", isFile: true));
        Assert.False(listing.MayContain("a.sts.yaml", isFile: false));
        Assert.True(listing.MayContain("nested", isFile: false));
        Assert.False(listing.MayContain("missing.sts.yaml", isFile: true));
    }

    [Theory]
    [InlineData("symlink")]
    [InlineData("submodule")]
    [InlineData("FILE")]
    [InlineData("")]
    public void Entries_of_other_types_are_neither_files_nor_directories(string type)
    {
        var listing = Parse($$"""[{"name":"x.sts.yaml","type":"{{type}}"}]""")!;

        Assert.Empty(listing.Files);
        Assert.Empty(listing.Directories);
        Assert.False(listing.MayContain("x.sts.yaml", isFile: true));
        Assert.False(listing.MayContain("x.sts.yaml", isFile: false));
    }

    [Theory]
    [InlineData("A.sts.yaml")]
    [InlineData("a.STS.yaml")]
    [InlineData("A.STS.YAML")]
    public void Names_are_compared_ordinally(string variant)
    {
        // Git paths are case-sensitive: a listing of 'a.sts.yaml' says nothing for 'A.sts.yaml', which does not exist.
        var listing = Parse("""[{"name":"a.sts.yaml","type":"file"}]""")!;

        Assert.False(listing.MayContain(variant, isFile: true));
    }

    [Theory]
    [InlineData("""{"name":"a","type":"file"}""")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void A_non_array_answer_is_not_a_directory(string json)
    {
        Assert.Null(Parse(json));
    }

    [Theory]
    [InlineData("""[1]""")]
    [InlineData("""[null]""")]
    [InlineData("""["a.sts.yaml"]""")]
    [InlineData("""[[]]""")]
    [InlineData("""[{"type":"file"}]""")]
    [InlineData("""[{"name":"a"}]""")]
    [InlineData("""[{"name":1,"type":"file"}]""")]
    [InlineData("""[{"name":"a","type":null}]""")]
    [InlineData("""[{"name":null,"type":"file"}]""")]
    [InlineData("""[{"name":"a","type":["file"]}]""")]
    [InlineData("""[{"name":"ok","type":"file"},{"name":"a","type":{}}]""")]
    public void A_malformed_entry_fails_the_whole_listing(string json)
    {
        Assert.Throws<FormatException>(() => Parse(json));
    }

    [Fact]
    public void An_empty_directory_is_complete_and_contains_nothing()
    {
        var listing = Parse("[]")!;

        Assert.True(listing.IsComplete);
        Assert.False(listing.MayContain("a.sts.yaml", isFile: true));
    }

    [Theory]
    [InlineData(RepositoryDirectoryListing.MaxListedEntries)]
    [InlineData(RepositoryDirectoryListing.MaxListedEntries + 1)]
    [InlineData(20_000)]
    public void A_listing_at_GitHubs_cap_may_be_cut_short_so_any_name_may_exist(int entries)
    {
        var listing = Parse(Entries(entries))!;

        Assert.False(listing.IsComplete);
        Assert.True(listing.MayContain("not-listed.sts.yaml", isFile: true));
        Assert.True(listing.MayContain("not-listed", isFile: false));
    }

    [Fact]
    public void A_listing_just_under_the_cap_is_complete()
    {
        var listing = Parse(Entries(RepositoryDirectoryListing.MaxListedEntries - 1))!;

        Assert.True(listing.IsComplete);
        Assert.True(listing.MayContain("f0.sts.yaml", isFile: true));
        Assert.False(listing.MayContain("not-listed.sts.yaml", isFile: true));
    }

    [Fact]
    public void Entries_of_other_types_count_towards_the_cap()
    {
        // 999 symlinks and one file: GitHub may have cut the listing, so absence proves nothing.
        var json = new StringBuilder("[");
        for (var i = 0; i < RepositoryDirectoryListing.MaxListedEntries - 1; i++)
        {
            json.Append($$"""{"name":"l{{i}}","type":"symlink"},""");
        }

        json.Append("""{"name":"only.sts.yaml","type":"file"}]""");
        var listing = Parse(json.ToString())!;

        Assert.False(listing.IsComplete);
        Assert.Single(listing.Files);
    }

    [Fact]
    public void Duplicate_names_do_not_fail_the_listing()
    {
        var listing = Parse("""[{"name":"a","type":"file"},{"name":"a","type":"file"},{"name":"a","type":"dir"}]""")!;

        Assert.Single(listing.Files);
        Assert.Single(listing.Directories);
    }

    private static string Entries(int count)
    {
        var json = new StringBuilder("[");
        for (var i = 0; i < count; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append($$"""{"name":"f{{i}}.sts.yaml","type":"file","size":1}""");
        }

        return json.Append(']').ToString();
    }
}
