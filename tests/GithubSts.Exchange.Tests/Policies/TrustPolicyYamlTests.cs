using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Tests.Policies;

public class TrustPolicyYamlTests
{
    [Fact]
    public void Parses_every_field()
    {
        var definition = TrustPolicyYaml.Parse("""
            # comment lines are fine
            issuer_pattern: 'https://token\.actions\.githubusercontent\.com'
            subject_pattern: "repo:org/repo:ref:refs/heads/[a-z]+"
            audience: sts.example.com
            claim_pattern:
              workflow_ref: 'org/repo/\.github/workflows/release\.yml@refs/heads/main'
              repository_id: "123"
            permissions:
              contents: read
              pull_requests: write
            repositories:
              - app
              - docs
            max_token_lifetime: 3600
            """);

        Assert.Null(definition.Issuer);
        Assert.Equal(@"https://token\.actions\.githubusercontent\.com", definition.IssuerPattern);
        Assert.Equal("repo:org/repo:ref:refs/heads/[a-z]+", definition.SubjectPattern);
        Assert.Equal("sts.example.com", definition.Audience);
        Assert.Equal("123", definition.ClaimPatterns!["repository_id"]);
        Assert.Equal("write", definition.Permissions!["pull_requests"]);
        Assert.Equal(["app", "docs"], definition.Repositories!);
        Assert.Equal(3600, definition.MaxTokenLifetimeSeconds);
    }

    [Fact]
    public void Absent_fields_stay_null()
    {
        var definition = TrustPolicyYaml.Parse("issuer: a\nsubject: b\n");

        Assert.Null(definition.ClaimPatterns);
        Assert.Null(definition.Permissions);
        Assert.Null(definition.Repositories);
        Assert.Null(definition.MaxTokenLifetimeSeconds);
    }

    [Fact]
    public void Plain_scalars_keep_their_written_text()
    {
        var definition = TrustPolicyYaml.Parse("issuer: a\nsubject: 0123\nclaim_pattern:\n  flag: true\n");

        Assert.Equal("0123", definition.Subject);
        Assert.Equal("true", definition.ClaimPatterns!["flag"]);
    }

