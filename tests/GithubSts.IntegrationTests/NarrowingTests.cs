using System.Net.Http.Json;
using System.Text;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 11 §2: a caller asks for less than its policy allows (<c>permissions</c>, <c>repositories</c>) on every API
/// shape; the mint asks GitHub for exactly that, and asking for more is refused with nothing minted.
/// </summary>
public sealed class NarrowingTests(NarrowingTests.Fixture fixture) : IClassFixture<NarrowingTests.Fixture>
{
    private const string Org = StsTestHost.Org;
    private readonly StsTestHost _host = fixture.Host.StartTest();

    // Repository policy (octo-org/octo-repo): contents write, issues read.
    private const string RepoIdentity = "narrow-repo";

    // Organization policy: contents read, pull_requests write, on octo-repo and other-repo.
    private const string OrgIdentity = "narrow-org";

    // Organization policy with '*' (not naming .github).
    private const string StarIdentity = "narrow-star";

    public enum Shape
    {
        Query,
        PostForm,
        PostJson,
        TokenJson,
        Rfc8693,
    }

    public static TheoryData<Shape> Shapes => [Shape.Query, Shape.PostForm, Shape.PostJson, Shape.TokenJson, Shape.Rfc8693];

    public static TheoryData<Shape> BearerShapes => [Shape.Query, Shape.PostForm, Shape.PostJson, Shape.TokenJson];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_narrower_permission_set_is_minted_exactly(Shape shape)
    {
        using var response = await SendAsync(shape, Org + "/octo-repo", RepoIdentity, permissions: [("contents", "read")]);

        var body = await response.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("""{"permissions":{"contents":"read"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson));
        if (shape != Shape.Rfc8693)
        {
            // The response reports what GitHub granted.
            var permissions = body.GetProperty("permissions");
            Assert.Equal("read", permissions.GetProperty("contents").GetString());
            Assert.False(permissions.TryGetProperty("issues", out _));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_subset_of_an_organization_policy_repositories_is_minted_exactly(Shape shape)
    {
        using var response = await SendAsync(shape, Org, OrgIdentity, permissions: [("pull_requests", "read")], repositories: ["other-repo"]);

        var body = await response.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("""{"permissions":{"pull_requests":"read"},"repositories":["other-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson));
        if (shape != Shape.Rfc8693)
        {
            Assert.Equal(["other-repo"], body.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()));
        }
    }

    [Fact]
    public async Task Without_narrowing_the_policy_is_minted_as_before()
    {
        using var response = await SendAsync(Shape.Query, Org, OrgIdentity);

        await response.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal(
            """{"permissions":{"contents":"read","pull_requests":"write"},"repositories":["octo-repo","other-repo"]}""",
            ExchangeApiShapeTests.Canonical(mint.RequestJson));
    }

    [Fact]
    public async Task Under_a_star_policy_the_caller_names_its_repositories_and_the_installation_is_not_listed()
    {
        using var response = await SendAsync(Shape.Query, Org, StarIdentity, repositories: ["octo-repo"]);

        await response.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("""{"permissions":{"contents":"read"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson));
    }

    public static TheoryData<Shape, string, string, string[]?, string[]?> Exceeding()
    {
        var data = new TheoryData<Shape, string, string, string[]?, string[]?>();
        foreach (var shape in new[] { Shape.Query, Shape.PostForm, Shape.PostJson, Shape.TokenJson, Shape.Rfc8693 })
        {
            // A level above the policy's, a permission the policy does not name, one the App has but the policy not.
            data.Add(shape, Org + "/octo-repo", RepoIdentity, ["issues:write"], null);
            data.Add(shape, Org + "/octo-repo", RepoIdentity, ["checks:read"], null);
            data.Add(shape, Org + "/octo-repo", RepoIdentity, ["contents:read", "pull_requests:read"], null);
            data.Add(shape, Org + "/octo-repo", RepoIdentity, ["administration:read"], null);

            // A repository outside the requested org/repo scope, outside the policy, the org policy repository under '*'.
            data.Add(shape, Org + "/octo-repo", RepoIdentity, null, ["other-repo"]);
            data.Add(shape, Org + "/octo-repo", RepoIdentity, null, ["octo-repo", "other-repo"]);
            data.Add(shape, Org, OrgIdentity, null, [".github"]);
            data.Add(shape, Org, OrgIdentity, null, ["octo-repo", "third-repo"]);
            data.Add(shape, Org, StarIdentity, null, [".github"]);
            data.Add(shape, Org, StarIdentity, null, [".GitHub"]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Exceeding))]
    public async Task Asking_for_more_than_the_policy_is_refused_and_nothing_is_minted(
        Shape shape, string scope, string identity, string[]? permissions, string[]? repositories)
    {
        using var response = await SendAsync(
            shape, scope, identity, permissions?.Select(p => (p.Split(':')[0], p.Split(':')[1])).ToArray(), repositories);

        var body = shape == Shape.Rfc8693
            ? await response.AssertErrorAsync(400, "invalid_scope")
            : await response.AssertErrorAsync(403, "access_denied");
        Assert.StartsWith("the request exceeds the policy", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A_refused_narrowing_does_not_use_up_the_token()
    {
        var token = _host.Issuer.CreateToken();
        using (var refused = await SendAsync(Shape.Query, Org + "/octo-repo", RepoIdentity, token: token, permissions: [("issues", "write")]))
        {
            await refused.AssertErrorAsync(403, "access_denied");
        }

        using var allowed = await SendAsync(Shape.Query, Org + "/octo-repo", RepoIdentity, token: token, permissions: [("issues", "read")]);
        await allowed.AssertSuccessAsync();
        Assert.Single(_host.IssuedMints());
    }

    public static TheoryData<string, string> MalformedQueries => new()
    {
        { "permissions=", "empty" },
        { "permissions=contents", "no level" },
        { "permissions=contents:", "empty level" },
        { "permissions=:read", "empty name" },
        { "permissions=contents:READ", "level case" },
        { "permissions=Contents:read", "name case" },
        { "permissions=contents:read,contents:read", "repeated" },
        { "permissions=contents:read,contents:write", "repeated with another level" },
        { "permissions=contents:admin", "a level the permission does not have" },
        { "permissions=no_such_permission:read", "unknown permission" },
        { "permissions=contents:read,", "trailing comma" },
        { "permissions=contents%3Aread&permissions=issues%3Aread", "given twice" },
        { "repositories=", "empty" },
        { "repositories=octo-org%2Focto-repo", "owner included" },
        { "repositories=..", "dot-dot" },
        { "repositories=a%20b", "space inside" },
        { "repositories=octo-repo,OCTO-REPO", "same repository twice" },
        { "repositories=octo-repo,", "trailing comma" },
        { "repositories=x.git", "ends in .git" },
    };

    [Theory]
    [MemberData(nameof(MalformedQueries))]
    public async Task Malformed_narrowing_is_a_400_and_nothing_is_minted(string query, string because)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/sts/exchange?scope={Org}%2Focto-repo&identity={RepoIdentity}&{query}");
        request.Headers.Authorization = new("Bearer", _host.Issuer.CreateToken());
        using var response = await _host.Client.SendAsync(request);

        await response.AssertErrorAsync(400, "invalid_request");
        Assert.True(_host.IssuedMints().Count == 0, because);
    }

    public static TheoryData<string> MalformedJsonBodies => new()
    {
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","permissions":"contents:read"}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","permissions":{"contents":1}}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","permissions":{"contents":{"level":"read"}}}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","permissions":{}}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","permissions":{"contents":"read","contents":"read"}}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","permissions":{"contents":"read"},"permissions":{"contents":"read"}}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","repositories":"octo-repo"}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","repositories":[]}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","repositories":[1]}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","repositories":[["octo-repo"]]}""",
        """{"scope":"octo-org/octo-repo","identity":"narrow-repo","repositories":[null]}""",
    };

    [Theory]
    [MemberData(nameof(MalformedJsonBodies))]
    public async Task Malformed_json_narrowing_is_a_400_and_nothing_is_minted(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/token") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", _host.Issuer.CreateToken());
        using var response = await _host.Client.SendAsync(request);

        await response.AssertErrorAsync(400, "invalid_request");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task More_than_500_repositories_is_a_400()
    {
        var names = Enumerable.Range(0, 501).Select(i => "r" + i).ToArray();
        using var response = await SendAsync(Shape.PostJson, Org, StarIdentity, repositories: names);

        await response.AssertErrorAsync(400, "invalid_request");
        _host.AssertNothingIssued();
    }

    private async Task<HttpResponseMessage> SendAsync(
        Shape shape, string scope, string identity, (string Name, string Level)[]? permissions = null, string[]? repositories = null, string? token = null)
    {
        token ??= _host.Issuer.CreateToken();
        var permissionText = permissions is null ? null : string.Join(",", permissions.Select(p => p.Name + ":" + p.Level));
        var repositoryText = repositories is null ? null : string.Join(",", repositories);
        var fields = new Dictionary<string, string> { ["scope"] = scope, ["identity"] = identity };
        if (permissionText is not null)
        {
            fields["permissions"] = permissionText;
        }

        if (repositoryText is not null)
        {
            fields["repositories"] = repositoryText;
        }

        var json = new Dictionary<string, object> { ["scope"] = scope, ["identity"] = identity };
        if (permissions is not null)
        {
            json["permissions"] = permissions.ToDictionary(p => p.Name, p => p.Level);
        }

        if (repositories is not null)
        {
            json["repositories"] = repositories;
        }

        HttpRequestMessage request;
        switch (shape)
        {
            case Shape.Query:
                request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?" + string.Join("&", fields.Select(f => f.Key + "=" + Uri.EscapeDataString(f.Value))));
                break;
            case Shape.PostForm:
                request = new HttpRequestMessage(HttpMethod.Post, "/sts/exchange") { Content = new FormUrlEncodedContent(fields) };
                break;
            case Shape.PostJson:
                request = new HttpRequestMessage(HttpMethod.Post, "/sts/exchange") { Content = JsonContent.Create(json) };
                break;
            case Shape.TokenJson:
                request = new HttpRequestMessage(HttpMethod.Post, "/token") { Content = JsonContent.Create(json) };
                break;
            default:
                fields["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange";
                fields["subject_token"] = token;
                fields["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token";
                return await _host.Client.PostAsync("/token", new FormUrlEncodedContent(fields));
        }

        using (request)
        {
            request.Headers.Authorization = new("Bearer", token);
            return await _host.Client.SendAsync(request);
        }
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public StsTestHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await StsTestHost.StartAsync(env => env["GITHUBSTS_REPLAY_BACKEND"] = "memory");
            Host.SetPolicy(RepoIdentity, StsTestHost.Policy("contents: write\n  issues: read"));
            Host.GitHub.SetFile(Org, ".github", $".github/sts/default/{OrgIdentity}.sts.yaml",
                StsTestHost.Policy("contents: read\n  pull_requests: write", "repositories: [octo-repo, other-repo]"));
            Host.GitHub.SetFile(Org, ".github", $".github/sts/default/{StarIdentity}.sts.yaml",
                StsTestHost.Policy("contents: read", "repositories: ['*']"));
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
