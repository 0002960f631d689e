using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Tests.Configuration;
using GithubSts.Exchange.Webhooks;

namespace GithubSts.Exchange.Tests.Webhooks;

public sealed class WebhookConfigurationTests
{
    [Fact]
    public void Defaults_are_the_documented_path_and_limit_and_no_secret()
    {
        var options = GithubStsConfigurationLoader.Load(null, MinimalEnvironment.Create());
        Assert.Equal(("/github/webhook", 1024 * 1024), (options.Webhook.Path, options.Webhook.MaxBodyBytes));
        Assert.Null(options.Apps[0].WebhookSecret);
    }

    [Fact]
    public void The_secret_comes_from_the_variable_or_a_file_without_its_trailing_newline()
    {
        var environment = MinimalEnvironment.Create();
        environment["GITHUBSTS_GITHUB_WEBHOOK_SECRET"] = "sixteen-chars-ok";
        var body = "{}"u8.ToArray();
        var expected = new WebhookSecret("sixteen-chars-ok").Sign(body);
        Assert.True(GithubStsConfigurationLoader.Load(null, environment).Apps[0].WebhookSecret!.Verifies(body, expected));

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "sixteen-chars-ok\n");
            environment.Remove("GITHUBSTS_GITHUB_WEBHOOK_SECRET");
            environment["GITHUBSTS_GITHUB_WEBHOOK_SECRET_FILE"] = file;
            Assert.True(GithubStsConfigurationLoader.Load(null, environment).Apps[0].WebhookSecret!.Verifies(body, expected));

            environment["GITHUBSTS_GITHUB_WEBHOOK_SECRET"] = "sixteen-chars-ok";
            var both = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment));
            Assert.Contains("webhookSecret", both.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("GITHUBSTS_GITHUB_WEBHOOK_SECRET", "short", "apps[0].webhookSecret")]
    [InlineData("GITHUBSTS_GITHUB_WEBHOOK_SECRET_FILE", "/nonexistent/webhook-secret", "apps[0].webhookSecretFile")]
    [InlineData("GITHUBSTS_WEBHOOK_PATH", "github/webhook", "webhook.path")]
    [InlineData("GITHUBSTS_WEBHOOK_PATH", "/github/../token", "webhook.path")]
    [InlineData("GITHUBSTS_WEBHOOK_PATH", "/token", "webhook.path")]
    [InlineData("GITHUBSTS_WEBHOOK_PATH", "/hook/{id}", "webhook.path")]
    [InlineData("GITHUBSTS_WEBHOOK_MAX_BODY_BYTES", "100", "webhook.maxBodyBytes")]
    [InlineData("GITHUBSTS_WEBHOOK_MAX_BODY_BYTES", "26214401", "webhook.maxBodyBytes")]
    public void Invalid_settings_stop_start_up_naming_the_setting(string variable, string value, string setting)
    {
        var environment = MinimalEnvironment.Create();
        environment[variable] = value;
        var error = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }
}