    [Theory]
    [InlineData("subjet: x", "subjet")]
    [InlineData("Subject: x", "Subject")]
    [InlineData("subject-pattern: x", "subject-pattern")]
    [InlineData("allowed_repositories: [a]", "allowed_repositories")]
    public void Unknown_top_level_key_is_an_error(string line, string field)
    {
        var error = ParseError("issuer: a\n" + line + "\n");

        Assert.Equal(PolicyErrorCode.UnknownField, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Contains("line 2, column 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hyphenated_top_level_key_suggests_the_snake_case_name()
    {
        var error = ParseError("max-token-lifetime: 60\n");

        Assert.Contains("did you mean max_token_lifetime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hyphenated_permission_fails_compilation_with_a_suggestion()
    {
        var errors = PolicyTestKit.CompileErrors("issuer: a\nsubject: b\npermissions:\n  pull-requests: write\n");

        var error = Assert.Single(errors);
        Assert.Equal(PolicyErrorCode.UnknownPermission, error.Code);
        Assert.Equal("permissions.pull-requests", error.Field);
        Assert.Contains("pull_requests", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("issuer: a\nissuer: b\n", "issuer", 2)]
    [InlineData("permissions:\n  contents: read\n  contents: write\n", "permissions.contents", 3)]
    [InlineData("claim_pattern:\n  x: a\n  'x': b\n", "claim_pattern.x", 3)]
    public void Duplicate_keys_are_errors(string yaml, string field, int line)
    {
        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Contains("duplicate key", error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line},", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_bomb_is_rejected_at_the_first_anchor()
    {
        // The "billion laughs" shape: each level doubles the previous one through aliases.
        var yaml = "repositories: &a [lol, lol]\nclaim_pattern: &b {x: [*a, *a]}\npermissions: &c {y: [*b, *b]}\nissuer: *c\n";

        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Contains("anchors", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("issuer: &x a\n", "anchors")]
    [InlineData("issuer: a\nsubject: *x\n", "alias")]
    [InlineData("issuer: !!str a\n", "tags")]
    [InlineData("issuer: !custom a\n", "tags")]
    public void Anchors_aliases_and_tags_are_rejected(string yaml, string expected)
    {
        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_megabyte_file_is_rejected_before_parsing()
    {
        var yaml = "issuer: a\nsubject: b\n# " + new string('x', 2 * 1024 * 1024) + "\n";

        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Contains("larger than 65536 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_limit_counts_utf8_bytes()
    {
        // 30 000 three-byte characters: under the limit in UTF-16 code units, over it in bytes.
        var yaml = "issuer: a\n# " + new string('€', 30_000) + "\n";

        Assert.Equal(PolicyErrorCode.InvalidYaml, ParseError(yaml).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void Empty_document_is_rejected(string yaml)
    {
        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("just a string\n", "mapping")]
    [InlineData("- issuer: a\n", "mapping")]
    [InlineData("issuer: a\n---\nissuer: b\n", "exactly one YAML document")]
    public void Top_level_must_be_a_single_mapping(string yaml, string expected)
    {
        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("issuer: [a]\n", "issuer", "a list")]
    [InlineData("subject:\n  nested: x\n", "subject", "a mapping")]
    [InlineData("subject:\n", "subject", "null")]
    [InlineData("subject: ~\n", "subject", "null")]
    [InlineData("permissions: read\n", "permissions", "a string")]
    [InlineData("permissions:\n  - contents\n", "permissions", "a list")]
    [InlineData("permissions:\n  contents: [read]\n", "permissions.contents", "a list")]
    [InlineData("permissions:\n  contents:\n", "permissions.contents", "null")]
    [InlineData("claim_pattern: x\n", "claim_pattern", "a string")]
    [InlineData("claim_pattern:\n  env:\n    a: b\n", "claim_pattern.env", "a mapping")]
    [InlineData("repositories: app\n", "repositories", "a string")]
    [InlineData("repositories:\n  - [app]\n", "repositories[0]", "a list")]
    [InlineData("repositories:\n  - a\n  -\n", "repositories[1]", "null")]
    public void Wrong_types_are_rejected(string yaml, string field, string found)
    {
        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Contains(found, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_token_lifetime: 1h\n")]
    [InlineData("max_token_lifetime: '3600'\n")]
    [InlineData("max_token_lifetime: 36.5\n")]
    [InlineData("max_token_lifetime: 1e3\n")]
    [InlineData("max_token_lifetime: 0x10\n")]
    [InlineData("max_token_lifetime: 99999999999999999999999\n")]
    [InlineData("max_token_lifetime: [1]\n")]
    [InlineData("max_token_lifetime:\n")]
    public void Lifetime_must_be_a_plain_integer(string yaml)
    {
        var error = ParseError(yaml);

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Equal("max_token_lifetime", error.Field);
    }

    [Fact]
    public void Negative_lifetime_parses_and_is_left_to_the_compiler()
    {
        Assert.Equal(-5, TrustPolicyYaml.Parse("max_token_lifetime: -5\n").MaxTokenLifetimeSeconds);
    }

    [Fact]
    public void Syntax_errors_carry_line_and_column()
    {
        var error = ParseError("issuer: a\nsubject: \"unterminated\n");

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Matches(@"\(line [0-9]+, column [0-9]+\)\z", error.Message);
    }

    [Fact]
    public void Malformed_flow_collections_are_format_errors_not_crashes()
    {
        // YamlDotNet throws InvalidOperationException for this input rather than a YamlException.
        var yaml = "issuer: https://a\nsubject: b\npermissions:\n  [contents: read\nrepositories: [a, b]\nclaim_pattern: {x:? 'y'}\n";

        Assert.Equal(PolicyErrorCode.InvalidYaml, ParseError(yaml).Code);
    }

    [Fact]
    public void Complex_keys_are_rejected()
    {
        var error = ParseError("? [a, b]\n: c\n");

        Assert.Equal(PolicyErrorCode.InvalidYaml, error.Code);
        Assert.Contains("keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flow_style_is_accepted()
    {
        var definition = TrustPolicyYaml.Parse("{issuer: a, subject: b, permissions: {contents: read}, repositories: [x, y]}");

        Assert.Equal("read", definition.Permissions!["contents"]);
        Assert.Equal(["x", "y"], definition.Repositories!);
    }

    [Fact]
    public void Empty_list_and_map_parse_as_empty()
    {
        var definition = TrustPolicyYaml.Parse("permissions: {}\nrepositories: []\nclaim_pattern: {}\n");

        Assert.Empty(definition.Permissions!);
        Assert.Empty(definition.Repositories!);
        Assert.Empty(definition.ClaimPatterns!);
    }

    [Fact]
    public void Deep_nesting_fails_fast_at_the_first_unexpected_node()
    {
        var yaml = "subject: " + new string('[', 20_000) + new string(']', 20_000) + "\n";

        Assert.Equal(PolicyErrorCode.InvalidYaml, ParseError(yaml).Code);
    }

    private static PolicyError ParseError(string yaml) =>
        Assert.Throws<PolicyFormatException>(() => TrustPolicyYaml.Parse(yaml)).Error;
}
