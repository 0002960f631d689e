using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

public class PatternParserTests
{
    [Fact]
    public void Alternation_groups_and_quantifiers_shape_the_tree()
    {
        var node = PatternParser.Parse("a(b|c)+d");

        var sequence = Assert.IsType<PatternSequence>(node);
        Assert.Equal(3, sequence.Items.Count);
        var repeat = Assert.IsType<PatternRepeat>(sequence.Items[1]);
        Assert.Equal(1, repeat.Min);
        Assert.Null(repeat.Max);
        Assert.Equal(2, Assert.IsType<PatternAlternation>(repeat.Body).Branches.Count);
    }

    [Theory]
    [InlineData("[a-z]", 'q', true)]
    [InlineData("[a-z]", '/', false)]
    [InlineData("[^a-z]", '/', true)]
    [InlineData(@"[\]]", ']', true)]
    [InlineData(@"[\x2f]", '/', true)]
    [InlineData(@"[.-0]", '/', true)] // '.' through '0' includes '/'
    [InlineData("[a-]", '-', true)]
    [InlineData("[-a]", '-', true)]
    [InlineData(@"[\-]", '-', true)]
    public void Character_classes_are_exact_sets(string pattern, char probe, bool contains)
    {
        var atom = Assert.IsType<PatternCharSet>(PatternParser.Parse(pattern));

        Assert.Equal(PatternAtomKind.CharacterClass, atom.Kind);
        Assert.Equal(contains, atom.Set.Contains(probe));
    }

    [Theory]
    [InlineData("a{2}", 2, 2)]
    [InlineData("a{2,}", 2, null)]
    [InlineData("a{2,5}?", 2, 5)]
    [InlineData("a{0,100}", 0, 100)]
    [InlineData("a*?", 0, null)]
    [InlineData("a??", 0, 1)]
    public void Quantifiers_carry_their_bounds(string pattern, int min, int? max)
    {
        var repeat = Assert.IsType<PatternRepeat>(PatternParser.Parse(pattern));

        Assert.Equal(min, repeat.Min);
        Assert.Equal(max, repeat.Max);
    }

    [Theory]
    [InlineData(@"\x2F", '/')]
    [InlineData(@"\u002F", '/')]
    [InlineData(@"\/", '/')]
    [InlineData(@"\t", '\t')]
    [InlineData(@"\.", '.')]
    public void Escapes_stand_for_one_character(string pattern, char value)
    {
        var atom = Assert.IsType<PatternCharSet>(PatternParser.Parse(pattern));

        Assert.Equal(PatternAtomKind.Escape, atom.Kind);
        Assert.True(atom.Set.Contains(value));
        Assert.False(atom.Set.IsWide);
    }

    [Fact]
    public void Offsets_point_at_the_node()
    {
        var sequence = Assert.IsType<PatternSequence>(PatternParser.Parse("ab(c|d)"));

        Assert.Equal(3, Assert.IsType<PatternAlternation>(sequence.Items[2]).Offset);
    }
}
