using System.Security.Cryptography;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.GitHub.Signing;

namespace GithubSts.Exchange.Tests.Configuration;

/// <summary>Issue 11 §5: <c>apps[].signer</c> names a KMS instead of a key; exactly one of the two, checked before start.</summary>
public sealed class SignerConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-signer").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void An_app_may_name_an_aws_kms_signer_instead_of_a_key()
    {
        var options = Load("""
            signer:
              kind: aws-kms
              keyId: arn:aws:kms:eu-west-1:111122223333:alias/github-sts
              region: eu-west-1
            """);

        var app = Assert.Single(options.Apps);
        Assert.Equal("aws-kms", app.Credentials.Signer.Kind);
        Assert.True(app.Credentials.HasRemoteSigner);
    }

    [Fact]
    public void A_service_url_may_point_elsewhere()
    {
        var options = Load("""
            signer: {kind: aws-kms, keyId: alias/github-sts, region: eu-west-1, serviceUrl: "https://kms-fips.eu-west-1.amazonaws.com"}
            """);
        Assert.Equal("aws-kms", Assert.Single(options.Apps).Credentials.Signer.Kind);
    }

    [Fact]
    public void A_key_and_a_signer_together_are_refused()
    {
        var keyPath = Path.Combine(_directory, "key.pem");
        File.WriteAllText(keyPath, MinimalEnvironment.AppKeyPem);
        var e = Assert.Throws<ConfigurationException>(() => Load($"""
            privateKey: {keyPath}
            signer: {"{"}kind: aws-kms, keyId: alias/github-sts, region: eu-west-1{"}"}
            """));
        Assert.StartsWith("apps[0].signer", e.Message, StringComparison.Ordinal);
        Assert.Contains("not both", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_a_key_nor_a_signer_is_refused()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load("apiUrl: https://api.github.com"));
        Assert.StartsWith("apps[0].privateKey", e.Message, StringComparison.Ordinal);
        Assert.Contains("signer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{kind: gcp-kms, keyId: k, region: eu-west-1}", "apps[0].signer.kind")]
    [InlineData("{kind: AWS-KMS, keyId: k, region: eu-west-1}", "apps[0].signer.kind")]
    [InlineData("{keyId: k, region: eu-west-1}", "apps[0].signer.kind")]
    [InlineData("{kind: aws-kms, region: eu-west-1}", "apps[0].signer.keyId")]
    [InlineData("{kind: aws-kms, keyId: 'alias/a b', region: eu-west-1}", "apps[0].signer.keyId")]
    [InlineData("{kind: aws-kms, keyId: k}", "apps[0].signer.region")]
    [InlineData("{kind: aws-kms, keyId: k, region: EU_WEST}", "apps[0].signer.region")]
    [InlineData("{kind: aws-kms, keyId: k, region: eu-west-1, serviceUrl: 'http://kms.example.com'}", "apps[0].signer.serviceUrl")]
    [InlineData("{kind: aws-kms, keyId: k, region: eu-west-1, serviceUrl: 'https://u:p@kms.example.com'}", "apps[0].signer.serviceUrl")]
    [InlineData("{kind: aws-kms, keyId: k, region: eu-west-1, serviceUrl: 'kms.example.com'}", "apps[0].signer.serviceUrl")]
    public void Invalid_signers_stop_startup_naming_the_field(string signer, string setting)
    {
        var e = Assert.Throws<ConfigurationException>(() => Load("signer: " + signer));
        Assert.StartsWith(setting, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_signer_fields_are_refused()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load("signer: {kind: aws-kms, keyId: k, region: eu-west-1, secretKey: x}"));
        Assert.Contains("secretKey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kms_refusals_and_outages_are_told_apart()
    {
        Assert.Equal(AppSignerFailure.AccessDenied, KmsErrors.Classify("AccessDeniedException", 400));
        Assert.Equal(AppSignerFailure.AccessDenied, KmsErrors.Classify("KMSInvalidStateException", 400));
        Assert.Equal(AppSignerFailure.AccessDenied, KmsErrors.Classify("DisabledException", 400));
        Assert.Equal(AppSignerFailure.AccessDenied, KmsErrors.Classify("SomethingNew", 403));
        Assert.Equal(AppSignerFailure.Unavailable, KmsErrors.Classify("ThrottlingException", 400));
        Assert.Equal(AppSignerFailure.Unavailable, KmsErrors.Classify("KMSInternalException", 500));
        Assert.Equal(AppSignerFailure.Unavailable, KmsErrors.Classify("DependencyTimeoutException", 503));
    }

    [Fact]
    public void The_one_app_variables_may_name_a_kms_signer_instead_of_a_key()
    {
        var options = LoadFromEnvironment(new()
        {
            ["GITHUBSTS_GITHUB_APP_ID"] = "7",
            ["GITHUBSTS_GITHUB_APP_SIGNER_KIND"] = "aws-kms",
            ["GITHUBSTS_GITHUB_APP_SIGNER_KEY_ID"] = "alias/github-sts",
            ["GITHUBSTS_GITHUB_APP_SIGNER_REGION"] = "eu-west-1",
            ["GITHUBSTS_GITHUB_APP_SIGNER_SERVICE_URL"] = "https://kms-fips.eu-west-1.amazonaws.com",
        });

        var app = Assert.Single(options.Apps);
        Assert.Equal(7, app.Credentials.AppId);
        Assert.Equal("aws-kms", app.Credentials.Signer.Kind);
        Assert.True(app.Credentials.HasRemoteSigner);
    }

    [Fact]
    public void A_signer_variable_beside_a_private_key_variable_is_refused()
    {
        var e = Assert.Throws<ConfigurationException>(() => LoadFromEnvironment(new()
        {
            ["GITHUBSTS_GITHUB_APP_ID"] = "7",
            ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = MinimalEnvironment.AppKeyPem,
            ["GITHUBSTS_GITHUB_APP_SIGNER_KIND"] = "aws-kms",
            ["GITHUBSTS_GITHUB_APP_SIGNER_KEY_ID"] = "alias/github-sts",
            ["GITHUBSTS_GITHUB_APP_SIGNER_REGION"] = "eu-west-1",
        }));
        Assert.Contains("not both", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_partial_signer_from_the_variables_names_the_missing_field()
    {
        var e = Assert.Throws<ConfigurationException>(() => LoadFromEnvironment(new()
        {
            ["GITHUBSTS_GITHUB_APP_ID"] = "7",
            ["GITHUBSTS_GITHUB_APP_SIGNER_KIND"] = "aws-kms",
            ["GITHUBSTS_GITHUB_APP_SIGNER_REGION"] = "eu-west-1",
        }));
        Assert.StartsWith("apps[0].signer.keyId", e.Message, StringComparison.Ordinal);
    }

    private GithubStsOptions LoadFromEnvironment(Dictionary<string, string> environment)
    {
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, """
            sts:
              identifier: sts.example.com
              allowedIssuers: ["https://token.actions.githubusercontent.com"]
            """);
        return GithubStsConfigurationLoader.Load(path, environment);
    }

    private GithubStsOptions Load(string appBody)
    {
        var indented = string.Join('\n', appBody.Split('\n').Select(line => "    " + line));
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, $"""
            sts:
              identifier: sts.example.com
              allowedIssuers: ["https://token.actions.githubusercontent.com"]
            apps:
              - name: default
                appId: 1
            {indented}
            """);
        return GithubStsConfigurationLoader.Load(path, new Dictionary<string, string>());
    }
}
