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
        Assert.Equal(2, Assert.IsType<PatternAlternation>(repeat.Body).Branches.Count);
    }

    [Theory]
    [InlineData("[]a]", "[]a]")]
    [InlineData("[^]a]", "[^]a]")]
    [InlineData(@"[\]]", @"[\]]")]
    [InlineData("[a-z-[aeiou]]", "[a-z-[aeiou]]")]
    [InlineData("[[:ascii:]", "[[:ascii:]")]
    public void Character_classes_end_where_dotnet_ends_them(string pattern, string classText)
    {
        var atom = Assert.IsType<PatternAtom>(PatternParser.Parse(pattern));

        Assert.Equal(PatternAtomKind.CharacterClass, atom.Kind);
        Assert.Equal(classText, atom.Text);
    }

    [Theory]
    [InlineData("a{2}", true)]
    [InlineData("a{2,}", true)]
    [InlineData("a{2,5}?", true)]
    [InlineData("a{", false)]
    [InlineData("a{,3}", false)]
    [InlineData("a{x}", false)]
    public void Counted_quantifiers_follow_dotnet_rules(string pattern, bool isRepeat)
    {
        var node = PatternParser.Parse(pattern);

        if (isRepeat)
        {
            Assert.IsType<PatternRepeat>(node);
        }
        else
        {
            Assert.IsType<PatternAtom>(Assert.IsType<PatternSequence>(node).Items[0]);
        }
    }

    [Theory]
    [InlineData(@"\x2F", @"\x2F")]
    [InlineData(@"\u002F", @"\u002F")]
    [InlineData(@"\057", @"\057")]
    [InlineData(@"\cA", @"\cA")]
    [InlineData(@"\/", @"\/")]
    public void Escapes_are_read_whole(string pattern, string text)
    {
        var atom = Assert.IsType<PatternAtom>(PatternParser.Parse(pattern));

        Assert.Equal(PatternAtomKind.Escape, atom.Kind);
        Assert.Equal(text, atom.Text);
    }

    [Fact]
    public void Comments_disappear_and_inline_options_are_visible()
    {
        Assert.IsType<PatternAtom>(PatternParser.Parse("(?#note)a"));
        var options = Assert.IsType<PatternInlineOptions>(Assert.IsType<PatternSequence>(PatternParser.Parse("(?i)a")).Items[0]);
        Assert.Equal("i", options.Options);
    }

    [Fact]
    public void Named_groups_keep_their_body()
    {
        var atom = Assert.IsType<PatternAtom>(PatternParser.Parse("(?<name>/)"));

        Assert.Equal("/", atom.Text);
    }
}
