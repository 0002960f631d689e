using System.Net;
using System.Text;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using static GithubSts.IntegrationTests.Infrastructure.WebhookDeliveryClient;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 13 §3 over HTTP: the App's webhook on the real service against the GitHub simulator. A signed push to the
/// default branch makes the next exchange read the new policy file; every unauthenticated, oversized or repeated
/// delivery changes nothing and calls nothing.
/// </summary>
public sealed class WebhookTests
{
    private const string CiFile = ".github/sts/default/ci.sts.yaml";

    [Fact]
    public async Task A_signed_push_to_the_default_branch_invalidates_the_cached_policy_before_the_next_exchange()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));

        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));
        Assert.Equal("read", await GrantedContentsAsync(host)); // cached for policies.cacheTtlSeconds

        using var push = await SendAsync(host.Client, "push", Push("refs/heads/main", Sha('a'), host.InstallationId, modified: [CiFile]));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        Assert.Equal("processed", await push.ResultAsync());

        Assert.Equal("write", await GrantedContentsAsync(host));
        var metrics = await host.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("githubsts_policy_invalidations_total{origin=\"webhook\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("githubsts_webhook_deliveries_total{event=\"push\",result=\"processed\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_load_that_read_the_old_file_before_the_push_does_not_cache_it()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));

        // The load reads the file, then revokes its read token (slowly here) before it caches what it read.
        host.GitHub.SetLatency(GitHubEndpointKind.Revoke, TimeSpan.FromSeconds(1));
        var revokes = host.GitHub.GetRequestCount(GitHubEndpointKind.Revoke);
        var inFlight = GrantedContentsAsync(host);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.GitHub.GetRequestCount(GitHubEndpointKind.Revoke) == revokes)
        {
            Assert.True(DateTime.UtcNow < deadline, "the policy load never revoked its read token");
            await Task.Delay(10);
        }

        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));
        using (var push = await SendAsync(host.Client, "push", Push("refs/heads/main", Sha('a'), host.InstallationId, modified: [CiFile])))
        {
            Assert.Equal("processed", await push.ResultAsync());
        }

        Assert.Equal("read", await inFlight); // it began before the push
        host.GitHub.SetLatency(GitHubEndpointKind.Revoke, TimeSpan.Zero);
        Assert.Equal("write", await GrantedContentsAsync(host));
    }

    [Fact]
    public async Task A_push_adding_a_policy_file_replaces_the_cached_not_found_answer()
    {
        await using var host = await StsTestHost.StartAsync(env =>
        {
            WithWebhookSecret(env);
            env["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "10";
        });
        host.SetPolicy("ci", StsTestHost.Policy());
        using (var before = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "deploy"))
        {
            await before.AssertErrorAsync(403, "access_denied");
        }

        host.SetPolicy("deploy", StsTestHost.Policy());
        using (var stillCached = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "deploy"))
        {
            await stillCached.AssertErrorAsync(403, "access_denied");
        }

        using var push = await SendAsync(
            host.Client, "push", Push("refs/heads/main", Sha('b'), host.InstallationId, added: [".github/sts/default/deploy.sts.yaml"]));
        Assert.Equal("processed", await push.ResultAsync());

        using var after = await host.ExchangeAsync(host.Issuer.CreateToken(), identity: "deploy");
        await after.AssertSuccessAsync();
    }

    [Fact]
    public async Task A_push_deleting_the_policy_file_stops_granting_at_once()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy());
        Assert.Equal("read", await GrantedContentsAsync(host));

        host.GitHub.DeleteFile(StsTestHost.Org, StsTestHost.Repo, CiFile);
        using var push = await SendAsync(host.Client, "push", Push("refs/heads/main", Sha('c'), host.InstallationId, removed: [CiFile]));
        Assert.Equal("processed", await push.ResultAsync());

        using var denied = await host.ExchangeAsync(host.Issuer.CreateToken());
        await denied.AssertErrorAsync(403, "access_denied");
    }

    [Fact]
    public async Task A_forced_push_invalidates_every_cached_policy_of_the_repository()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));

        // A forced push lists only the new commits: what the vanished ones changed is unknown.
        using var push = await SendAsync(host.Client, "push", Push("refs/heads/main", Sha('d'), host.InstallationId, modified: ["README.md"], forced: true));
        Assert.Equal("processed", await push.ResultAsync());

        Assert.Equal("write", await GrantedContentsAsync(host));
    }

    [Fact]
    public async Task A_push_to_another_branch_does_not_invalidate()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));

        var head = Sha('e');
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"), branch: head);
        using var push = await SendAsync(host.Client, "push", Push("refs/heads/feature", head, host.InstallationId, modified: [CiFile]));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);

        Assert.Equal("read", await GrantedContentsAsync(host));
        var metrics = await host.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("githubsts_policy_invalidations_total{origin=\"webhook\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_service_exposes_every_webhook_series_at_zero()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        var metrics = await host.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (var eventName in GithubSts.Exchange.Telemetry.GithubStsMetrics.WebhookEvents)
        {
            foreach (var result in GithubSts.Exchange.Telemetry.GithubStsMetrics.WebhookResults)
            {
                Assert.Contains($"githubsts_webhook_deliveries_total{{event=\"{eventName}\",result=\"{result}\"}} 0", metrics, StringComparison.Ordinal);
            }
        }

        Assert.All(GithubSts.Exchange.Telemetry.GithubStsMetrics.InvalidationOrigins, o =>
            Assert.Contains($"githubsts_policy_invalidations_total{{origin=\"{o}\"}} 0", metrics, StringComparison.Ordinal));
        Assert.All(GithubSts.Exchange.Telemetry.GithubStsMetrics.CheckRunConclusions, c =>
            Assert.Contains($"githubsts_policy_check_runs_total{{conclusion=\"{c}\"}} 0", metrics, StringComparison.Ordinal));
        Assert.Contains("githubsts_github_api_calls_total{endpoint=\"checks\",result=\"2xx\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_to_the_default_branch_not_touching_policy_files_changes_nothing()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));
        var calls = CallsBesidesAppCheck(host.GitHub);

        using var push = await SendAsync(
            host.Client, "push", Push("refs/heads/main", Sha('f'), host.InstallationId, modified: ["src/app.cs", ".github/sts/other/ci.sts.yaml"]));
        Assert.Equal("ignored", await push.ResultAsync());

        Assert.Equal(calls, CallsBesidesAppCheck(host.GitHub));
        Assert.Equal("read", await GrantedContentsAsync(host));
    }

    public static TheoryData<string> Unauthenticated => new()
    {
        "no signature",
        "wrong signature",
        "another App's secret",
        "sha1 header only",
        "tampered body",
        "signature of an empty body",
        "uppercase prefix",
        "two signature headers",
        "unknown App id",
        "no App id",
    };

    [Theory]
    [MemberData(nameof(Unauthenticated))]
    public async Task An_unauthenticated_delivery_gets_401_and_nothing_happens(string how)
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));
        var calls = CallsBesidesAppCheck(host.GitHub);

        var payload = Push("refs/heads/main", Sha('a'), host.InstallationId, modified: [CiFile]);
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var signed = SignWith(Secret)(body)!;
        using var response = how switch
        {
            "no signature" => await SendAsync(host.Client, "push", payload, sign: _ => null),
            "wrong signature" => await SendAsync(host.Client, "push", payload, sign: _ => "sha256=" + new string('0', 64)),
            "another App's secret" => await SendAsync(host.Client, "push", payload, sign: SignWith(OtherSecret)),
            "sha1 header only" => await SendAsync(host.Client, "push", payload, sign: _ => null,
                tamper: r => r.Headers.Add("X-Hub-Signature", "sha1=" + LegacySha1Signature(body))),
            "tampered body" => await SendAsync(host.Client, "push", payload, sign: _ => signed,
                body: Encoding.UTF8.GetBytes(payload.ToJsonString().Replace("refs/heads/main", "refs/heads/mai2", StringComparison.Ordinal))),
            "signature of an empty body" => await SendAsync(host.Client, "push", payload, sign: _ => SignWith(Secret)([])),
            "uppercase prefix" => await SendAsync(host.Client, "push", payload, sign: b => "SHA256=" + SignWith(Secret)(b)![7..]),
            "two signature headers" => await SendAsync(host.Client, "push", payload, tamper: r => r.Headers.Add("X-Hub-Signature-256", signed)),
            "unknown App id" => await SendAsync(host.Client, "push", payload, appId: StsTestHost.AppId + 1),
            "no App id" => await SendAsync(host.Client, "push", payload, tamper: r => r.Headers.Remove("X-GitHub-Hook-Installation-Target-ID")),
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", await response.ResultAsync());
        Assert.Equal(calls, CallsBesidesAppCheck(host.GitHub));
        Assert.Equal("read", await GrantedContentsAsync(host));
    }

    [Fact]
    public async Task An_App_without_a_webhook_secret_refuses_every_delivery()
    {
        await using var host = await StsTestHost.StartAsync();
        using var response = await SendAsync(host.Client, "ping", new System.Text.Json.Nodes.JsonObject { ["zen"] = "hi" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_unread()
    {
        await using var host = await StsTestHost.StartAsync(env =>
        {
            WithWebhookSecret(env);
            env["GITHUBSTS_WEBHOOK_MAX_BODY_BYTES"] = "4096";
        });
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));

        var payload = Push("refs/heads/main", Sha('a'), host.InstallationId, modified: [CiFile, .. Enumerable.Range(0, 400).Select(i => $"docs/file-{i}.md")]);
        using var response = await SendAsync(host.Client, "push", payload);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        // The same without a Content-Length (chunked): refused while it is read.
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookDeliveryClient.Path) { Content = new StreamContent(new NoLengthStream(body)) };
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", NewDeliveryId());
        request.Headers.Add("X-GitHub-Hook-Installation-Target-ID", "4242");
        request.Headers.Add("X-Hub-Signature-256", SignWith(Secret)(body));
        using var chunked = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);

        Assert.Equal("read", await GrantedContentsAsync(host));
    }

    [Fact]
    public async Task A_body_larger_than_the_exchange_limit_but_within_the_webhook_limit_is_read()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));

        // About 300 KB: over the 64 KiB every other endpoint accepts, under the webhook's 1 MiB.
        var payload = Push("refs/heads/main", Sha('a'), host.InstallationId, modified: [CiFile, .. Enumerable.Range(0, 6000).Select(i => $"docs/a-rather-long-file-name-{i}.md")]);
        Assert.InRange(payload.ToJsonString().Length, 200_000, 1_000_000);
        using var response = await SendAsync(host.Client, "push", payload);
        Assert.Equal("processed", await response.ResultAsync());
        Assert.Equal("write", await GrantedContentsAsync(host));
    }

    [Fact]
    public async Task A_repeated_delivery_id_is_answered_duplicate_and_nothing_happens_a_second_time()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));

        var delivery = NewDeliveryId();
        var payload = Push("refs/heads/main", Sha('a'), host.InstallationId, modified: [CiFile]);
        using (var first = await SendAsync(host.Client, "push", payload, delivery))
        {
            Assert.Equal("processed", await first.ResultAsync());
        }

        Assert.Equal("write", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        using (var replayed = await SendAsync(host.Client, "push", payload, delivery))
        {
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
            Assert.Equal("duplicate", await replayed.ResultAsync());
        }

        // The replay did not invalidate: the cached policy (write) still serves.
        Assert.Equal("write", await GrantedContentsAsync(host));
        var metrics = await host.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("githubsts_policy_invalidations_total{origin=\"webhook\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("githubsts_webhook_deliveries_total{event=\"push\",result=\"duplicate\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_captured_delivery_resent_under_a_new_id_is_a_duplicate()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        host.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        var payload = Push("refs/heads/main", Sha('a'), host.InstallationId, modified: [CiFile]);
        using (var first = await SendAsync(host.Client, "push", payload))
        {
            Assert.Equal("processed", await first.ResultAsync());
        }

        Assert.Equal("read", await GrantedContentsAsync(host));
        host.SetPolicy("ci", StsTestHost.Policy("contents: write"));

        // The signature covers the body, not the headers: a new delivery id (or another event name) is the sender's choice.
        using (var resent = await SendAsync(host.Client, "push", payload, NewDeliveryId()))
        {
            Assert.Equal("duplicate", await resent.ResultAsync());
        }

        using (var relabelled = await SendAsync(host.Client, "pull_request", payload, NewDeliveryId()))
        {
            Assert.Equal("duplicate", await relabelled.ResultAsync());
        }

        Assert.Equal("read", await GrantedContentsAsync(host));
    }

    [Fact]
    public async Task A_delivery_that_failed_can_be_redelivered()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        var head = Sha('7');
        host.SetPolicy("ci", StsTestHost.Policy(), branch: head);
        var payload = Push("refs/heads/feature", head, host.InstallationId, modified: [CiFile]);
        var delivery = NewDeliveryId();

        host.GitHub.FailNext(GitHubEndpointKind.InstallationDetails, GitHubFault.Status(502), count: 2); // the call and its one retry
        using (var failed = await SendAsync(host.Client, "push", payload, delivery))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("error", await failed.ResultAsync());
        }

        using var redelivered = await SendAsync(host.Client, "push", payload, delivery);
        Assert.Equal("processed", await redelivered.ResultAsync());
        Assert.Single(host.GitHub.CheckRuns);
    }

    [Fact]
    public async Task A_signed_delivery_without_a_delivery_id_or_with_a_bad_body_is_refused()
    {
        await using var host = await StsTestHost.StartAsync(WithWebhookSecret);
        using (var noId = await SendAsync(host.Client, "ping", new System.Text.Json.Nodes.JsonObject(), tamper: r => r.Headers.Remove("X-GitHub-Delivery")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        }

        using (var badId = await SendAsync(host.Client, "ping", new System.Text.Json.Nodes.JsonObject(), deliveryId: "../../x"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        }

        using var notJson = await SendAsync(host.Client, "push", new System.Text.Json.Nodes.JsonObject(), body: "{\"ref\":"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("malformed", await notJson.ResultAsync());

        using var ping = await SendAsync(host.Client, "ping", new System.Text.Json.Nodes.JsonObject { ["zen"] = "Keep it logically awesome." });
        Assert.Equal("processed", await ping.ResultAsync());
    }

    // What GitHub's legacy X-Hub-Signature carries: a valid SHA-1 HMAC, which must not be enough.
#pragma warning disable CA5350
    private static string LegacySha1Signature(byte[] body) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA1.HashData(Encoding.UTF8.GetBytes(Secret), body));
#pragma warning restore CA5350

    private static async Task<string?> GrantedContentsAsync(StsTestHost host)
    {
        using var response = await host.ExchangeAsync(host.Issuer.CreateToken());
        var body = await response.AssertSuccessAsync();
        return body.GetProperty("permissions").GetProperty("contents").GetString();
    }

    /// <summary>A body the client cannot know the length of, so it is sent chunked.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
