using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GithubSts.Testing;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 13 §1-§2: <c>github-sts policy lint</c> and <c>policy explain</c>, run as the real executable from the
/// inputs directory (so the reported paths are relative and stable), against golden outputs.
/// </summary>
public sealed partial class PolicyCliTests
{
    private const string GoldenDirectory = "tests/GithubSts.IntegrationTests/Golden/PolicyCli";
    private const string NotVerified =
        "NOTE: the token's signature is NOT verified (nor its issuer's trust, expiry or replay): this shows only how the policy judges these claims.";

    [Fact]
    public async Task Lint_reports_a_directory_and_manifests_in_text_with_the_golden_output()
    {
        var (code, output, _) = await RunAsync("policy", "lint", "policies", "invalid", "manifests.yaml");

        Assert.Equal(1, code);
        Golden.AssertMatches($"{GoldenDirectory}/lint-text.txt", output);
    }

    [Fact]
    public async Task Lint_prints_workflow_annotations_for_github()
    {
        var (code, output, _) = await RunAsync("policy", "lint", "--format", "github", "--scope", "octo-org/app", "policies", "invalid");

        Assert.Equal(1, code);
        Golden.AssertMatches($"{GoldenDirectory}/lint-github.txt", output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Matches(Annotation(), line));
        Assert.Contains("::error file=invalid/deploy.sts.yaml,line=5,col=3,title=PermissionOutsideScope::permissions.members: ", output, StringComparison.Ordinal);
        Assert.Contains("::warning file=policies/.github/sts/app/ci.yml,line=1,col=1,title=MisnamedPolicyFile::", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_prints_json()
    {
        var (code, output, _) = await RunAsync("policy", "lint", "--format", "json", "invalid/deploy.sts.yaml", "warning.sts.yaml");

        Assert.Equal(1, code);
        Golden.AssertMatches($"{GoldenDirectory}/lint-json.json", output);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal((2, 3, 1), (root.GetProperty("files").GetInt32(), root.GetProperty("errors").GetInt32(), root.GetProperty("warnings").GetInt32()));
        var first = root.GetProperty("findings")[0];
        Assert.Equal(
            ("error", "PermissionOutsideScope", "invalid/deploy.sts.yaml", 5, 3, "permissions.members"),
            (first.GetProperty("severity").GetString(), first.GetProperty("code").GetString(), first.GetProperty("file").GetString(),
             first.GetProperty("line").GetInt32(), first.GetProperty("column").GetInt32(), first.GetProperty("field").GetString()));
    }

    [Theory]
    [InlineData(0, new[] { "valid.sts.yaml" })]
    [InlineData(0, new[] { "warning.sts.yaml" })]
    [InlineData(1, new[] { "--strict", "warning.sts.yaml" })]
    [InlineData(0, new[] { "one-trustpolicy.yaml" })]
    [InlineData(1, new[] { "valid.sts.yaml", "invalid/typo.sts.yaml" })]
    [InlineData(1, new[] { "--scope", "octo-org", "valid.sts.yaml" })]
    [InlineData(1, new[] { "kind.sts.yaml" })] // read as the server reads it: kind is an unknown field there
    [InlineData(0, new[] { "--help" })]
    [InlineData(2, new string[0])]
    [InlineData(2, new[] { "--format", "xml", "valid.sts.yaml" })]
    [InlineData(2, new[] { "--scope", "not a scope", "valid.sts.yaml" })]
    [InlineData(2, new[] { "no-such-file.sts.yaml" })]
    [InlineData(2, new[] { "--no-such-option", "valid.sts.yaml" })]
    public async Task Lint_exits_0_when_valid_1_when_invalid_and_2_for_usage_errors(int expected, string[] arguments)
    {
        var (code, _, error) = await RunAsync(["policy", "lint", .. arguments]);

        Assert.Equal(expected, code);
        Assert.Equal(expected == 2, error.Contains("github-sts: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_policy_verb_alone_is_a_usage_error()
    {
        var (code, _, error) = await RunAsync("policy");

        Assert.Equal(2, code);
        Assert.Contains("policy --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_allows_matching_claims_and_says_first_that_it_does_not_verify()
    {
        var (code, output, _) = await RunAsync(
            "policy", "explain", "--policy", "valid.sts.yaml", "--claims", "claims-allow.json", "--identity", "valid",
            "--scope", "octo-org/app", "--service-audience", "sts.example.com");

        Assert.Equal(0, code);
        Assert.Equal(NotVerified, output.Split('\n')[0]);
        Golden.AssertMatches($"{GoldenDirectory}/explain-allow.txt", output);
    }

    [Fact]
    public async Task Explain_denies_an_unsigned_token_and_marks_every_rule_it_fails()
    {
        var (code, output, _) = await RunAsync("policy", "explain", "--policy", "valid.sts.yaml", "--token", UnsignedToken("claims-deny.json"));

        Assert.Equal(1, code);
        Assert.Equal(NotVerified, output.Split('\n')[0]);
        Golden.AssertMatches($"{GoldenDirectory}/explain-deny.txt", output);
    }

    [Fact]
    public async Task Explain_takes_a_trust_policy_manifest_and_checks_the_scope_asked_for()
    {
        var (code, output, _) = await RunAsync(
            "policy", "explain", "--policy", "one-trustpolicy.yaml", "--token", UnsignedToken("claims-allow.json"), "--scope", "octo-org/web");

        Assert.Equal(1, code);
        Golden.AssertMatches($"{GoldenDirectory}/explain-manifest.txt", output);
    }

    [Fact]
    public async Task Explain_of_a_policy_the_server_would_not_load_lists_its_errors()
    {
        var (code, output, _) = await RunAsync("policy", "explain", "--policy", "invalid/deploy.sts.yaml", "--claims", "claims-allow.json");

        Assert.Equal(1, code);
        Golden.AssertMatches($"{GoldenDirectory}/explain-invalid.txt", output);
    }

    [Theory]
    [InlineData((object)new[] { "--policy", "valid.sts.yaml" })]
    [InlineData((object)new[] { "--policy", "valid.sts.yaml", "--claims", "claims-allow.json", "--token", "a.b.c" })]
    [InlineData((object)new[] { "--policy", "no-such.sts.yaml", "--claims", "claims-allow.json" })]
    [InlineData((object)new[] { "--policy", "manifests.yaml", "--claims", "claims-allow.json" })]
    [InlineData((object)new[] { "--claims", "claims-allow.json" })]
    public async Task Explain_usage_errors_exit_2(string[] arguments)
    {
        var (code, _, error) = await RunAsync(["policy", "explain", .. arguments]);

        Assert.Equal(2, code);
        Assert.Contains("github-sts: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_reads_the_token_from_standard_input_so_it_stays_out_of_the_process_list()
    {
        var (code, output, _) = await RunWithInputAsync(
            UnsignedToken("claims-allow.json"), "policy", "explain", "--policy", "valid.sts.yaml", "--token", "-", "--service-audience", "sts.example.com");

        Assert.Equal(0, code);
        Assert.EndsWith("verdict: allowed\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_token_is_denied_with_the_reason()
    {
        var (code, output, _) = await RunAsync("policy", "explain", "--policy", "valid.sts.yaml", "--token", "not-a-jwt");

        Assert.Equal(1, code);
        Assert.Contains("✗ token: The token does not have three segments.", output, StringComparison.Ordinal);
    }

    /// <summary>A JWS whose signature is garbage: explain must not care.</summary>
    private static string UnsignedToken(string claimsFile)
    {
        var payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(File.ReadAllText(Path.Combine(Inputs, claimsFile))).RootElement));
        return $"{Base64Url("{\"alg\":\"RS256\",\"kid\":\"k\"}"u8.ToArray())}.{Base64Url(payload)}.{Base64Url("not a signature"u8.ToArray())}";
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string Inputs => Path.Combine(RepositoryPaths.Root, GoldenDirectory, "inputs");

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    private static async Task<(int Code, string Output, string Error)> RunWithInputAsync(string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Inputs,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "github-sts.dll"));
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        // The tools read no configuration: none of the service's settings may change what they print.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GITHUBSTS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output).ReplaceLineEndings("\n"), await error);
    }

    [GeneratedRegex(@"^::(error|warning) file=[^,:]+,line=[0-9]+,col=[0-9]+,title=[A-Za-z]+::\S.*$")]
    private static partial Regex Annotation();
}
