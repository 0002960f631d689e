using System.Diagnostics;

namespace GithubSts.IntegrationTests;

/// <summary>The real <c>github-sts</c> executable refuses to start on invalid configuration, naming the setting.</summary>
public sealed class ExecutableTests
{
    [Theory]
    [InlineData(new[] { "GITHUBSTS_GITHUB_APP_ID=1" }, "sts.identifier")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFIER=sts.example.com" }, "apps")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFIER=sts.example.com", "GITHUBSTS_GITHUB_APP_ID=1", "GITHUBSTS_GITHUB_APP_PRIVATE_KEY=/nonexistent.pem" }, "apps[0].privateKey")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFER=typo" }, "GITHUBSTS_STS_IDENTIFER")]
    public async Task Invalid_configuration_stops_startup_naming_the_setting(string[] environment, string setting)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "github-sts.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GITHUBSTS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var pair in environment)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            start.Environment[pair[..equals]] = pair[(equals + 1)..];
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains($"invalid configuration: {setting}", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_config_file_is_reported()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "github-sts.dll"), "--config", "/no/such/github-sts.yaml" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--config: file '/no/such/github-sts.yaml' does not exist", stderr, StringComparison.Ordinal);
    }
}
