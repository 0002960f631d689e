using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>Issue 9 item 2 with the App's opt-in (<c>GITHUBSTS_GITHUB_ALLOW_ORGANIZATION_PERMISSIONS=true</c>).</summary>
public sealed class OrganizationPermissionTests(OrganizationPermissionTests.OptInFixture fixture)
    : IClassFixture<OrganizationPermissionTests.OptInFixture>
{
    private const string Org = "perm-org";
    private readonly StsTestHost _host = fixture.Host.StartTest();

    [Fact]
    public async Task With_the_opt_in_an_organization_policy_mints_exactly_its_organization_permissions()
    {
        SetOrgPolicy("op-members", "members: read\n  organization_secrets: read", "repositories: [app]");

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org, identity: "op-members");
        await response.AssertSuccessAsync();

        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal(
            """{"permissions":{"members":"read","organization_secrets":"read"},"repositories":["app"]}""",
            ExchangeApiShapeTests.Canonical(mint.RequestJson));
    }

    [Theory]
    [InlineData("op-repo-members", "members: read")]
    [InlineData("op-repo-admin", "organization_administration: write")]
    public async Task The_opt_in_never_lets_a_repository_policy_grant_organization_permissions(string identity, string permission)
    {
        _host.GitHub.SetFile(Org, "app", $".github/sts/default/{identity}.sts.yaml", StsTestHost.Policy($"contents: read\n  {permission}"));

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org + "/app", identity: identity);

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task Account_permissions_stay_refused_with_the_opt_in()
    {
        SetOrgPolicy("op-gpg", "gpg_keys: read", "repositories: [app]");

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), scope: Org, identity: "op-gpg");

        await response.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    private void SetOrgPolicy(string identity, string permissions, string extra) =>
        _host.GitHub.SetFile(Org, ".github", $".github/sts/default/{identity}.sts.yaml", StsTestHost.Policy(permissions, extra));

    public sealed class OptInFixture : IAsyncLifetime
    {
        public StsTestHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await StsTestHost.StartAsync(env => env["GITHUBSTS_GITHUB_ALLOW_ORGANIZATION_PERMISSIONS"] = "true");
            Host.GitHub.AddInstallation(
                StsTestHost.AppId,
                Org,
                "Organization",
                ["app", ".github"],
                new Dictionary<string, string>
                {
                    ["contents"] = "write",
                    ["members"] = "write",
                    ["organization_secrets"] = "read",
                    ["organization_administration"] = "write",
                    ["gpg_keys"] = "read",
                    ["metadata"] = "read",
                });
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
